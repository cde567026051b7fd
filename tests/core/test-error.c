/* test-error.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

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
  g_test_add_func ("/error/codes-for-status", test_error_codes_for_status);
  g_test_add_func ("/error/retryable", test_error_retryable);

  return g_test_run ();
}
