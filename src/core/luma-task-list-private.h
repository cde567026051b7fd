/* luma-task-list-private.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "luma-task-list.h"

G_BEGIN_DECLS

/* luma_task_list_apply_records_async() for records the client prepared
 * (LumaPreparedRecord*, e.g. _luma_batch_result_get_prepared()): @records
 * (JsonObject*, parallel to @prepared, or empty when the records were not
 * kept) is used where @prepared is NULL or holds NULL. Finish with
 * luma_task_list_apply_records_finish(). */
void _luma_task_list_apply_prepared_async (LumaTaskList        *self,
                                           GPtrArray           *records,
                                           GPtrArray           *prepared,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);

/* The time one slice of a sliced apply may take (tests: 0 makes every
 * slice as short as it can be). */
void _luma_task_list_set_apply_slice      (LumaTaskList        *self,
                                           guint                slice_us);

G_END_DECLS
