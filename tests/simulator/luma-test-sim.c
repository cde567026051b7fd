/* luma-test-sim.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-test-sim"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <libsoup/soup.h>

#include "luma-test-sim.h"

/* Bounds for the child's start and exit: generous, as ASan builds are slow. */
#define START_TIMEOUT_SECONDS 30
#define STOP_TIMEOUT_SECONDS 30

struct _LumaTestSim
{
  GSubprocess *proc;
  GDataInputStream *stdout_stream;
  SoupSession *session;
  char *base_url;
  char *api_url;
  char *token;
};

typedef struct
{
  gboolean done;
  char *line;
  GError *error;
} LineWait;

static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineWait *wait = user_data;

  wait->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                          result, NULL, &wait->error);
  wait->done = TRUE;
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* In the child before exec: if the test dies, so does its simulator, and
 * no orphan keeps the test's output pipes open. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
wait_exit_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

/**
 * luma_test_sim_startv:
 * @args: (array zero-terminated=1): extra arguments for luma-tasks-sim
 *
 * Spawns `$LUMA_TASKS_SIM --port 0 ARGS…` and reads its base URL.
 */
LumaTestSim *
luma_test_sim_startv (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSource) timeout = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  const char *path = g_getenv ("LUMA_TASKS_SIM");
  LumaTestSim *sim;
  LineWait wait = { FALSE, NULL, NULL };
  gboolean timed_out = FALSE;

  g_assert_nonnull (path);

  sim = g_new0 (LumaTestSim, 1);
  sim->token = g_strdup ("demo-token");

  g_ptr_array_add (argv, (char *) path);
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, (char *) "0");
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    {
      g_ptr_array_add (argv, (char *) args[i]);
      if (g_str_equal (args[i], "--token") && args[i + 1] != NULL)
        {
          g_free (sim->token);
          sim->token = g_strdup (args[i + 1]);
        }
      else if (g_str_has_prefix (args[i], "--token="))
        {
          g_free (sim->token);
          sim->token = g_strdup (args[i] + strlen ("--token="));
        }
    }
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* Under AddressSanitizer, the simulator's own suppressions (a libsoup
   * leak); its exit status then tells whether our code leaked. */
  if (g_getenv ("LSAN_OPTIONS") != NULL)
    g_subprocess_launcher_setenv (launcher, "LSAN_OPTIONS",
                                  "suppressions=" LUMA_SIM_LSAN_SUPP ":print_suppressions=0", TRUE);
  sim->proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  sim->stdout_stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sim->proc));

  /* A private context, so the test's own sources don't run meanwhile. */
  g_main_context_push_thread_default (context);
  g_data_input_stream_read_line_async (sim->stdout_stream, G_PRIORITY_DEFAULT,
                                       cancellable, read_line_cb, &wait);
  timeout = g_timeout_source_new_seconds (START_TIMEOUT_SECONDS);
  g_source_set_callback (timeout, set_flag_cb, &timed_out, NULL);
  g_source_attach (timeout, context);
  while (!wait.done && !timed_out)
    g_main_context_iteration (context, TRUE);
  if (!wait.done)
    {
      g_cancellable_cancel (cancellable);
      while (!wait.done)
        g_main_context_iteration (context, TRUE);
    }
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  if (timed_out)
    g_error ("luma-tasks-sim did not print its base URL within %d s", START_TIMEOUT_SECONDS);
  g_assert_no_error (wait.error);
  g_assert_nonnull (wait.line);
  g_assert_true (g_str_has_prefix (wait.line, "http://127.0.0.1:"));

  sim->base_url = g_steal_pointer (&wait.line);
  sim->api_url = g_strconcat (sim->base_url, "/luma/tasks", NULL);
  sim->session = soup_session_new ();
  /* Loopback needs no proxy, and the default resolver would read the
   * system's GSettings, which isolated test folders hide. */
  soup_session_set_proxy_resolver (sim->session, NULL);

  return sim;
}

/**
 * luma_test_sim_start:
 * @first_arg: (nullable): first extra argument, then more, ending with %NULL
 */
LumaTestSim *
luma_test_sim_start (const char *first_arg,
                     ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  return luma_test_sim_startv ((const char * const *) args->pdata);
}

const char *
luma_test_sim_get_base_url (LumaTestSim *sim)
{
  g_assert_nonnull (sim);
  return sim->base_url;
}

/* The API endpoint: base URL + "/luma/tasks". */
const char *
luma_test_sim_get_api_url (LumaTestSim *sim)
{
  g_assert_nonnull (sim);
  return sim->api_url;
}

/* The token the simulator accepts (its --token, else "demo-token"). */
const char *
luma_test_sim_get_token (LumaTestSim *sim)
{
  g_assert_nonnull (sim);
  return sim->token;
}

/**
 * luma_test_sim_control:
 * @method: "GET", "POST" or "DELETE"
 * @path: a control path such as "/_sim/log"
 * @body: (nullable): a JSON body
 *
 * Returns: (transfer full) (nullable): the parsed JSON answer, %NULL when empty
 */
JsonNode *
luma_test_sim_control (LumaTestSim *sim,
                       const char  *method,
                       const char  *path,
                       const char  *body)
{
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  const char *data;

  g_assert_nonnull (sim);

  url = g_strconcat (sim->base_url, path, NULL);
  msg = soup_message_new (method, url);
  g_assert_nonnull (msg);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  answer = soup_session_send_and_read (sim->session, msg, NULL, &error);
  g_assert_no_error (error);
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    g_error ("luma-tasks-sim control %s %s answered HTTP %u",
             method, path, soup_message_get_status (msg));

  data = g_bytes_get_data (answer, &size);
  if (size == 0)
    return NULL;

  parser = json_parser_new ();
  json_parser_load_from_data (parser, data, size, &error);
  g_assert_no_error (error);

  return json_parser_steal_root (parser);
}

/**
 * luma_test_sim_set_fault:
 * @kind: a fault kind ("http500", "close", …) or "none" to clear the queue
 * @count: how many of the next API requests get it
 */
void
luma_test_sim_set_fault (LumaTestSim *sim,
                         const char  *kind,
                         int          count)
{
  g_autofree char *body = NULL;

  g_assert_nonnull (kind);

  body = g_strdup_printf ("{\"next\": \"%s\", \"count\": %d}", kind, count);
  luma_test_sim_set_fault_json (sim, body);
}

/* Queues a fault with options, e.g. {"next": "http429", "retry_after": 2}. */
void
luma_test_sim_set_fault_json (LumaTestSim *sim,
                              const char  *json)
{
  g_autoptr(JsonNode) answer = luma_test_sim_control (sim, "POST", "/_sim/faults", json);

  g_assert_nonnull (answer);
}

/**
 * luma_test_sim_get_log:
 *
 * Returns: (transfer full): every request the simulator received, oldest first
 */
JsonArray *
luma_test_sim_get_log (LumaTestSim *sim)
{
  g_autoptr(JsonNode) answer = luma_test_sim_control (sim, "GET", "/_sim/log", NULL);

  g_assert_nonnull (answer);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (answer));

  return json_array_ref (json_node_get_array (answer));
}

void
luma_test_sim_clear_log (LumaTestSim *sim)
{
  g_autoptr(JsonNode) answer = luma_test_sim_control (sim, "DELETE", "/_sim/log", NULL);
}

/**
 * luma_test_sim_get_ids:
 *
 * Returns: (transfer full): the IDs of every task the simulator serves
 */
GStrv
luma_test_sim_get_ids (LumaTestSim *sim)
{
  g_autoptr(JsonNode) answer = luma_test_sim_control (sim, "GET", "/_sim/ids", NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  g_assert_nonnull (answer);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (answer));

  array = json_node_get_array (answer);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_strv_builder_add (builder, json_array_get_string_element (array, i));

  return g_strv_builder_end (builder);
}

/**
 * luma_test_sim_stop:
 *
 * Sends SIGTERM, waits for the simulator to exit and asserts it exited 0
 * (under AddressSanitizer that also means it leaked nothing).
 */
void
luma_test_sim_stop (LumaTestSim *sim)
{
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(GSource) timeout = NULL;
  gboolean exited = FALSE;
  gboolean timed_out = FALSE;

  if (sim == NULL)
    return;

  g_clear_object (&sim->session);

  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  g_subprocess_send_signal (sim->proc, SIGTERM);
  g_subprocess_wait_async (sim->proc, NULL, wait_exit_cb, &exited);
  timeout = g_timeout_source_new_seconds (STOP_TIMEOUT_SECONDS);
  g_source_set_callback (timeout, set_flag_cb, &timed_out, NULL);
  g_source_attach (timeout, context);
  while (!exited && !timed_out)
    g_main_context_iteration (context, TRUE);
  if (!exited)
    {
      g_subprocess_force_exit (sim->proc);
      while (!exited)
        g_main_context_iteration (context, TRUE);
    }
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  if (timed_out)
    g_error ("luma-tasks-sim did not exit within %d s of SIGTERM", STOP_TIMEOUT_SECONDS);
  g_assert_true (g_subprocess_get_if_exited (sim->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (sim->proc), ==, 0);

  g_clear_object (&sim->stdout_stream);
  g_clear_object (&sim->proc);
  g_free (sim->base_url);
  g_free (sim->api_url);
  g_free (sim->token);
  g_free (sim);
}
