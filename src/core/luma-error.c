/* luma-error.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-error"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "luma-error.h"

typedef struct
{
  guint  http_status;
  char  *api_code;
  char  *trace_id;
} LumaErrorPrivate;

static void
luma_error_private_init (LumaErrorPrivate *priv)
{
  priv->http_status = 0;
  priv->api_code = NULL;
  priv->trace_id = NULL;
}

static void
luma_error_private_copy (const LumaErrorPrivate *src,
                         LumaErrorPrivate       *dest)
{
  dest->http_status = src->http_status;
  dest->api_code = g_strdup (src->api_code);
  dest->trace_id = g_strdup (src->trace_id);
}

static void
luma_error_private_clear (LumaErrorPrivate *priv)
{
  g_clear_pointer (&priv->api_code, g_free);
  g_clear_pointer (&priv->trace_id, g_free);
}

/* The extended error domain lets every GError of ours carry the service's
 * status, code and trace_id through copies and propagation. */
G_DEFINE_EXTENDED_ERROR (LumaError, luma_error)

GError *
luma_error_new_api (LumaErrorCode  code,
                    guint          http_status,
                    const char    *api_code,
                    const char    *trace_id,
                    const char    *format,
                    ...)
{
  g_autofree char *message = NULL;
  LumaErrorPrivate *priv;
  GError *error;
  va_list args;

  g_return_val_if_fail (format != NULL, NULL);

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  error = g_error_new_literal (LUMA_ERROR, code, message);
  priv = luma_error_get_private (error);
  priv->http_status = http_status;
  priv->api_code = g_strdup (api_code);
  priv->trace_id = g_strdup (trace_id);

  return error;
}

/* Maps what the service answered to one of our codes; the API's own code
 * wins over the status where both say something. */
LumaErrorCode
luma_error_code_for_status (guint       http_status,
                            const char *api_code)
{
  static const struct {
    const char *api_code;
    LumaErrorCode code;
  } known[] = {
    { "bad_request", LUMA_ERROR_BAD_REQUEST },
    { "token_mismatched", LUMA_ERROR_TOKEN_MISMATCHED },
    { "api_not_implemented", LUMA_ERROR_NOT_IMPLEMENTED },
    { "invalid_token", LUMA_ERROR_INVALID_TOKEN },
    { "forbidden", LUMA_ERROR_FORBIDDEN },
    { "too_many_requests", LUMA_ERROR_TOO_MANY_REQUESTS },
    { "api_error", LUMA_ERROR_SERVER },
    { "timeout", LUMA_ERROR_TIMEOUT },
  };

  if (api_code != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (known); i++)
        {
          if (g_str_equal (api_code, known[i].api_code))
            return known[i].code;
        }
    }

  switch (http_status)
    {
    case 400: return LUMA_ERROR_BAD_REQUEST;
    case 401: return LUMA_ERROR_INVALID_TOKEN;
    case 403: return LUMA_ERROR_FORBIDDEN;
    case 404: return LUMA_ERROR_NOT_FOUND;
    case 408: return LUMA_ERROR_TIMEOUT;
    case 413: return LUMA_ERROR_TOO_LARGE;
    case 429: return LUMA_ERROR_TOO_MANY_REQUESTS;
    case 504: return LUMA_ERROR_TIMEOUT;
    default:
      if (http_status >= 500 && http_status < 600)
        return LUMA_ERROR_SERVER;
      return LUMA_ERROR_FAILED;
    }
}

guint
luma_error_get_http_status (const GError *error)
{
  LumaErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, 0);

  if (error->domain != LUMA_ERROR)
    return 0;

  priv = luma_error_get_private (error);
  return priv->http_status;
}

const char *
luma_error_get_api_code (const GError *error)
{
  LumaErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != LUMA_ERROR)
    return NULL;

  priv = luma_error_get_private (error);
  return priv->api_code;
}

const char *
luma_error_get_trace_id (const GError *error)
{
  LumaErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != LUMA_ERROR)
    return NULL;

  priv = luma_error_get_private (error);
  return priv->trace_id;
}

/* DESIGN §3: 429, 5xx and network failures are retried; 400/401/403 never. */
gboolean
luma_error_is_retryable (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain != LUMA_ERROR)
    return FALSE;

  switch ((LumaErrorCode) error->code)
    {
    case LUMA_ERROR_TOO_MANY_REQUESTS:
    case LUMA_ERROR_SERVER:
    case LUMA_ERROR_TIMEOUT:
    case LUMA_ERROR_NETWORK:
      return TRUE;

    case LUMA_ERROR_BAD_RESPONSE:
      /* A proxy's HTML page or a cut body comes with a 5xx or no status. */
      return luma_error_get_http_status (error) == 0 ||
             luma_error_get_http_status (error) >= 500;

    case LUMA_ERROR_FAILED:
    case LUMA_ERROR_BAD_REQUEST:
    case LUMA_ERROR_TOKEN_MISMATCHED:
    case LUMA_ERROR_NOT_IMPLEMENTED:
    case LUMA_ERROR_INVALID_TOKEN:
    case LUMA_ERROR_FORBIDDEN:
    case LUMA_ERROR_TOO_LARGE:
    case LUMA_ERROR_INSECURE_URL:
    case LUMA_ERROR_REDIRECT:
    case LUMA_ERROR_NOT_FOUND:
    case LUMA_ERROR_NO_TOKEN:
    case LUMA_ERROR_INVALID_DATA:
    default:
      return FALSE;
    }
}

/* Whether @message already says "HTTP @status" (and not, say, "HTTP 5020"). */
static gboolean
message_names_status (const char *message,
                      guint       status)
{
  g_autofree char *needle = g_strdup_printf ("HTTP %u", status);
  gsize needle_len = strlen (needle);
  const char *p = message;

  if (message == NULL)
    return FALSE;

  while ((p = strstr (p, needle)) != NULL)
    {
      if (!g_ascii_isdigit (p[needle_len]))
        return TRUE;
      p += needle_len;
    }

  return FALSE;
}

/* Whether the status says something about the failure. A timeout or a size
 * over the cap that follows a success status happened in the body, past the
 * headers: "HTTP 200" would read as if 200 were the problem. The server's
 * own 408, 413 or 504 does explain them. Every other kind keeps its status
 * as it came (a bad answer's status, for one, decides whether it is
 * retried). */
static gboolean
status_explains (const GError *error,
                 guint         status)
{
  if (status == 0)
    return FALSE;

  if (g_error_matches (error, LUMA_ERROR, LUMA_ERROR_TIMEOUT) ||
      g_error_matches (error, LUMA_ERROR, LUMA_ERROR_TOO_LARGE))
    return status < 200 || status >= 300;

  return TRUE;
}

/**
 * luma_error_describe:
 *
 * The message followed by what the service said about it, for standard
 * error and tooltips: "The API token was refused (invalid_token, HTTP 401,
 * trace_id 2cf8…)". The status is left out when the message names it
 * already ("… (HTTP 502)."), and when it does not explain the failure: a
 * body too slow or too large after "HTTP 200" (see status_explains()). The
 * status itself stays in the error, for luma_error_get_http_status().
 */
char *
luma_error_describe (const GError *error)
{
  GString *str;
  const char *api_code;
  const char *trace_id;
  guint status;
  gboolean open = FALSE;

  g_return_val_if_fail (error != NULL, NULL);

  str = g_string_new (error->message);
  api_code = luma_error_get_api_code (error);
  trace_id = luma_error_get_trace_id (error);
  status = luma_error_get_http_status (error);

#define SEP() G_STMT_START { g_string_append (str, open ? ", " : " ("); open = TRUE; } G_STMT_END
  if (api_code != NULL && *api_code != '\0')
    {
      SEP ();
      g_string_append (str, api_code);
    }
  /* Some messages name the status themselves ("… (HTTP 502)."): once is
   * enough. */
  if (status_explains (error, status) && !message_names_status (error->message, status))
    {
      SEP ();
      g_string_append_printf (str, "HTTP %u", status);
    }
  if (trace_id != NULL && *trace_id != '\0')
    {
      SEP ();
      g_string_append_printf (str, "trace_id %s", trace_id);
    }
#undef SEP
  if (open)
    g_string_append_c (str, ')');

  return g_string_free (str, FALSE);
}
