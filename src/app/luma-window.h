/* luma-window.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "luma-application.h"

G_BEGIN_DECLS

#define LUMA_TYPE_WINDOW (luma_window_get_type ())

G_DECLARE_FINAL_TYPE (LumaWindow, luma_window, LUMA, WINDOW, AdwApplicationWindow)

LumaWindow *luma_window_new          (LumaApplication *application);
/* Adds every task ID in @text, as a paste would. */
void        luma_window_add_text     (LumaWindow      *self,
                                      const char      *text);
/* Adds the task IDs in these text files (read off the UI thread). */
void        luma_window_open_files   (LumaWindow      *self,
                                      GFile          **files,
                                      guint            n_files);
/* Selects the task (showing all tasks if a filter hid it); FALSE when the
 * list does not hold it. */
gboolean    luma_window_select_task  (LumaWindow      *self,
                                      const char      *id);

G_END_DECLS
