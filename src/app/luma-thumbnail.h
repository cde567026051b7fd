/* luma-thumbnail.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A task's thumbnail as a widget, for list rows and the details poster.
 *
 * Usage:
 *   GtkWidget *thumb = luma_thumbnail_new ();
 *   luma_thumbnail_set_task (LUMA_THUMBNAIL (thumb), task);   // follows the task
 *   luma_thumbnail_set_natural_width (LUMA_THUMBNAIL (thumb), 96);  // rows
 * or in a .ui: <object class="LumaThumbnail"><property name="task">…</property>
 * (call g_type_ensure (LUMA_TYPE_THUMBNAIL) in class_init).
 *
 * It keeps the image's aspect ratio (from the task's thumbnail_width/height
 * when known, else the image's), shows a placeholder icon while there is
 * nothing to show, and on failure an "image-missing" icon with the reason
 * as tooltip. It loads only while mapped — rows scrolled out of view fetch
 * nothing — and cancels when unmapped or given another task. Images come
 * from luma_thumbnail_loader_get_default().
 */

#pragma once

#include <gtk/gtk.h>

#include "luma-task.h"

G_BEGIN_DECLS

typedef enum
{
  LUMA_THUMBNAIL_EMPTY,     /* no URL (the task has not finished) */
  LUMA_THUMBNAIL_LOADING,
  LUMA_THUMBNAIL_LOADED,
  LUMA_THUMBNAIL_FAILED,
} LumaThumbnailStatus;

#define LUMA_TYPE_THUMBNAIL_STATUS (luma_thumbnail_status_get_type ())
GType luma_thumbnail_status_get_type (void) G_GNUC_CONST;

#define LUMA_TYPE_THUMBNAIL (luma_thumbnail_get_type ())

G_DECLARE_FINAL_TYPE (LumaThumbnail, luma_thumbnail, LUMA, THUMBNAIL, GtkWidget)

GtkWidget           *luma_thumbnail_new               (void);
LumaTask            *luma_thumbnail_get_task          (LumaThumbnail *self);
void                 luma_thumbnail_set_task          (LumaThumbnail *self,
                                                       LumaTask      *task);
/* Without a task. @width and @height (0 when unknown) give the aspect ratio
 * before the image arrives. */
void                 luma_thumbnail_set_url           (LumaThumbnail *self,
                                                       const char    *url,
                                                       guint          width,
                                                       guint          height);
const char          *luma_thumbnail_get_url           (LumaThumbnail *self);
/* The width asked for when nothing constrains it (-1: the image's). */
void                 luma_thumbnail_set_natural_width (LumaThumbnail *self,
                                                       int            natural_width);
LumaThumbnailStatus  luma_thumbnail_get_status        (LumaThumbnail *self);
GdkTexture          *luma_thumbnail_get_texture       (LumaThumbnail *self);
/* Why the image could not be shown, or NULL. */
const char          *luma_thumbnail_get_failure       (LumaThumbnail *self);

G_END_DECLS
