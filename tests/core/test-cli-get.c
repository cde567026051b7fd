/* test-cli-get.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "luma-test-sim.h"

#define SEED_ID_1 "50fc6182-fa86-4c7d-ac12-2fa27ec2f151"
#define SEED_ID_2 "76a05f61-68ad-4c1a-838f-a00cd08cf65b"
#define PENDING_ID "c0418d8d-e741-4736-88c8-55f341059913"
#define PROCESSING_ID "512ee3da-2f62-41d0-9ce7-7e830ab98eec"
#define UNKNOWN_ID "00000000-0000-4000-8000-000000000001"

typedef struct
{
  char  *out;
  char  *err;
  int    status;
  double seconds;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs luma-tasks-cli with @args (NULL-terminated), extra environment
 * @env ("NAME=VALUE", NULL-terminated, may be NULL) and @input on standard
 * input. The API environment variables are unset unless @env sets them. */
static void
run_cli (Run                *run,
         const char * const *args,
         const char * const *env,
         const char         *input)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("LUMA_TASKS_CLI");
  gint64 start;

  run_clear (run);
  g_assert_nonnull (cli);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "ACEDATACLOUD_API_TOKEN");
  g_subprocess_launcher_unsetenv (launcher, "ACEDATACLOUD_API_BASE_URL");
  /* No keyring is asked: there is no session bus at this address. */
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus", TRUE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }

  g_ptr_array_add (argv, (char *) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  start = g_get_monotonic_time ();
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input != NULL ? input : "", NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  g_assert_true (g_subprocess_get_if_exited (proc));
  run->status = g_subprocess_get_exit_status (proc);
}

static JsonObject *
parse_json_export (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_object_ref (json_node_get_object (root));
}

static const char *
item_id (JsonObject *export,
         guint       index)
{
  JsonArray *items = json_object_get_array_member (export, "items");

  return json_object_get_string_member (json_array_get_object_element (items, index), "id");
}

/* ------------------------------------------------------------------------ */

static void
test_cli_get_seed_csv (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_auto(Run) run = { 0 };
  g_autofree char *expected = NULL;
  const char *base = luma_test_sim_get_base_url (sim);

  /* The seed's answer, with the media on the simulator. */
  expected = g_strconcat (
    "id,state,prompt,video_id,video_url,thumbnail_url,video_width,video_height,"
    "created_at,finished_at,elapsed_seconds,error_code,error_message,trace_id\r\n",
    SEED_ID_1 ",completed,Astronauts shuttle from space to volcano,4b088fc8-2bbc-4706-80a6-a0fb118adc1a,",
    base, "/media/" SEED_ID_1 ".mp4,", base, "/media/" SEED_ID_1 ".jpg,",
    "1360,752,2024-08-31T04:10:11.961Z,2024-08-31T04:12:46.241Z,154.28,,,0b7c1c1a-045c-4145-a434-609cba88f0a9\r\n",
    SEED_ID_2 ",completed,la la la,5a638d6a-7481-4c5e-8843-36c9d1b5bcd5,",
    base, "/media/" SEED_ID_2 ".mp4,", base, "/media/" SEED_ID_2 ".jpg,",
    "1360,752,2024-08-31T04:40:50.921Z,2024-08-31T04:43:26.710Z,155.789,,,338f1616-741d-40b6-8d62-c025434024c6\r\n",
    NULL);

  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", luma_test_sim_get_token (sim),
                                    "--format", "csv", SEED_ID_1, SEED_ID_2, NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, expected);
  g_assert_cmpstr (run.err, ==, "");
}

static void
test_cli_get_exit_statuses (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_auto(Run) run = { 0 };
  g_autoptr(JsonObject) export = NULL;
  const char *base = luma_test_sim_get_base_url (sim);
  const char *token = luma_test_sim_get_token (sim);

  /* 3: an unknown ID; the others are written, in the order of the arguments. */
  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", token,
                                    UNKNOWN_ID, SEED_ID_2, SEED_ID_1, NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 3);
  export = parse_json_export (run.out);
  g_assert_cmpint (json_object_get_int_member (export, "count"), ==, 2);
  g_assert_cmpstr (item_id (export, 0), ==, SEED_ID_2);
  g_assert_cmpstr (item_id (export, 1), ==, SEED_ID_1);
  g_assert_nonnull (strstr (run.err, "not found"));
  g_clear_pointer (&export, json_object_unref);

  /* 3 for a single unknown ID too. */
  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", token, UNKNOWN_ID, NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 3);

  /* 1: the request failed; standard error says code, status and trace_id. */
  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", "wrong-token", SEED_ID_1, SEED_ID_2, NULL },
           NULL, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "invalid_token"));
  g_assert_nonnull (strstr (run.err, "HTTP 401"));
  g_assert_nonnull (strstr (run.err, "trace_id "));
  g_assert_null (strstr (run.err, "wrong-token"));
  g_assert_cmpstr (run.out, ==, "");

  luma_test_sim_set_fault (sim, "http403", 1);
  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", token, SEED_ID_1, NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "forbidden"));
  g_assert_nonnull (strstr (run.err, "HTTP 403"));

  /* 2: usage errors. */
  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", token, "no ID in here", NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "no ID in here"));

  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", token, "-", NULL }, NULL, "nothing\n");
  g_assert_cmpint (run.status, ==, 2);

  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", token, NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 2);

  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", token, "--format", "xml", SEED_ID_1, NULL },
           NULL, NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "xml"));

  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", token, "--bogus", SEED_ID_1, NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 2);

  run_cli (&run, (const char *[]) { "get", "--base-url", "http://api.example.com", "--token", token, SEED_ID_1, NULL },
           NULL, NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "https://"));

  /* No token anywhere. */
  run_cli (&run, (const char *[]) { "get", "--base-url", base, SEED_ID_1, NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "ACEDATACLOUD_API_TOKEN"));

  /* 0 */
  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", token, SEED_ID_1, NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 0);
}

static void
test_cli_get_help (void)
{
  g_auto(Run) run = { 0 };

  run_cli (&run, (const char *[]) { "get", "--help", NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 0);
  for (guint i = 0; i < 5; i++)
    {
      static const char *words[] = { "--base-url", "--token", "--format", "--output", "--wait" };

      g_assert_nonnull (strstr (run.out, words[i]));
    }
  g_assert_nonnull (strstr (run.out, "--timeout"));
  g_assert_nonnull (strstr (run.out, "Exit status"));
  g_assert_nonnull (strstr (run.out, "ACEDATACLOUD_API_TOKEN"));
  g_assert_nonnull (strstr (run.out, "ACEDATACLOUD_API_BASE_URL"));
}

static void
test_cli_get_inputs (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_auto(Run) run = { 0 };
  g_autofree char *file = g_build_filename (g_get_user_data_dir (), "ids.txt", NULL);
  g_autofree char *env_url = g_strconcat ("ACEDATACLOUD_API_BASE_URL=", luma_test_sim_get_base_url (sim), NULL);
  g_autofree char *env_token = g_strconcat ("ACEDATACLOUD_API_TOKEN=", luma_test_sim_get_token (sim), NULL);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  g_file_set_contents (file,
                       "curl -d '{\"id\": \"" SEED_ID_2 "\"}'\n"
                       "and again " SEED_ID_2 "\n",
                       -1, &error);
  g_assert_no_error (error);

  /* A file, standard input, an ID in upper case; the environment gives URL and token. */
  run_cli (&run, (const char *[]) { "get", "--format", "jsonl", file, "-", NULL },
           (const char *[]) { env_url, env_token, NULL },
           "log line: task 50FC6182-FA86-4C7D-AC12-2FA27EC2F151 done\n");
  g_assert_cmpint (run.status, ==, 0);
  lines = g_strsplit (run.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_nonnull (strstr (lines[0], "\"id\":\"" SEED_ID_2 "\""));
  g_assert_nonnull (strstr (lines[1], "\"id\":\"" SEED_ID_1 "\""));
  g_assert_cmpstr (lines[2], ==, "");
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;

  return n;
}

static void
test_cli_get_output (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_auto(Run) run = { 0 };
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "out", NULL);
  g_autofree char *file = g_build_filename (dir, "tasks.csv", NULL);
  g_autofree char *stdout_csv = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  const char *base = luma_test_sim_get_base_url (sim);
  const char *token = luma_test_sim_get_token (sim);

  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (file, "old contents\n", -1, &error);
  g_assert_no_error (error);

  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", token, "--format", "csv",
                                    SEED_ID_1, SEED_ID_2, NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 0);
  stdout_csv = g_steal_pointer (&run.out);

  /* Replaced as a whole, with what standard output would have shown, and no
   * temporary file left behind. */
  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", token, "--format", "csv",
                                    "--output", file, SEED_ID_1, SEED_ID_2, NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "");
  g_file_get_contents (file, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, stdout_csv);
  g_assert_cmpuint (count_files (dir), ==, 1);
  g_clear_pointer (&contents, g_free);

  /* A failed run that retrieved nothing leaves the file as it was. */
  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", "wrong", "--format", "csv",
                                    "--output", file, SEED_ID_1, NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_file_get_contents (file, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, stdout_csv);
  g_assert_cmpuint (count_files (dir), ==, 1);
  g_clear_pointer (&contents, g_free);

  /* A partial run still writes what it got. */
  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", token, "--format", "jsonl",
                                    "--output", file, SEED_ID_1, UNKNOWN_ID, NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 3);
  g_file_get_contents (file, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "{\"_id\""));
  g_assert_null (strstr (contents, UNKNOWN_ID));
}

/* Counts the logged requests for @path_prefix with @method, and fails if any
 * of them carried an Authorization header. */
static guint
count_media_requests (LumaTestSim *sim,
                      const char  *method)
{
  g_autoptr(JsonArray) log = luma_test_sim_get_log (sim);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);

      if (!g_str_has_prefix (json_object_get_string_member (entry, "path"), "/media/"))
        continue;
      g_assert_false (json_object_get_boolean_member (entry, "authorization"));
      if (g_str_equal (json_object_get_string_member (entry, "method"), method))
        n++;
    }

  return n;
}

static void
assert_same_file (const char *a,
                  const char *b)
{
  g_autofree char *contents_a = NULL;
  g_autofree char *contents_b = NULL;
  gsize length_a, length_b;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (a, &contents_a, &length_a, &error);
  g_assert_no_error (error);
  g_file_get_contents (b, &contents_b, &length_b, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (contents_a, length_a, contents_b, length_b);
}

static void
test_cli_get_download (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_auto(Run) run = { 0 };
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "media", NULL);
  g_autofree char *video = g_build_filename (dir, SEED_ID_1 ".mp4", NULL);
  g_autofree char *thumbnail = g_build_filename (dir, SEED_ID_1 ".jpg", NULL);
  g_autofree char *expected_video = g_build_filename (g_getenv ("LUMA_TASKS_MEDIA_DIR"), "landscape.mp4", NULL);
  g_autofree char *expected_thumbnail = g_build_filename (g_getenv ("LUMA_TASKS_MEDIA_DIR"), "landscape.jpg", NULL);
  const char *base = luma_test_sim_get_base_url (sim);
  const char *token = luma_test_sim_get_token (sim);

  /* Both completed seed tasks are saved, byte for byte; an unfinished task
   * has nothing to save and is no failure. */
  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", token, "--download", dir,
                                    SEED_ID_1, SEED_ID_2, PROCESSING_ID, NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 0);
  assert_same_file (video, expected_video);
  assert_same_file (thumbnail, expected_thumbnail);
  g_assert_cmpuint (count_files (dir), ==, 4);
  g_assert_cmpuint (count_media_requests (sim, "GET"), ==, 4);

  /* A second run finds the files complete and downloads nothing again. */
  luma_test_sim_clear_log (sim);
  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", token, "--download", dir,
                                    SEED_ID_1, SEED_ID_2, NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpuint (count_media_requests (sim, "GET"), ==, 0);
  g_assert_cmpuint (count_files (dir), ==, 4);
}

static void
test_cli_get_wait (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "2", NULL);
  g_auto(Run) run = { 0 };
  g_autoptr(JsonObject) export = NULL;
  JsonArray *items;

  run_cli (&run, (const char *[]) { "get", "--base-url", luma_test_sim_get_base_url (sim),
                                    "--token", luma_test_sim_get_token (sim),
                                    "--wait", "--timeout", "60", PENDING_ID, PROCESSING_ID, NULL }, NULL, NULL);
  g_test_message ("--wait took %.2f s", run.seconds);
  g_assert_cmpint (run.status, ==, 0);

  /* Both finished, as the last answer said. */
  export = parse_json_export (run.out);
  items = json_object_get_array_member (export, "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *response = json_object_get_object_member (json_array_get_object_element (items, i), "response");
      const char *state = json_object_get_string_member_with_default (response, "state", "");
      gboolean success = json_object_get_boolean_member_with_default (response, "success", TRUE);

      g_assert_true (g_str_equal (state, "completed") || g_str_equal (state, "failed") || !success);
    }
  g_assert_cmpstr (item_id (export, 0), ==, PENDING_ID);
  g_assert_cmpstr (item_id (export, 1), ==, PROCESSING_ID);
}

static void
test_cli_get_wait_timeout (void)
{
  /* No --progress: the task stays pending. */
  g_autoptr(LumaTestSim) sim = luma_test_sim_startv (NULL);
  g_auto(Run) run = { 0 };
  g_autoptr(JsonObject) export = NULL;

  run_cli (&run, (const char *[]) { "get", "--base-url", luma_test_sim_get_base_url (sim),
                                    "--token", luma_test_sim_get_token (sim),
                                    "--wait", "--timeout", "1", PENDING_ID, SEED_ID_1, NULL }, NULL, NULL);
  g_assert_cmpint (run.status, ==, 3);
  g_assert_cmpfloat (run.seconds, <, 5.0);
  g_assert_nonnull (strstr (run.err, "unfinished"));

  export = parse_json_export (run.out);
  g_assert_cmpint (json_object_get_int_member (export, "count"), ==, 2);
  g_assert_cmpstr (item_id (export, 0), ==, PENDING_ID);
}

static void
test_cli_get_token_not_logged (void)
{
  static const char token[] = "s3cret-T0KEN-value";
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--token", token, NULL);
  g_auto(Run) run = { 0 };
  const char *env[] = { "G_MESSAGES_DEBUG=all", NULL };
  const char *base = luma_test_sim_get_base_url (sim);

  /* A retried request and a successful one, with every debug message on. */
  luma_test_sim_set_fault_json (sim, "{\"next\": \"http429\", \"count\": 1, \"retry_after\": 0}");
  run_cli (&run, (const char *[]) { "get", "--base-url", base, "--token", token, SEED_ID_1, SEED_ID_2, NULL },
           env, NULL);
  g_assert_cmpint (run.status, ==, 0);
  /* Debug messages there are, on standard error; standard output is the export. */
  g_assert_true (g_str_has_prefix (run.out, "{\n  \"items\""));
  g_assert_nonnull (strstr (run.err, "luma-client-DEBUG"));
  g_assert_nonnull (strstr (run.err, "Retrying"));
  g_assert_null (strstr (run.out, token));
  g_assert_null (strstr (run.err, token));

  /* From the environment, and refused by the server. */
  {
    const char *env2[] = { "G_MESSAGES_DEBUG=all", "ACEDATACLOUD_API_TOKEN=s3cret-T0KEN-wrong", NULL };

    run_cli (&run, (const char *[]) { "get", "--base-url", base, SEED_ID_1, NULL }, env2, NULL);
    g_assert_cmpint (run.status, ==, 1);
    g_assert_null (strstr (run.out, "s3cret-T0KEN"));
    g_assert_null (strstr (run.err, "s3cret-T0KEN"));
  }
}

static void
test_cli_get_thousand (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--generate", "1000", "--latency", "100", NULL);
  g_auto(Run) run = { 0 };
  g_auto(GStrv) ids = luma_test_sim_get_ids (sim);
  g_autofree char *joined = NULL;
  g_autoptr(JsonArray) log = NULL;
  guint n_lines = 0;

  g_assert_cmpuint (g_strv_length (ids), ==, 1000);
  joined = g_strjoinv ("\n", ids);
  luma_test_sim_clear_log (sim);

  run_cli (&run, (const char *[]) { "get", "--base-url", luma_test_sim_get_base_url (sim),
                                    "--token", luma_test_sim_get_token (sim),
                                    "--format", "jsonl", "-", NULL }, NULL, joined);
  g_test_message ("1,000 IDs with 100 ms latency: %.3f s", run.seconds);
  g_assert_cmpint (run.status, ==, 0);
  for (const char *p = run.out; *p != '\0'; p++)
    n_lines += *p == '\n';
  g_assert_cmpuint (n_lines, ==, 1000);

  /* 20 batches of 50, 4 at a time: about 5 × 100 ms. A generous bound, for
   * a loaded machine; none under the sanitizers, which slow every malloc. */
  log = luma_test_sim_get_log (sim);
  g_assert_cmpuint (json_array_get_length (log), ==, 20);
  if (g_getenv ("ASAN_OPTIONS") == NULL)
    g_assert_cmpfloat (run.seconds, <, 5.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cli-get/seed-csv", test_cli_get_seed_csv);
  g_test_add_func ("/cli-get/exit-statuses", test_cli_get_exit_statuses);
  g_test_add_func ("/cli-get/help", test_cli_get_help);
  g_test_add_func ("/cli-get/inputs", test_cli_get_inputs);
  g_test_add_func ("/cli-get/output", test_cli_get_output);
  g_test_add_func ("/cli-get/download", test_cli_get_download);
  g_test_add_func ("/cli-get/wait", test_cli_get_wait);
  g_test_add_func ("/cli-get/wait-timeout", test_cli_get_wait_timeout);
  g_test_add_func ("/cli-get/token-not-logged", test_cli_get_token_not_logged);
  g_test_add_func ("/cli-get/thousand", test_cli_get_thousand);

  return g_test_run ();
}
