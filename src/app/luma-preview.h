/* luma-preview.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The preview player of a finished task: GStreamer playbin drawing into a
 * GtkPicture, with the thumbnail as poster until the first frame.
 *
 * Usage (the details pane):
 *   GtkWidget *preview = luma_preview_new ();
 *   gtk_box_append (GTK_BOX (preview_slot), preview);
 *   luma_preview_set_task (LUMA_PREVIEW (preview), selected_task);  // NULL clears
 *
 * Controls: play/pause (Space, "preview.toggle-play"), a seek bar with
 * position and duration, loop (on by default, "preview.loop"), mute
 * ("preview.muted") and volume, full screen (F, "preview.fullscreen";
 * Escape or F leaves), "preview.save-video" and "preview.save-thumbnail"
 * (a file chooser, then a progress bar with a cancel button).
 *
 * Playback starts only on play. Another task, or the widget being hidden
 * (unmapped), stops playback and releases the pipeline. A video already in
 * the media cache plays from disk; one played from its URL is kept in the
 * cache in the background when it is small enough. Failures (HTTP status,
 * not a video, a missing decoder) show inside the preview area and in the
 * "error-message" property. Media requests never carry the API token.
 */

#pragma once

#include <gtk/gtk.h>

#include "luma-task.h"

G_BEGIN_DECLS

typedef enum
{
  LUMA_PREVIEW_IDLE,
  LUMA_PREVIEW_LOADING,
  LUMA_PREVIEW_BUFFERING,
  LUMA_PREVIEW_PLAYING,
  LUMA_PREVIEW_PAUSED,
  LUMA_PREVIEW_ERROR,
} LumaPreviewState;

#define LUMA_TYPE_PREVIEW_STATE (luma_preview_state_get_type ())
GType luma_preview_state_get_type (void) G_GNUC_CONST;

#define LUMA_TYPE_PREVIEW (luma_preview_get_type ())

G_DECLARE_FINAL_TYPE (LumaPreview, luma_preview, LUMA, PREVIEW, GtkWidget)

GtkWidget        *luma_preview_new                (void);

LumaTask         *luma_preview_get_task           (LumaPreview *self);
void              luma_preview_set_task           (LumaPreview *self,
                                                   LumaTask    *task);
/* What set_task() uses; for media that has no LumaTask. */
void              luma_preview_set_media          (LumaPreview *self,
                                                   const char  *task_id,
                                                   const char  *video_url,
                                                   const char  *thumbnail_url,
                                                   guint        thumbnail_width,
                                                   guint        thumbnail_height);

void              luma_preview_play               (LumaPreview *self);
void              luma_preview_pause              (LumaPreview *self);
/* Back to the poster; the pipeline is released. */
void              luma_preview_stop               (LumaPreview *self);
/* Nanoseconds. */
void              luma_preview_seek               (LumaPreview *self,
                                                   gint64       position);

LumaPreviewState  luma_preview_get_state          (LumaPreview *self);
/* Nanoseconds; -1 when unknown. */
gint64            luma_preview_get_position       (LumaPreview *self);
gint64            luma_preview_get_duration       (LumaPreview *self);
int               luma_preview_get_buffering_percent (LumaPreview *self);
const char       *luma_preview_get_error_message  (LumaPreview *self);
gboolean          luma_preview_get_loop           (LumaPreview *self);
void              luma_preview_set_loop           (LumaPreview *self,
                                                   gboolean     loop);
gboolean          luma_preview_get_muted          (LumaPreview *self);
void              luma_preview_set_muted          (LumaPreview *self,
                                                   gboolean     muted);
double            luma_preview_get_volume         (LumaPreview *self);
void              luma_preview_set_volume         (LumaPreview *self,
                                                   double       volume);
/* The LumaVideoPaintable the frames go to. */
GdkPaintable     *luma_preview_get_paintable      (LumaPreview *self);
/* The URI being played ("file://…" when from the cache), or NULL. */
const char       *luma_preview_get_uri            (LumaPreview *self);

/* What "Save Video…"/"Save Thumbnail…" do once a file is chosen. */
void              luma_preview_save_to_file       (LumaPreview *self,
                                                   gboolean     video,
                                                   GFile       *file);
gboolean          luma_preview_is_saving          (LumaPreview *self);

/* Pipelines created by any LumaPreview and not yet finalized (tests). */
guint             luma_preview_get_n_live_pipelines (void);

G_END_DECLS
