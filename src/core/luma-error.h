/* luma-error.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define LUMA_ERROR (luma_error_quark ())

/**
 * LumaErrorCode:
 *
 * Every failure the engine reports. Errors that came from the service also
 * carry the HTTP status, the API's own error code and the trace_id: read them
 * with luma_error_get_http_status() and friends.
 */
typedef enum
{
  LUMA_ERROR_FAILED,
  LUMA_ERROR_BAD_REQUEST,          /* 400 bad_request */
  LUMA_ERROR_TOKEN_MISMATCHED,     /* 400 token_mismatched */
  LUMA_ERROR_NOT_IMPLEMENTED,      /* 400 api_not_implemented */
  LUMA_ERROR_INVALID_TOKEN,        /* 401 invalid_token */
  LUMA_ERROR_FORBIDDEN,            /* 403 forbidden (content moderation) */
  LUMA_ERROR_TOO_MANY_REQUESTS,    /* 429 too_many_requests */
  LUMA_ERROR_SERVER,               /* 500 api_error, 502, 503 */
  LUMA_ERROR_TIMEOUT,              /* 504 timeout, or no answer in time */
  LUMA_ERROR_NETWORK,              /* could not connect, connection dropped */
  LUMA_ERROR_BAD_RESPONSE,         /* HTML, truncated or otherwise not the API's JSON */
  LUMA_ERROR_TOO_LARGE,            /* body over the size cap */
  LUMA_ERROR_INSECURE_URL,         /* base URL not https:// and not loopback, or not a URL */
  LUMA_ERROR_REDIRECT,             /* redirect to another origin refused */
  LUMA_ERROR_NOT_FOUND,            /* the service does not know the task */
  LUMA_ERROR_NO_TOKEN,             /* no API token configured */
  LUMA_ERROR_INVALID_DATA,         /* a file or text that cannot be used */
} LumaErrorCode;

GQuark       luma_error_quark            (void);

GError      *luma_error_new_api          (LumaErrorCode  code,
                                          guint          http_status,
                                          const char    *api_code,
                                          const char    *trace_id,
                                          const char    *format,
                                          ...) G_GNUC_PRINTF (5, 6);
LumaErrorCode luma_error_code_for_status (guint          http_status,
                                          const char    *api_code);
guint        luma_error_get_http_status  (const GError  *error);
const char  *luma_error_get_api_code     (const GError  *error);
const char  *luma_error_get_trace_id     (const GError  *error);
gboolean     luma_error_is_retryable     (const GError  *error);
char        *luma_error_describe         (const GError  *error);

G_END_DECLS
