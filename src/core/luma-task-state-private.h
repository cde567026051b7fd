/* luma-task-state-private.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "luma-task-state.h"

G_BEGIN_DECLS

/* luma_task_state_derive() without copies, for hot loops: @state_word and
 * @reason point into @record or at static strings. */
LumaTaskState _luma_task_state_derive_borrowed (JsonObject  *record,
                                                const char **state_word,
                                                const char **reason);

G_END_DECLS
