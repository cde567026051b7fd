/* luma-state-badge.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "luma-task-state.h"

G_BEGIN_DECLS

#define LUMA_TYPE_STATE_BADGE (luma_state_badge_get_type ())

G_DECLARE_FINAL_TYPE (LumaStateBadge, luma_state_badge, LUMA, STATE_BADGE, GtkWidget)

GtkWidget  *luma_state_badge_new            (void);
/* @word is the state word of an unknown state (shown as it is). */
void        luma_state_badge_set_state      (LumaStateBadge *self,
                                             LumaTaskState   state,
                                             const char     *word);
const char *luma_state_badge_get_label      (LumaStateBadge *self);

/* What a person reads for a state, its icon and its CSS class. */
const char *luma_state_badge_label_for      (LumaTaskState   state,
                                             const char     *word);
const char *luma_state_badge_icon_for       (LumaTaskState   state);
const char *luma_state_badge_css_class_for  (LumaTaskState   state);

G_END_DECLS
