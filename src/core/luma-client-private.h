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
 * are none or result->records was changed since. */
GPtrArray       *_luma_batch_result_get_prepared (LumaBatchResult  *result);
/* Frees @result; a large one on the thread-default main context in small
 * slices at low priority, as freeing 10,000 parsed records at once stalls
 * the loop. Its arrays must not be in use elsewhere (an apply running). */
void             _luma_batch_result_free_later   (LumaBatchResult  *result);
/* What the parse thread makes of a "retrieve_batch" answer of HTTP 200:
 * its usable records, prepared, and the number of unusable items. Runs in
 * any thread. */
LumaBatchResult *_luma_client_parse_batch_body   (GBytes           *body,
                                                  GError          **error);

G_END_DECLS
