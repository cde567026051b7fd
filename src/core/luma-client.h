/* luma-client.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define LUMA_TYPE_CLIENT (luma_client_get_type ())
#define LUMA_TYPE_BATCH_RESULT (luma_batch_result_get_type ())

#define LUMA_CLIENT_DEFAULT_BATCH_SIZE     50
#define LUMA_CLIENT_DEFAULT_MAX_IN_FLIGHT  4
#define LUMA_CLIENT_DEFAULT_TIMEOUT        30
#define LUMA_CLIENT_MAX_BODY_SIZE          (64 * 1024 * 1024)

G_DECLARE_FINAL_TYPE (LumaClient, luma_client, LUMA, CLIENT, GObject)

/* What a fetch of many IDs gave: the records that came back, the IDs the
 * service did not know, and the IDs whose request failed with the error. One
 * failed chunk never loses the others' records. */
typedef struct
{
  GPtrArray *records;     /* JsonObject*, in request order */
  GPtrArray *not_found;   /* char* */
  GPtrArray *failed;      /* char*: IDs whose request failed */
  GError    *error;       /* the first failure, or NULL */
  guint      n_skipped;   /* unusable items in the answers (not objects, no id) */
} LumaBatchResult;

GType            luma_batch_result_get_type       (void) G_GNUC_CONST;
LumaBatchResult *luma_batch_result_new            (void);
LumaBatchResult *luma_batch_result_copy           (LumaBatchResult *result);
void             luma_batch_result_free           (LumaBatchResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LumaBatchResult, luma_batch_result_free)

/* Fails with LUMA_ERROR_INSECURE_URL for a base URL that is not https://
 * (http:// is allowed on loopback only). @token may be NULL: requests then
 * fail with LUMA_ERROR_NO_TOKEN. */
LumaClient      *luma_client_new                  (const char      *base_url,
                                                   const char      *token,
                                                   GError         **error);
const char      *luma_client_get_base_url         (LumaClient      *self);
void             luma_client_set_token            (LumaClient      *self,
                                                   const char      *token);
guint            luma_client_get_batch_size       (LumaClient      *self);
void             luma_client_set_batch_size       (LumaClient      *self,
                                                   guint            batch_size);
guint            luma_client_get_max_in_flight    (LumaClient      *self);
void             luma_client_set_max_in_flight    (LumaClient      *self,
                                                   guint            max_in_flight);
guint            luma_client_get_timeout          (LumaClient      *self);
void             luma_client_set_timeout          (LumaClient      *self,
                                                   guint            seconds);

/* One ID: "retrieve". Unknown ID → LUMA_ERROR_NOT_FOUND. */
void             luma_client_retrieve_async       (LumaClient          *self,
                                                   const char          *id,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
JsonObject      *luma_client_retrieve_finish      (LumaClient          *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* Many IDs: "retrieve_batch" in chunks of batch-size, at most max-in-flight
 * requests at once. Fails only when cancelled; per-ID failures are in the
 * result. */
void             luma_client_retrieve_batch_async (LumaClient          *self,
                                                   const char * const  *ids,
                                                   guint                n_ids,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
LumaBatchResult *luma_client_retrieve_batch_finish (LumaClient         *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* What the app and the CLI call: "retrieve" for one ID, batches for more. */
void             luma_client_fetch_async          (LumaClient          *self,
                                                   const char * const  *ids,
                                                   guint                n_ids,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
LumaBatchResult *luma_client_fetch_finish         (LumaClient          *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* Checks the token with one cheap request (a task nobody has): TRUE when the
 * service accepted it, else FALSE with the error (LUMA_ERROR_INVALID_TOKEN,
 * LUMA_ERROR_TOKEN_MISMATCHED, a network error…). */
void             luma_client_check_token_async    (LumaClient          *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean         luma_client_check_token_finish   (LumaClient          *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

/* The first backoff delay between retries (default 1000 ms; it doubles each
 * retry, ±20 % jitter, capped at 60 s). Tests make it short. A 429's
 * Retry-After is obeyed instead when it can be read (up to 10 minutes). */
void             luma_client_set_backoff_base_ms  (LumaClient          *self,
                                                   guint                base_ms);

/* Signal "retrying" (GError *error, double delay_seconds): emitted before
 * each wait between two attempts, e.g. "Rate limited — retrying in 8 s". */

/* Parses an HTTP date or a number of seconds; returns the delay in seconds
 * from @now (a negative value when the header cannot be used). */
double           luma_client_parse_retry_after    (const char          *value,
                                                   GDateTime           *now);

G_END_DECLS
