/* test-preferences.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "luma-app-test.h"
#include "luma-preferences.h"
#include "luma-secret.h"
#include "luma-test-sim.h"
#include "luma-window-private.h"

#define ID_ASTRONAUTS "50fc6182-fa86-4c7d-ac12-2fa27ec2f151"

static LumaApplication *app;

/* A Secret Service of our own: gnome-keyring with an unlocked, throw-away
 * login keyring in the test's home, on the test's session bus. */
static gboolean have_keyring;

/* A Secret Service of our own: gnome-keyring with an unlocked, throw-away
 * login keyring in a temporary home, on the test's session bus. Started
 * before anything asks the bus for one. */
static gboolean
start_keyring (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) keyring = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;
  g_autofree char *runtime = NULL;
  g_autofree char *data = NULL;
  g_autofree char *program = g_find_program_in_path ("gnome-keyring-daemon");

  if (program == NULL)
    return FALSE;

  home = g_dir_make_tmp ("luma-keyring-XXXXXX", &error);
  g_assert_no_error (error);
  runtime = g_build_filename (home, "runtime", NULL);
  data = g_build_filename (home, "data", NULL);
  g_assert_cmpint (g_mkdir_with_parents (runtime, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (data, 0700), ==, 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  keyring = g_subprocess_launcher_spawn (launcher, &error,
                                         program, "--replace", "--unlock",
                                         "--components=secrets", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (keyring, "test-password", NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  return g_subprocess_get_successful (keyring);
}

static LumaWindow *
open_window (void)
{
  LumaWindow *window = luma_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  LUMA_TEST_WAIT_UNTIL (_luma_window_is_loaded (window), 20000);
  g_assert_true (_luma_window_is_loaded (window));

  return window;
}

static void
test_preferences_rejects_insecure_url (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  LumaWindow *window;
  LumaPreferences *prefs;

  g_settings_reset (settings, "api-base-url");
  window = open_window ();
  g_assert_cmpstr (_luma_window_get_base_url (window), ==, DEFAULT_API_BASE_URL);

  prefs = luma_preferences_new (window);
  g_object_add_weak_pointer (G_OBJECT (prefs), (gpointer *) &prefs);
  gtk_window_present (GTK_WINDOW (prefs));

  /* http:// only on loopback: refused, with a message, and not saved. */
  luma_preferences_apply_base_url (prefs, "http://api.example.com");
  g_assert_nonnull (luma_preferences_get_url_error (prefs));
  g_assert_cmpstr (g_settings_get_string (settings, "api-base-url"), ==, "");

  luma_preferences_apply_base_url (prefs, "not a URL at all");
  g_assert_nonnull (luma_preferences_get_url_error (prefs));
  g_assert_cmpstr (g_settings_get_string (settings, "api-base-url"), ==, "");

  /* Loopback over http:// is the simulator: fine, and the window follows. */
  luma_preferences_apply_base_url (prefs, "http://127.0.0.1:8080");
  g_assert_null (luma_preferences_get_url_error (prefs));
  g_assert_cmpstr (g_settings_get_string (settings, "api-base-url"), ==, "http://127.0.0.1:8080");
  g_assert_cmpstr (_luma_window_get_base_url (window), ==, "http://127.0.0.1:8080");
  g_assert_cmpstr (adw_window_title_get_subtitle (window->window_title), ==, "Demo server (simulator)");

  luma_preferences_apply_base_url (prefs, "https://api.example.com/");
  g_assert_null (luma_preferences_get_url_error (prefs));
  g_assert_cmpstr (adw_window_title_get_subtitle (window->window_title), ==, "api.example.com");

  g_settings_reset (settings, "api-base-url");
  gtk_window_destroy (GTK_WINDOW (prefs));
  LUMA_TEST_WAIT_UNTIL (prefs == NULL, 15000);
  g_assert_null (prefs);
  luma_test_destroy_window (window);
}

static void
test_preferences_token_in_keyring (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "0", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(GError) error = NULL;
  LumaWindow *window;
  LumaPreferences *prefs;
  LumaTask *task;

  if (!have_keyring)
    {
      g_test_skip ("gnome-keyring-daemon is needed for a Secret Service");
      return;
    }

  /* No token anywhere: the window says so where the user looks. */
  g_settings_set_string (settings, "api-base-url", luma_test_sim_get_base_url (sim));
  window = open_window ();
  LUMA_TEST_WAIT_UNTIL (window->client != NULL, 15000);
  g_assert_nonnull (window->client);
  _luma_window_add_text (window, ID_ASTRONAUTS);
  LUMA_TEST_WAIT_UNTIL (gtk_revealer_get_reveal_child (window->token_revealer), 20000);
  g_assert_true (gtk_revealer_get_reveal_child (window->token_revealer));

  prefs = luma_preferences_new (window);
  g_object_add_weak_pointer (G_OBJECT (prefs), (gpointer *) &prefs);
  gtk_window_present (GTK_WINDOW (prefs));

  /* A wrong token: the check says the service refused it. */
  luma_preferences_set_token_text (prefs, "wrong-token");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (prefs), "prefs.check-token", NULL));
  LUMA_TEST_WAIT_UNTIL (luma_preferences_get_token_status (prefs) != NULL &&
                        strstr (luma_preferences_get_token_status (prefs), "refused") != NULL, 20000);
  g_assert_nonnull (strstr (luma_preferences_get_token_status (prefs), "refused"));

  /* The right one: accepted. */
  luma_preferences_set_token_text (prefs, luma_test_sim_get_token (sim));
  gtk_widget_activate_action (GTK_WIDGET (prefs), "prefs.check-token", NULL);
  LUMA_TEST_WAIT_UNTIL (g_strcmp0 (luma_preferences_get_token_status (prefs), "The service accepted the token.") == 0, 20000);
  g_assert_cmpstr (luma_preferences_get_token_status (prefs), ==, "The service accepted the token.");

  /* Saved: in the keyring, and the window uses it at once. */
  luma_preferences_apply_token (prefs, luma_test_sim_get_token (sim));
  LUMA_TEST_WAIT_UNTIL (g_strcmp0 (luma_preferences_get_token_status (prefs), "The token was saved in the keyring.") == 0, 20000);
  g_assert_cmpstr (luma_preferences_get_token_status (prefs), ==, "The token was saved in the keyring.");

  saved = luma_secret_lookup_token_sync (luma_test_sim_get_base_url (sim), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (saved, ==, luma_test_sim_get_token (sim));

  task = luma_task_list_lookup (window->list, ID_ASTRONAUTS);
  LUMA_TEST_WAIT_UNTIL (luma_task_get_state (task) == LUMA_TASK_STATE_COMPLETED, 20000);
  g_assert_cmpint (luma_task_get_state (task), ==, LUMA_TASK_STATE_COMPLETED);
  g_assert_false (gtk_revealer_get_reveal_child (window->token_revealer));

  /* Never in GSettings. */
  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *printed = g_variant_print (value, FALSE);

      g_assert_null (strstr (printed, luma_test_sim_get_token (sim)));
    }

  /* A new window finds the token in the keyring. */
  gtk_window_destroy (GTK_WINDOW (prefs));
  LUMA_TEST_WAIT_UNTIL (prefs == NULL, 15000);
  g_assert_null (prefs);
  luma_test_destroy_window (window);

  window = open_window ();
  LUMA_TEST_WAIT_UNTIL (window->token != NULL, 20000);
  g_assert_cmpstr (window->token, ==, luma_test_sim_get_token (sim));
  luma_test_destroy_window (window);

  g_settings_reset (settings, "api-base-url");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  have_keyring = start_keyring ();
  luma_test_init_gtk ();

  app = luma_test_app_new (&error);
  g_assert_no_error (error);

  g_test_add_func ("/preferences/rejects-insecure-url", test_preferences_rejects_insecure_url);
  g_test_add_func ("/preferences/token-in-keyring", test_preferences_token_in_keyring);

  status = g_test_run ();
  g_clear_object (&app);

  return status;
}
