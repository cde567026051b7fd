/* luma-add-dialog.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "luma-task-list.h"

G_BEGIN_DECLS

#define LUMA_TYPE_ADD_DIALOG (luma_add_dialog_get_type ())

G_DECLARE_FINAL_TYPE (LumaAddDialog, luma_add_dialog, LUMA, ADD_DIALOG, AdwWindow)

/* A window to paste text into. It says live how many task IDs the text
 * holds, and emits "add-text" (the whole text) when the user adds them. */
LumaAddDialog *luma_add_dialog_new          (GtkWindow     *parent,
                                             LumaTaskList  *list);
void           luma_add_dialog_set_text     (LumaAddDialog *self,
                                             const char    *text);
/* The live feedback as shown, and whether it is up to date with the text. */
const char    *luma_add_dialog_get_feedback (LumaAddDialog *self);
gboolean       luma_add_dialog_is_counting  (LumaAddDialog *self);

G_END_DECLS
