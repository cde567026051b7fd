/* test-ids.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "luma-ids.h"

#define ID1 "50fc6182-fa86-4c7d-ac12-2fa27ec2f151"
#define ID2 "76a05f61-68ad-4c1a-838f-a00cd08cf65b"
#define ID3 "2cf86e86-22a4-46e1-ac2f-032c0f2a4e89"

static void
assert_ids (const char         *text,
            gssize              length,
            const char * const *expected,
            guint               n_duplicates,
            guint               n_lines_ignored)
{
  LumaIdsReport report = { 99, 99, 99 };
  g_auto(GStrv) ids = luma_ids_extract (text, length, &report);
  guint n = expected != NULL ? g_strv_length ((char **) expected) : 0;

  g_assert_nonnull (ids);
  g_assert_cmpuint (g_strv_length (ids), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (ids[i], ==, expected[i]);
  g_assert_cmpuint (report.n_found, ==, n);
  g_assert_cmpuint (report.n_duplicates, ==, n_duplicates);
  g_assert_cmpuint (report.n_lines_ignored, ==, n_lines_ignored);
}

#define IDS(...) ((const char * const []) { __VA_ARGS__, NULL })

static void
test_ids_empty (void)
{
  LumaIdsReport report = { 1, 1, 1 };
  g_auto(GStrv) from_null = luma_ids_extract (NULL, -1, &report);

  g_assert_nonnull (from_null);
  g_assert_null (from_null[0]);
  g_assert_cmpuint (report.n_found, ==, 0);
  g_assert_cmpuint (report.n_lines_ignored, ==, 0);

  assert_ids ("", -1, NULL, 0, 0);
  assert_ids ("\n\n  \t\r\n", -1, NULL, 0, 0);
  assert_ids ("hello\nworld\n", -1, NULL, 0, 2);

  /* The report is optional. */
  g_strfreev (luma_ids_extract (ID1, -1, NULL));
}

static void
test_ids_curl (void)
{
  const char *curl =
    "curl -X POST 'https://api.acedata.cloud/luma/tasks' \\\n"
    "-H 'accept: application/json' \\\n"
    "-H 'authorization: Bearer {token}' \\\n"
    "-H 'content-type: application/json' \\\n"
    "-d '{\n"
    "  \"id\": \"" ID1 "\",\n"
    "  \"action\": \"retrieve\"\n"
    "}'\n";

  assert_ids (curl, -1, IDS (ID1), 0, 7);
}

static void
test_ids_seed_json (void)
{
  const char *dir = g_getenv ("LUMA_TASKS_SEED_DIR");
  g_autofree char *path = g_build_filename (dir, "retrieve_batch-two-completed.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  LumaIdsReport report;
  g_auto(GStrv) ids = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  /* Every UUID of the answer counts, in the order it first appears. */
  ids = luma_ids_extract (text, -1, &report);
  g_assert_cmpuint (report.n_found, ==, 10);
  g_assert_cmpuint (g_strv_length (ids), ==, 10);
  g_assert_cmpstr (ids[0], ==, ID1);
  g_assert_cmpstr (ids[1], ==, "94fc9028-5a9f-4875-aae4-38463bd30ac5");
  g_assert_cmpstr (ids[6], ==, "4b088fc8-2bbc-4706-80a6-a0fb118adc1a");
  g_assert_cmpstr (ids[7], ==, ID2);
  g_assert_cmpstr (ids[9], ==, "5a638d6a-7481-4c5e-8843-36c9d1b5bcd5");
  /* task_id and the media URLs repeat the task IDs; the second record
   * repeats the account's IDs. */
  g_assert_cmpuint (report.n_duplicates, ==, 10);
}

static void
test_ids_csv_and_logs (void)
{
  const char *csv =
    "id,state,prompt\r\n"
    ID1 ",completed,\"a, b\"\r\n"
    "\"" ID2 "\",pending,x\r\n";
  const char *log =
    "2024-08-31T04:10:11Z INFO retrieving task=" ID3 " attempt=1\n"
    "2024-08-31T04:10:12Z WARN retry task=" ID3 "\n"
    "2024-08-31T04:10:13Z INFO done\n";

  assert_ids (csv, -1, IDS (ID1, ID2), 0, 1);
  assert_ids (log, -1, IDS (ID3), 1, 1);
}

static void
test_ids_mixed_case_and_duplicates (void)
{
  assert_ids ("50FC6182-FA86-4C7D-AC12-2FA27EC2F151 " ID2 "\n"
              "50fc6182-Fa86-4c7D-ac12-2fa27ec2f151, " ID2 ", " ID1,
              -1, IDS (ID1, ID2), 3, 0);
}

static void
test_ids_boundaries (void)
{
  /* A longer hex or alphanumeric run is not an ID. */
  assert_ids ("a" ID1, -1, NULL, 0, 1);
  assert_ids (ID1 "0", -1, NULL, 0, 1);
  assert_ids ("x" ID1, -1, NULL, 0, 1);
  assert_ids (ID1 "abc", -1, NULL, 0, 1);
  assert_ids ("50fc6182-fa86-4c7d-ac12-2fa27ec2f15", -1, NULL, 0, 1);
  assert_ids ("50fc6182fa864c7dac122fa27ec2f151", -1, NULL, 0, 1);
  assert_ids ("50fc6182-fa86-4c7d-ac12-2fa27ec2f1g1", -1, NULL, 0, 1);
  assert_ids ("50fc618-2fa86-4c7d-ac12-2fa27ec2f151", -1, NULL, 0, 1);

  /* Punctuation, paths, file names and other scripts are fine. */
  assert_ids ("https://cdn/luma/" ID1 ".mp4", -1, IDS (ID1), 0, 0);
  assert_ids ("task_" ID1 "_done", -1, IDS (ID1), 0, 0);
  assert_ids ("video-" ID1 "-final", -1, IDS (ID1), 0, 0);
  assert_ids ("任务：" ID1 "。", -1, IDS (ID1), 0, 0);
  assert_ids ("{" ID1 "}(" ID2 ")", -1, IDS (ID1, ID2), 0, 0);
  assert_ids (ID1 ID2, -1, NULL, 0, 1);
  assert_ids (ID1 "-" ID2, -1, IDS (ID1, ID2), 0, 0);
  /* Only the ID's own hyphen positions: an ID right after a hyphen run. */
  assert_ids ("--------" ID1, -1, IDS (ID1), 0, 0);
}

static void
test_ids_length_and_garbage (void)
{
  const char text[] = ID1 "\0" ID2 "\n\xff\xfe garbage \x80\x81" ID3 "\xc3";
  GString *binary = g_string_new (NULL);

  /* @length stops the scan, and NUL is just a separator. */
  assert_ids (text, 36, IDS (ID1), 0, 0);
  assert_ids (text, 35, NULL, 0, 1);
  assert_ids (text, sizeof text - 1, IDS (ID1, ID2, ID3), 0, 0);

  /* NUL-free binary garbage: no crash, no ID, lines counted. */
  for (guint i = 0; i < 4096; i++)
    g_string_append_c (binary, (char) (1 + (i * 7919) % 255));
  {
    g_auto(GStrv) lines = g_strsplit (binary->str, "\n", -1);
    guint n_lines = 0;

    /* Every line of this garbage holds more than blanks. */
    for (guint i = 0; lines[i] != NULL; i++)
      n_lines += g_strstrip (lines[i])[0] != '\0';
    g_assert_cmpuint (n_lines, >, 10);
    assert_ids (binary->str, binary->len, NULL, 0, n_lines);
  }
  g_string_append (binary, ID2);
  {
    LumaIdsReport report;
    g_auto(GStrv) ids = luma_ids_extract (binary->str, binary->len, &report);

    g_assert_cmpuint (report.n_found, <=, 1);
  }
  g_string_free (binary, TRUE);
}

static void
test_ids_many (void)
{
  const guint n = 100000;
  GString *text = g_string_sized_new (n * 40);
  LumaIdsReport report;
  g_auto(GStrv) ids = NULL;
  gint64 start;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%08X-%04x-4%03x-8%03x-%012x\n", i, i & 0xffff, i & 0xfff,
                            i & 0xfff, i * 2654435761u);
  /* Every tenth ID again, and some noise. */
  for (guint i = 0; i < n; i += 10)
    g_string_append_printf (text, "again %08x-%04x-4%03x-8%03x-%012x\n", i, i & 0xffff, i & 0xfff,
                            i & 0xfff, i * 2654435761u);
  g_string_append (text, "the end\n");

  start = g_get_monotonic_time ();
  ids = luma_ids_extract (text->str, text->len, &report);
  g_test_message ("%u IDs from %zu bytes in %.1f ms", n, text->len,
                  (g_get_monotonic_time () - start) / 1000.0);

  g_assert_cmpuint (report.n_found, ==, n);
  g_assert_cmpuint (report.n_duplicates, ==, n / 10);
  g_assert_cmpuint (report.n_lines_ignored, ==, 1);
  g_assert_cmpuint (g_strv_length (ids), ==, n);
  for (guint i = 0; i < n; i++)
    {
      char expected[37];

      g_snprintf (expected, sizeof expected, "%08x-%04x-4%03x-8%03x-%012x", i, i & 0xffff,
                  i & 0xfff, i & 0xfff, i * 2654435761u);
      g_assert_cmpstr (ids[i], ==, expected);
    }

  g_string_free (text, TRUE);
}

static void
test_ids_is_valid (void)
{
  g_assert_true (luma_ids_is_valid (ID1));
  g_assert_true (luma_ids_is_valid ("00000000-0000-0000-0000-000000000000"));
  g_assert_false (luma_ids_is_valid (NULL));
  g_assert_false (luma_ids_is_valid (""));
  g_assert_false (luma_ids_is_valid ("50FC6182-FA86-4C7D-AC12-2FA27EC2F151"));
  g_assert_false (luma_ids_is_valid (ID1 " "));
  g_assert_false (luma_ids_is_valid (" " ID1));
  g_assert_false (luma_ids_is_valid ("50fc6182-fa86-4c7d-ac12-2fa27ec2f15g"));
  g_assert_false (luma_ids_is_valid ("50fc6182fa86-4c7d-ac12-2fa27ec2f151a"));
  g_assert_false (luma_ids_is_valid ("50fc6182-fa86-4c7d-ac12-2fa27ec2f1"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/ids/empty", test_ids_empty);
  g_test_add_func ("/ids/curl", test_ids_curl);
  g_test_add_func ("/ids/seed-json", test_ids_seed_json);
  g_test_add_func ("/ids/csv-and-logs", test_ids_csv_and_logs);
  g_test_add_func ("/ids/mixed-case-and-duplicates", test_ids_mixed_case_and_duplicates);
  g_test_add_func ("/ids/boundaries", test_ids_boundaries);
  g_test_add_func ("/ids/length-and-garbage", test_ids_length_and_garbage);
  g_test_add_func ("/ids/many", test_ids_many);
  g_test_add_func ("/ids/is-valid", test_ids_is_valid);

  return g_test_run ();
}
