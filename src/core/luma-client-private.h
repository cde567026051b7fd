/* luma-client-private.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "luma-client.h"

G_BEGIN_DECLS

/* The records of @result read once in the client's parse thread
 * (LumaPreparedRecord*, parallel to result->records), or NULL when there
 * are none or result->records was changed since. For a result of the
 * _prepared() calls below, the only records it has. */
GPtrArray       *_luma_batch_result_get_prepared (LumaBatchResult  *result);
/* How many records came back: result->records->len, or the prepared ones
 * of a result of the _prepared() calls below. */
guint            _luma_batch_result_get_n_records (LumaBatchResult *result);
/* The "id" of record @index of those, or NULL when it has none. */
const char      *_luma_batch_result_get_id       (LumaBatchResult  *result,
                                                  guint             index);
/* Frees @result; a large one on the thread-default main context in small
 * slices at low priority, as freeing 10,000 parsed records at once stalls
 * the loop. Its arrays must not be in use elsewhere (an apply running). */
void             _luma_batch_result_free_later   (LumaBatchResult  *result);
/* luma_client_retrieve_batch_async() and luma_client_fetch_async() for
 * the engine, which reads records only prepared: each record's JSON tree
 * is freed in the parse thread once it is read, and the result's records
 * array stays empty (see _luma_batch_result_get_prepared()). A single
 * ID's fetch still gives its record. Finish with the public calls. */
void             _luma_client_retrieve_prepared_async (LumaClient          *self,
                                                       const char * const  *ids,
                                                       guint                n_ids,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
void             _luma_client_fetch_prepared_async    (LumaClient          *self,
                                                       const char * const  *ids,
                                                       guint                n_ids,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* What the parse thread makes of a "retrieve_batch" answer of HTTP 200:
 * its usable records, prepared (and kept as JSON objects too if
 * @keep_records), and the number of unusable items. Runs in any thread. */
LumaBatchResult *_luma_client_parse_batch_body   (GBytes           *body,
                                                  gboolean          keep_records,
                                                  GError          **error);

G_END_DECLS
