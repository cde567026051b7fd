/* test-error.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "luma-error.h"

static void
test_error_carries_api_details (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) copy = NULL;
  g_autofree char *text = NULL;

  error = luma_error_new_api (LUMA_ERROR_SERVER, 500, "api_error",
                              "2cf86e86-22a4-46e1-ac2f-032c0f2a4e89",
                              "The service failed: %s", "fetch failed");
  g_assert_error (error, LUMA_ERROR, LUMA_ERROR_SERVER);
  g_assert_cmpuint (luma_error_get_http_status (error), ==, 500);
  g_assert_cmpstr (luma_error_get_api_code (error), ==, "api_error");

  /* The details survive g_error_copy (), as errors cross GTask boundaries. */
  copy = g_error_copy (error);
  g_assert_cmpstr (luma_error_get_trace_id (copy), ==, "2cf86e86-22a4-46e1-ac2f-032c0f2a4e89");

  text = luma_error_describe (copy);
  g_assert_cmpstr (text, ==,
                   "The service failed: fetch failed (api_error, HTTP 500, "
                   "trace_id 2cf86e86-22a4-46e1-ac2f-032c0f2a4e89)");
}

static void
test_error_plain_describe (void)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "Disk full");
  g_autofree char *text = luma_error_describe (error);

  g_assert_cmpstr (text, ==, "Disk full");
  g_assert_cmpuint (luma_error_get_http_status (error), ==, 0);
  g_assert_null (luma_error_get_api_code (error));
  g_assert_false (luma_error_is_retryable (error));
}

/* How often @text says "HTTP @status", as a whole number. */
static guint
count_status (const char *text,
              guint       status)
{
  g_autofree char *needle = g_strdup_printf ("HTTP %u", status);
  const char *p = text;
  guint n = 0;

  while ((p = strstr (p, needle)) != NULL)
    {
      p += strlen (needle);
      if (!g_ascii_isdigit (*p))
        n++;
    }

  return n;
}

/* Messages that name the status themselves get it once, not twice. */
static void
test_error_status_once (void)
{
  struct {
    guint status;
    const char *api_code;
    const char *message;
    const char *described;
  } cases[] = {
    { 502, NULL,
      "The server answered with an HTML page instead of the API's JSON (HTTP 502).",
      "The server answered with an HTML page instead of the API's JSON (HTTP 502)." },
    { 200, NULL,
      "The server's answer was cut off before its end (HTTP 200): 40 of 81 bytes came.",
      "The server's answer was cut off before its end (HTTP 200): 40 of 81 bytes came." },
    { 307, NULL,
      "The server sent the request elsewhere (HTTP 307); the app does not follow it, to keep the API token safe.",
      "The server sent the request elsewhere (HTTP 307); the app does not follow it, to keep the API token safe." },
    /* Other details still follow. */
    { 502, "bad_gateway",
      "An answer (HTTP 502).",
      "An answer (HTTP 502). (bad_gateway)" },
    /* Another number that starts the same is not the status. */
    { 502, NULL,
      "An answer (HTTP 5020).",
      "An answer (HTTP 5020). (HTTP 502)" },
    { 500, NULL,
      "The service had an internal error.",
      "The service had an internal error. (HTTP 500)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = luma_error_new_api (LUMA_ERROR_BAD_RESPONSE, cases[i].status,
                                                    cases[i].api_code, NULL, "%s", cases[i].message);
      g_autofree char *text = luma_error_describe (error);

      g_assert_cmpstr (text, ==, cases[i].described);
      g_assert_cmpuint (count_status (text, cases[i].status), ==, 1);
    }
}

/* A body too slow or too large after a success status is not about the
 * status: it is left out of the text, and kept in the error. Where the
 * status is the failure, it stays exactly as it was. */
static void
test_error_status_explains (void)
{
  struct {
    LumaErrorCode code;
    guint status;
    const char *api_code;
    const char *trace_id;
    const char *message;
    const char *described;
  } cases[] = {
    /* The slow drip and the body over the cap, after "HTTP 200". */
    { LUMA_ERROR_TIMEOUT, 200, NULL, NULL,
      "The server did not answer within 1 second.",
      "The server did not answer within 1 second." },
    { LUMA_ERROR_TOO_LARGE, 200, NULL, NULL,
      "The server's answer is larger than 64 MiB and was refused.",
      "The server's answer is larger than 64 MiB and was refused." },
    { LUMA_ERROR_TOO_LARGE, 206, NULL, NULL,
      "The server's answer is larger than 64 MiB and was refused.",
      "The server's answer is larger than 64 MiB and was refused." },
    /* Other details still follow. */
    { LUMA_ERROR_TIMEOUT, 200, NULL, "2cf86e86-22a4-46e1-ac2f-032c0f2a4e89",
      "The server did not answer within 30 seconds.",
      "The server did not answer within 30 seconds. (trace_id 2cf86e86-22a4-46e1-ac2f-032c0f2a4e89)" },
    /* The same kinds said by the status itself keep it. */
    { LUMA_ERROR_TIMEOUT, 504, "timeout", "2cf86e86-22a4-46e1-ac2f-032c0f2a4e89",
      "The service took too long to answer.",
      "The service took too long to answer. (timeout, HTTP 504, trace_id 2cf86e86-22a4-46e1-ac2f-032c0f2a4e89)" },
    { LUMA_ERROR_TIMEOUT, 408, NULL, NULL,
      "The service took too long to answer.",
      "The service took too long to answer. (HTTP 408)" },
    { LUMA_ERROR_TOO_LARGE, 413, NULL, NULL,
      "The request was too large for the service.",
      "The request was too large for the service. (HTTP 413)" },
    /* A timeout while reading an error page: the page's status tells. */
    { LUMA_ERROR_TIMEOUT, 502, NULL, NULL,
      "The server did not answer within 1 second.",
      "The server did not answer within 1 second. (HTTP 502)" },
    /* Every other kind keeps its status, whatever it is. */
    { LUMA_ERROR_TOO_MANY_REQUESTS, 429, "too_many_requests", NULL,
      "The service is receiving too many requests.",
      "The service is receiving too many requests. (too_many_requests, HTTP 429)" },
    { LUMA_ERROR_SERVER, 503, NULL, NULL,
      "The service had an internal error.",
      "The service had an internal error. (HTTP 503)" },
    { LUMA_ERROR_INVALID_TOKEN, 401, "invalid_token", NULL,
      "The API token was refused.",
      "The API token was refused. (invalid_token, HTTP 401)" },
    { LUMA_ERROR_FORBIDDEN, 403, "forbidden", NULL,
      "The service refused the request.",
      "The service refused the request. (forbidden, HTTP 403)" },
    { LUMA_ERROR_BAD_RESPONSE, 502, NULL, NULL,
      "The server answered with an HTML page instead of the API's JSON (HTTP 502).",
      "The server answered with an HTML page instead of the API's JSON (HTTP 502)." },
    { LUMA_ERROR_BAD_RESPONSE, 200, NULL, NULL,
      "The server's answer is not valid JSON.",
      "The server's answer is not valid JSON. (HTTP 200)" },
    { LUMA_ERROR_SERVER, 200, "api_error", NULL,
      "The service had an internal error.",
      "The service had an internal error. (api_error, HTTP 200)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = luma_error_new_api (cases[i].code, cases[i].status, cases[i].api_code,
                                                    cases[i].trace_id, "%s", cases[i].message);
      g_autoptr(GError) copy = g_error_copy (error);
      g_autofree char *text = luma_error_describe (copy);

      g_assert_cmpstr (text, ==, cases[i].described);
      /* Left out of the text, not out of the error. */
      g_assert_cmpuint (luma_error_get_http_status (copy), ==, cases[i].status);
    }
}

static void
test_error_codes_for_status (void)
{
  g_assert_cmpint (luma_error_code_for_status (400, "token_mismatched"), ==, LUMA_ERROR_TOKEN_MISMATCHED);
  g_assert_cmpint (luma_error_code_for_status (400, "api_not_implemented"), ==, LUMA_ERROR_NOT_IMPLEMENTED);
  g_assert_cmpint (luma_error_code_for_status (400, NULL), ==, LUMA_ERROR_BAD_REQUEST);
  g_assert_cmpint (luma_error_code_for_status (401, NULL), ==, LUMA_ERROR_INVALID_TOKEN);
  g_assert_cmpint (luma_error_code_for_status (403, "forbidden"), ==, LUMA_ERROR_FORBIDDEN);
  g_assert_cmpint (luma_error_code_for_status (429, NULL), ==, LUMA_ERROR_TOO_MANY_REQUESTS);
  g_assert_cmpint (luma_error_code_for_status (502, NULL), ==, LUMA_ERROR_SERVER);
  g_assert_cmpint (luma_error_code_for_status (504, "timeout"), ==, LUMA_ERROR_TIMEOUT);
  g_assert_cmpint (luma_error_code_for_status (418, NULL), ==, LUMA_ERROR_FAILED);
}

static void
test_error_retryable (void)
{
  struct {
    LumaErrorCode code;
    guint status;
    gboolean retry;
  } cases[] = {
    { LUMA_ERROR_TOO_MANY_REQUESTS, 429, TRUE },
    { LUMA_ERROR_SERVER, 500, TRUE },
    { LUMA_ERROR_TIMEOUT, 504, TRUE },
    { LUMA_ERROR_NETWORK, 0, TRUE },
    { LUMA_ERROR_BAD_RESPONSE, 502, TRUE },
    { LUMA_ERROR_BAD_RESPONSE, 200, FALSE },
    { LUMA_ERROR_BAD_REQUEST, 400, FALSE },
    { LUMA_ERROR_INVALID_TOKEN, 401, FALSE },
    { LUMA_ERROR_FORBIDDEN, 403, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = luma_error_new_api (cases[i].code, cases[i].status, NULL, NULL, "case %u", i);

      g_assert_cmpint (luma_error_is_retryable (error), ==, cases[i].retry);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/error/api-details", test_error_carries_api_details);
  g_test_add_func ("/error/plain-describe", test_error_plain_describe);
  g_test_add_func ("/error/status-once", test_error_status_once);
  g_test_add_func ("/error/status-explains", test_error_status_explains);
  g_test_add_func ("/error/codes-for-status", test_error_codes_for_status);
  g_test_add_func ("/error/retryable", test_error_retryable);

  return g_test_run ();
}
