/* test-secret.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <libsecret/secret.h>

#include "luma-secret.h"
#include "luma-test-sim.h"

#define SEED_ID "50fc6182-fa86-4c7d-ac12-2fa27ec2f151"

#if defined(__SANITIZE_ADDRESS__)
const char *__lsan_default_suppressions (void);

/* One D-Bus reply of the Secret Service, decoded by GDBus's worker thread, is
 * never freed inside libsecret/GDBus (no frame of ours holds it). Only this
 * test talks to the Secret Service, so the suppression lives here. */
const char *
__lsan_default_suppressions (void)
{
  return "leak:g_dbus_message_new_from_blob\n";
}
#endif
#define WAIT_LIMIT_S 30

/* The test runs on a private session bus (main() re-runs it under
 * dbus-run-session) with a gnome-keyring of its own: the user's real keyring
 * is never touched. */
#define PRIVATE_BUS_ENV "LUMA_TEST_PRIVATE_BUS"

typedef struct
{
  GSubprocess *keyring;
  char        *skip_reason;
} Keyring;

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
wait_for (const gboolean *done,
          guint           limit_s)
{
  gint64 deadline = g_get_monotonic_time () + limit_s * G_USEC_PER_SEC;
  guint wake = g_timeout_add (50, wake_cb, NULL);

  while (!*done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (wake);
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

static void
name_appeared_cb (GDBusConnection *connection,
                  const char      *name,
                  const char      *owner,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

static gboolean
keyring_start (Keyring *keyring)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) password = g_bytes_new_static ("\n", 1);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  GOutputStream *stdin_pipe;
  gboolean appeared = FALSE;
  guint watch;

  if (g_getenv (PRIVATE_BUS_ENV) == NULL || g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      keyring->skip_reason = g_strdup ("no private session bus (dbus-run-session is not installed)");
      return FALSE;
    }
  if (!have_program ("gnome-keyring-daemon"))
    {
      keyring->skip_reason = g_strdup ("gnome-keyring-daemon is not installed");
      return FALSE;
    }

  g_mkdir_with_parents (g_get_home_dir (), 0700);
  g_mkdir_with_parents (g_get_user_runtime_dir (), 0700);
  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  g_mkdir_with_parents (g_get_user_config_dir (), 0700);
  g_mkdir_with_parents (g_get_user_cache_dir (), 0700);

  /* An empty password on standard input creates and unlocks the login
   * keyring, in the test's own folders. */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "HOME", g_get_home_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", g_get_user_runtime_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  keyring->keyring = g_subprocess_launcher_spawn (launcher, &error,
                                                  "gnome-keyring-daemon", "--foreground",
                                                  "--components=secrets", "--unlock", NULL);
  if (keyring->keyring == NULL)
    {
      keyring->skip_reason = g_strdup_printf ("gnome-keyring-daemon did not start: %s", error->message);
      return FALSE;
    }

  stdin_pipe = g_subprocess_get_stdin_pipe (keyring->keyring);
  g_output_stream_write_all (stdin_pipe, g_bytes_get_data (password, NULL), 1, NULL, NULL, &error);
  g_output_stream_close (stdin_pipe, NULL, NULL);

  watch = g_bus_watch_name (G_BUS_TYPE_SESSION, "org.freedesktop.secrets",
                            G_BUS_NAME_WATCHER_FLAGS_NONE,
                            name_appeared_cb, NULL, &appeared, NULL);
  wait_for (&appeared, WAIT_LIMIT_S);
  g_bus_unwatch_name (watch);

  if (!appeared)
    {
      keyring->skip_reason = g_strdup ("gnome-keyring-daemon did not take org.freedesktop.secrets");
      return FALSE;
    }

  return TRUE;
}

static void
keyring_stop (Keyring *keyring)
{
  if (keyring->keyring != NULL)
    {
      g_subprocess_force_exit (keyring->keyring);
      g_subprocess_wait (keyring->keyring, NULL, NULL);
      g_clear_object (&keyring->keyring);
    }
  {
    gboolean later = FALSE;

    /* Let replies and signals still on the way arrive first. */
    g_timeout_add (300, set_flag_cb, &later);
    wait_for (&later, WAIT_LIMIT_S);
  }
  luma_secret_release ();
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_pointer (&keyring->skip_reason, g_free);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  char     *token;
  GError   *error;
} Wait;

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = luma_secret_store_token_finish (result, &wait->error);
  wait->done = TRUE;
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->token = luma_secret_lookup_token_finish (result, &wait->error);
  wait->done = TRUE;
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Wait *wait = user_data;

  wait->ok = luma_secret_clear_token_finish (result, &wait->error);
  wait->done = TRUE;
}

static char *
lookup (const char *base_url)
{
  Wait wait = { 0 };

  luma_secret_lookup_token_async (base_url, NULL, lookup_cb, &wait);
  wait_for (&wait.done, WAIT_LIMIT_S);
  g_assert_true (wait.done);
  g_assert_no_error (wait.error);

  return wait.token;
}

static int
run_cli_get (const char  *base_url,
             char       **out)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  /* Under the sanitizer: GDBus (its worker thread) leaks a D-Bus message
   * decoded while the CLI exits, with no frame of ours; leaks in the CLI's
   * own code are checked by test-cli-get, which uses no bus. */
  if (g_getenv ("ASAN_OPTIONS") != NULL)
    {
      g_autofree char *options = g_strconcat (g_getenv ("ASAN_OPTIONS"), ":detect_leaks=0", NULL);

      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options, TRUE);
    }
  g_subprocess_launcher_unsetenv (launcher, "ACEDATACLOUD_API_TOKEN");
  g_subprocess_launcher_unsetenv (launcher, "ACEDATACLOUD_API_BASE_URL");
  proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("LUMA_TASKS_CLI"), "get",
                                      "--base-url", base_url, "--format", "jsonl", SEED_ID, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("luma-tasks-cli: %s", err);
  g_assert_true (g_subprocess_get_if_exited (proc));

  return g_subprocess_get_exit_status (proc);
}

static void
test_secret_keyring (void)
{
  Keyring keyring = { 0 };
  g_autoptr(LumaTestSim) sim = NULL;
  g_autofree char *token = NULL;
  g_autofree char *out = NULL;
  g_autofree char *sim_url_slash = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait = { 0 };
  int status;

  if (!keyring_start (&keyring))
    {
      g_test_skip (keyring.skip_reason);
      keyring_stop (&keyring);
      return;
    }

  sim = luma_test_sim_start ("--token", "keyring-token", NULL);
  sim_url_slash = g_strconcat (luma_test_sim_get_base_url (sim), "/", NULL);

  /* Nothing saved yet. */
  token = lookup (luma_test_sim_get_base_url (sim));
  g_assert_null (token);

  /* The CLI finds no token: a usage error. */
  status = run_cli_get (luma_test_sim_get_base_url (sim), &out);
  g_assert_cmpint (status, ==, 2);
  g_clear_pointer (&out, g_free);

  /* Store under the URL with a slash; found without. */
  luma_secret_store_token_async (sim_url_slash, "keyring-token", NULL, store_cb, &wait);
  wait_for (&wait.done, WAIT_LIMIT_S);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);

  token = lookup (luma_test_sim_get_base_url (sim));
  g_assert_cmpstr (token, ==, "keyring-token");
  g_clear_pointer (&token, g_free);


  /* Another API's token is another item. */
  token = lookup ("https://api.acedata.cloud");
  g_assert_null (token);

  /* The schema name build-aux/run.sh looks for. */
  if (have_program ("secret-tool"))
    {
      g_autoptr(GSubprocess) tool = NULL;
      g_autofree char *tool_out = NULL;

      tool = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                               "secret-tool", "lookup", "xdg:schema", "io.github.lumatasks.LumaTasks.Token",
                               "base-url", luma_test_sim_get_base_url (sim), NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (tool, NULL, NULL, &tool_out, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (tool_out, ==, "keyring-token");
    }

  /* The CLI reads the saved token when neither --token nor the environment gives one. */
  status = run_cli_get (luma_test_sim_get_base_url (sim), &out);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "{\"_id\""));
  g_assert_nonnull (strstr (out, SEED_ID));

  /* Cleared: gone. */
  memset (&wait, 0, sizeof wait);
  luma_secret_clear_token_async (luma_test_sim_get_base_url (sim), NULL, clear_cb, &wait);
  wait_for (&wait.done, WAIT_LIMIT_S);
  g_assert_no_error (wait.error);
  g_assert_true (wait.ok);

  token = lookup (luma_test_sim_get_base_url (sim));
  g_assert_null (token);

  /* Clearing again removes nothing. */
  memset (&wait, 0, sizeof wait);
  luma_secret_clear_token_async (luma_test_sim_get_base_url (sim), NULL, clear_cb, &wait);
  wait_for (&wait.done, WAIT_LIMIT_S);
  g_assert_no_error (wait.error);
  g_assert_false (wait.ok);

  g_clear_pointer (&sim, luma_test_sim_stop);
  keyring_stop (&keyring);
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv (PRIVATE_BUS_ENV) == NULL)
    {
      g_autofree char *runner = g_find_program_in_path ("dbus-run-session");

      if (runner != NULL)
        {
          g_autoptr(GPtrArray) args = g_ptr_array_new ();

          g_ptr_array_add (args, runner);
          g_ptr_array_add (args, (char *) "--");
          for (int i = 0; i < argc; i++)
            g_ptr_array_add (args, argv[i]);
          g_ptr_array_add (args, NULL);

          g_setenv (PRIVATE_BUS_ENV, "1", TRUE);
          execv (runner, (char **) args->pdata);
          g_unsetenv (PRIVATE_BUS_ENV);
        }
    }

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/secret/keyring", test_secret_keyring);

  return g_test_run ();
}
