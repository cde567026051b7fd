/* test-notification.c: the desktop notification of finished tasks, as the
 * desktop receives it.
 *
 * The test owns org.gtk.Notifications on its session bus (the tests run
 * under dbus-run-session) before the application sends anything, so GLib
 * picks its "gtk" notification backend, the one GNOME Shell serves, through
 * its ordinary selection. A small server records what arrives; a click is
 * played back as the shell plays it: org.freedesktop.Application's
 * ActivateAction on the application's own bus name.
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "luma-app-test.h"
#include "luma-application.h"
#include "luma-task-details.h"
#include "luma-test-sim.h"
#include "luma-window-private.h"
#include "luma-window.h"

/* The simulator moves its unfinished tasks along over PROGRESS_SECONDS from
 * its start: the first finishes at 57 %, the second at 78 %, the third
 * fails at 100 % (every fourth from the third fails). */
#define PROGRESS_SECONDS "8"
#define ID_FINISHES   "3f1b2c4d-0a1e-4b7c-9d2e-5f6a7b8c9d01"
#define ID_SECOND     "3f1b2c4d-0a1e-4b7c-9d2e-5f6a7b8c9d02"
#define ID_FAILS      "3f1b2c4d-0a1e-4b7c-9d2e-5f6a7b8c9d03"
#define TOKEN "notification-test-token"
#define PROMPT_FINISHES "A lighthouse at dusk, waves against the rocks"

#define APP_OBJECT_PATH "/io/github/lumatasks/LumaTasks"

static LumaApplication *app;

/* The notification server */

typedef struct
{
  char     *app_id;
  char     *id;
  char     *title;
  char     *body;
  char     *default_action;
  GVariant *default_target;
} SentNotification;

static void
sent_notification_free (gpointer data)
{
  SentNotification *sent = data;

  g_free (sent->app_id);
  g_free (sent->id);
  g_free (sent->title);
  g_free (sent->body);
  g_free (sent->default_action);
  g_clear_pointer (&sent->default_target, g_variant_unref);
  g_free (sent);
}

typedef struct
{
  GDBusConnection *connection;      /* its own, not the application's */
  guint            registration_id;
  guint            barrier_id;
  guint            owner_id;
  gboolean         owned;
  GPtrArray       *sent;            /* SentNotification */
  guint            n_removed;
} NotificationServer;

static NotificationServer server;

/* org.gtk.Notifications as GLib's backend calls it; Sync is the test's
 * own: answered in order after every call before it, so once it returns,
 * whatever the application sent before has been recorded. */
static const char server_xml[] =
  "<node>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' name='app_id' direction='in'/>"
  "      <arg type='s' name='id' direction='in'/>"
  "      <arg type='a{sv}' name='notification' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' name='app_id' direction='in'/>"
  "      <arg type='s' name='id' direction='in'/>"
  "    </method>"
  "  </interface>"
  "  <interface name='io.github.lumatasks.LumaTasks.TestBarrier'>"
  "    <method name='Sync'/>"
  "  </interface>"
  "</node>";

static void
server_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *object_path,
                    const char            *interface_name,
                    const char            *method_name,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  if (g_str_equal (method_name, "AddNotification"))
    {
      SentNotification *sent = g_new0 (SentNotification, 1);
      g_autoptr(GVariant) notification = NULL;

      g_variant_get (parameters, "(ss@a{sv})", &sent->app_id, &sent->id, &notification);
      g_variant_lookup (notification, "title", "s", &sent->title);
      g_variant_lookup (notification, "body", "s", &sent->body);
      g_variant_lookup (notification, "default-action", "s", &sent->default_action);
      sent->default_target = g_variant_lookup_value (notification, "default-action-target", NULL);
      g_test_message ("notification %s from %s: “%s” — “%s”, %s", sent->id, sent->app_id,
                      sent->title, sent->body ? sent->body : "", sent->default_action);
      g_ptr_array_add (server.sent, sent);
    }
  else if (g_str_equal (method_name, "RemoveNotification"))
    server.n_removed++;

  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable server_vtable = { server_method_call, NULL, NULL, { NULL } };

static void
on_name_acquired (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  server.owned = TRUE;
}

static void
on_name_lost (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  server.owned = FALSE;
}

static void
server_start (void)
{
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  server.connection = g_dbus_connection_new_for_address_sync (address,
                                                              G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                              G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                              NULL, NULL, &error);
  g_assert_no_error (error);

  info = g_dbus_node_info_new_for_xml (server_xml, &error);
  g_assert_no_error (error);
  server.registration_id = g_dbus_connection_register_object (server.connection, "/org/gtk/Notifications",
                                                              info->interfaces[0], &server_vtable,
                                                              NULL, NULL, &error);
  g_assert_no_error (error);
  server.barrier_id = g_dbus_connection_register_object (server.connection, "/org/gtk/Notifications",
                                                         info->interfaces[1], &server_vtable,
                                                         NULL, NULL, &error);
  g_assert_no_error (error);
  server.sent = g_ptr_array_new_with_free_func (sent_notification_free);

  server.owner_id = g_bus_own_name_on_connection (server.connection, "org.gtk.Notifications",
                                                  G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                                  on_name_acquired, on_name_lost, NULL, NULL);
  LUMA_TEST_WAIT_UNTIL (server.owned, 10000);
  g_assert_true (server.owned);
}

static void
server_stop (void)
{
  g_bus_unown_name (server.owner_id);
  g_dbus_connection_unregister_object (server.connection, server.barrier_id);
  g_dbus_connection_unregister_object (server.connection, server.registration_id);
  g_dbus_connection_close_sync (server.connection, NULL, NULL);
  g_clear_object (&server.connection);
  g_clear_pointer (&server.sent, g_ptr_array_unref);
}

static void
on_sync_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

/* Waits until the server handled everything the application sent so far:
 * messages from one connection to another arrive in order, and the server
 * answers its calls in order. */
static void
server_sync (void)
{
  GDBusConnection *app_connection = g_application_get_dbus_connection (G_APPLICATION (app));
  gboolean done = FALSE;

  g_dbus_connection_call (app_connection, "org.gtk.Notifications", "/org/gtk/Notifications",
                          "io.github.lumatasks.LumaTasks.TestBarrier", "Sync", NULL,
                          G_VARIANT_TYPE_UNIT, G_DBUS_CALL_FLAGS_NONE, 10000, NULL,
                          on_sync_done, &done);
  LUMA_TEST_WAIT_UNTIL (done, 15000);
  g_assert_true (done);
}

static void
on_activated (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

/* A click on @sent, as GNOME Shell makes it: the default action, without
 * its "app." prefix, through org.freedesktop.Application on the
 * application's bus name. */
static void
server_click (SentNotification *sent)
{
  GVariantBuilder targets;
  gboolean done = FALSE;

  g_assert_true (g_str_has_prefix (sent->default_action, "app."));
  g_variant_builder_init (&targets, G_VARIANT_TYPE ("av"));
  if (sent->default_target != NULL)
    g_variant_builder_add (&targets, "v", sent->default_target);

  g_dbus_connection_call (server.connection, sent->app_id, APP_OBJECT_PATH,
                          "org.freedesktop.Application", "ActivateAction",
                          g_variant_new ("(sava{sv})", sent->default_action + strlen ("app."),
                                         &targets, NULL),
                          G_VARIANT_TYPE_UNIT, G_DBUS_CALL_FLAGS_NONE, 10000, NULL,
                          on_activated, &done);
  LUMA_TEST_WAIT_UNTIL (done, 15000);
  g_assert_true (done);
}

/* The window and the tasks */

static char *
write_fixtures (void)
{
  static const char fixtures[] =
    "["
    "{\"id\": \"" ID_FINISHES "\", \"created_at\": 1725081010.5,"
    " \"request\": {\"action\": \"generate\", \"prompt\": \"" PROMPT_FINISHES "\"},"
    " \"response\": {\"success\": true, \"task_id\": \"" ID_FINISHES "\", \"state\": \"pending\"}},"
    "{\"id\": \"" ID_SECOND "\", \"created_at\": 1725081011.5,"
    " \"request\": {\"action\": \"generate\", \"prompt\": \"A paper boat on a puddle\"},"
    " \"response\": {\"success\": true, \"task_id\": \"" ID_SECOND "\", \"state\": \"processing\"}},"
    "{\"id\": \"" ID_FAILS "\", \"created_at\": 1725081012.5,"
    " \"request\": {\"action\": \"generate\", \"prompt\": \"A crowd at a stadium, close-up\"},"
    " \"response\": {\"success\": true, \"task_id\": \"" ID_FAILS "\", \"state\": \"pending\"}}"
    "]";
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (g_get_user_data_dir (), "fixtures.json", NULL);

  g_mkdir_with_parents (g_get_user_data_dir (), 0700);
  g_file_set_contents (path, fixtures, -1, &error);
  g_assert_no_error (error);

  return path;
}

typedef struct
{
  LumaTestSim *sim;
  LumaWindow  *window;
  GSettings   *settings;
  GHashTable  *finished;            /* IDs the tracker said finished */
  guint        n_finished_signals;
  gulong       handler;
} Fixture;

static void
on_tasks_finished (LumaTracker *tracker,
                   GPtrArray   *tasks,
                   Fixture     *fixture)
{
  fixture->n_finished_signals++;
  for (guint i = 0; i < tasks->len; i++)
    g_hash_table_add (fixture->finished, g_strdup (luma_task_get_id (g_ptr_array_index (tasks, i))));
}

static gboolean
is_answered (LumaWindow *window,
             const char *id)
{
  LumaTask *task = luma_task_list_lookup (window->list, id);

  return task != NULL && luma_task_get_state (task) != LUMA_TASK_STATE_LOADING;
}

/* A window on the simulator, with @text's tasks answered and unfinished.
 *
 * The simulator's clock starts with it: it starts once the window is up,
 * and the window moves to it as Preferences would, so the window's start
 * takes nothing from the time the tasks stay unfinished.
 *
 * The window's own handler of "tasks-finished" comes before the test's:
 * when the test's runs, the notification, if any, has been sent. */
static void
fixture_open (Fixture    *fixture,
              const char *text,
              guint       poll_ms)
{
  g_autofree char *fixtures = write_fixtures ();
  g_auto(GStrv) ids = g_strsplit (text, "\n", -1);
  LumaWindow *window;

  g_unsetenv ("ACEDATACLOUD_API_BASE_URL");
  g_setenv ("ACEDATACLOUD_API_TOKEN", TOKEN, TRUE);
  fixture->settings = g_settings_new (APP_ID);

  window = luma_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_present (GTK_WINDOW (window));
  luma_tracker_set_poll_intervals (window->tracker, poll_ms, MAX (poll_ms, 800), 1.5);
  LUMA_TEST_WAIT_UNTIL (_luma_window_is_loaded (window), 20000);
  g_assert_true (_luma_window_is_loaded (window));

  fixture->window = window;
  fixture->finished = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fixture->handler = g_signal_connect (window->tracker, "tasks-finished",
                                       G_CALLBACK (on_tasks_finished), fixture);

  fixture->sim = luma_test_sim_start ("--fixtures", fixtures, "--progress", PROGRESS_SECONDS,
                                      "--token", TOKEN, NULL);
  g_settings_set_string (fixture->settings, "api-base-url", luma_test_sim_get_base_url (fixture->sim));
  g_assert_cmpstr (_luma_window_get_base_url (window), ==, luma_test_sim_get_base_url (fixture->sim));

  g_assert_cmpuint (_luma_window_add_text (window, text), ==, g_strv_length (ids));
  for (guint i = 0; ids[i] != NULL; i++)
    {
      LUMA_TEST_WAIT_UNTIL (is_answered (window, ids[i]), 20000);
      g_assert_true (is_answered (window, ids[i]));
      /* Still to finish, or the test would prove nothing. */
      g_assert_true (luma_task_state_is_unfinished (luma_task_get_state (luma_task_list_lookup (window->list, ids[i]))));
    }
}

static void
fixture_close (Fixture *fixture)
{
  g_signal_handler_disconnect (fixture->window->tracker, fixture->handler);
  luma_test_destroy_window (fixture->window);
  g_clear_pointer (&fixture->finished, g_hash_table_unref);
  g_clear_pointer (&fixture->sim, luma_test_sim_stop);
  g_settings_reset (fixture->settings, "api-base-url");
  g_clear_object (&fixture->settings);
}

static void
wait_finished (Fixture    *fixture,
               const char *id)
{
  LUMA_TEST_WAIT_UNTIL (g_hash_table_contains (fixture->finished, id), 30000);
  g_assert_true (g_hash_table_contains (fixture->finished, id));
}

/* Another window takes the focus, as another application's would. */
static GtkWindow *
focus_elsewhere (LumaWindow *window)
{
  GtkWindow *other = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_title (other, "Another window");
  gtk_window_set_default_size (other, 300, 200);
  gtk_window_present (other);
  LUMA_TEST_WAIT_UNTIL (!gtk_window_is_active (GTK_WINDOW (window)) && gtk_window_is_active (other), 10000);
  g_assert_false (gtk_window_is_active (GTK_WINDOW (window)));
  g_assert_true (gtk_window_is_active (other));

  return other;
}

static SentNotification *
wait_sent (guint n)
{
  LUMA_TEST_WAIT_UNTIL (server.sent->len >= n, 30000);
  g_assert_cmpuint (server.sent->len, ==, n);

  return g_ptr_array_index (server.sent, n - 1);
}

static void
assert_selects (SentNotification *sent,
                const char       *id)
{
  g_assert_cmpstr (sent->app_id, ==, APP_ID);
  g_assert_cmpstr (sent->id, ==, "tasks-finished");
  g_assert_cmpstr (sent->default_action, ==, "app.select-task");
  g_assert_nonnull (sent->default_target);
  g_assert_true (g_variant_is_of_type (sent->default_target, G_VARIANT_TYPE_STRING));
  g_assert_cmpstr (g_variant_get_string (sent->default_target, NULL), ==, id);
}

/* Unfocused: a task that finishes and one that fails each make a
 * notification that says which; a click on it brings the window back
 * with that task selected. */
static void
test_notification_unfocused (void)
{
  Fixture fixture = { 0 };
  SentNotification *sent;
  GtkWindow *other;
  LumaTask *failed;
  guint n_removed;

  g_ptr_array_set_size (server.sent, 0);
  fixture_open (&fixture, ID_FINISHES "\n" ID_FAILS, 200);
  other = focus_elsewhere (fixture.window);
  n_removed = server.n_removed;

  wait_finished (&fixture, ID_FINISHES);
  sent = wait_sent (1);
  assert_selects (sent, ID_FINISHES);
  g_assert_cmpstr (sent->title, ==, "A video is ready");
  g_assert_cmpstr (sent->body, ==, PROMPT_FINISHES);

  wait_finished (&fixture, ID_FAILS);
  sent = wait_sent (2);
  assert_selects (sent, ID_FAILS);
  failed = luma_task_list_lookup (fixture.window->list, ID_FAILS);
  g_assert_cmpint (luma_task_get_state (failed), ==, LUMA_TASK_STATE_FAILED);
  g_assert_cmpstr (sent->title, ==, "A task failed");
  g_assert_nonnull (luma_task_get_failure_reason (failed));
  g_assert_cmpstr (sent->body, ==, luma_task_get_failure_reason (failed));
  g_assert_nonnull (strstr (sent->body, "moderation"));

  /* The first notification's click: its task, in front. */
  server_click (g_ptr_array_index (server.sent, 0));
  LUMA_TEST_WAIT_UNTIL (luma_task_details_get_task (fixture.window->details) != NULL, 15000);
  g_assert_true (luma_task_details_get_task (fixture.window->details) ==
                 luma_task_list_lookup (fixture.window->list, ID_FINISHES));
  LUMA_TEST_WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (fixture.window)), 10000);
  g_assert_true (gtk_window_is_active (GTK_WINDOW (fixture.window)));
  /* Back in the window, the notification is withdrawn. */
  LUMA_TEST_WAIT_UNTIL (server.n_removed > n_removed, 10000);
  g_assert_cmpuint (server.n_removed, ==, n_removed + 1);

  /* And the second's, the failed task. */
  server_click (g_ptr_array_index (server.sent, 1));
  LUMA_TEST_WAIT_UNTIL (luma_task_details_get_task (fixture.window->details) == failed, 15000);
  g_assert_true (luma_task_details_get_task (fixture.window->details) == failed);

  server_sync ();
  g_assert_cmpuint (server.sent->len, ==, 2);

  gtk_window_destroy (other);
  fixture_close (&fixture);
}

/* Focused: the window shows it already, no notification. Once the focus
 * went elsewhere, the next one notifies. */
static void
test_notification_focused (void)
{
  Fixture fixture = { 0 };
  SentNotification *sent;
  GtkWindow *other;

  g_ptr_array_set_size (server.sent, 0);
  fixture_open (&fixture, ID_FINISHES "\n" ID_FAILS, 200);
  LUMA_TEST_WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (fixture.window)), 10000);
  g_assert_true (gtk_window_is_active (GTK_WINDOW (fixture.window)));

  wait_finished (&fixture, ID_FINISHES);
  g_assert_true (gtk_window_is_active (GTK_WINDOW (fixture.window)));
  server_sync ();
  g_assert_cmpuint (server.sent->len, ==, 0);

  other = focus_elsewhere (fixture.window);
  wait_finished (&fixture, ID_FAILS);
  sent = wait_sent (1);
  assert_selects (sent, ID_FAILS);
  g_assert_cmpstr (sent->title, ==, "A task failed");

  gtk_window_destroy (other);
  fixture_close (&fixture);
}

/* The setting off: nothing, focused or not. Back on, the next one
 * notifies. */
static void
test_notification_setting_off (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  Fixture fixture = { 0 };
  SentNotification *sent;
  GtkWindow *other;

  g_ptr_array_set_size (server.sent, 0);
  g_settings_set_boolean (settings, "notify-finished", FALSE);
  fixture_open (&fixture, ID_FINISHES "\n" ID_FAILS, 200);
  other = focus_elsewhere (fixture.window);

  wait_finished (&fixture, ID_FINISHES);
  g_assert_false (gtk_window_is_active (GTK_WINDOW (fixture.window)));
  server_sync ();
  g_assert_cmpuint (server.sent->len, ==, 0);

  g_settings_set_boolean (settings, "notify-finished", TRUE);
  wait_finished (&fixture, ID_FAILS);
  sent = wait_sent (1);
  assert_selects (sent, ID_FAILS);

  g_settings_reset (settings, "notify-finished");
  gtk_window_destroy (other);
  fixture_close (&fixture);
}

/* Tasks that finish between two polls make one notification that counts
 * them and the failures. */
static void
test_notification_several (void)
{
  Fixture fixture = { 0 };
  SentNotification *sent;
  GtkWindow *other;
  const char *target;

  g_ptr_array_set_size (server.sent, 0);
  /* The first poll after the first answers comes once all three finished. */
  fixture_open (&fixture, ID_FINISHES "\n" ID_SECOND "\n" ID_FAILS, 10000);
  other = focus_elsewhere (fixture.window);

  wait_finished (&fixture, ID_FINISHES);
  g_assert_cmpuint (fixture.n_finished_signals, ==, 1);
  g_assert_cmpuint (g_hash_table_size (fixture.finished), ==, 3);
  sent = wait_sent (1);
  g_assert_cmpstr (sent->title, ==, "3 tasks finished");
  g_assert_cmpstr (sent->body, ==, "1 of them failed.");
  g_assert_cmpstr (sent->default_action, ==, "app.select-task");
  g_assert_true (g_variant_is_of_type (sent->default_target, G_VARIANT_TYPE_STRING));
  target = g_variant_get_string (sent->default_target, NULL);
  g_assert_true (g_hash_table_contains (fixture.finished, target));

  server_click (sent);
  LUMA_TEST_WAIT_UNTIL (luma_task_details_get_task (fixture.window->details) != NULL, 15000);
  g_assert_true (luma_task_details_get_task (fixture.window->details) ==
                 luma_task_list_lookup (fixture.window->list, target));

  gtk_window_destroy (other);
  fixture_close (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* GLib's own choice of backend, not one forced from outside. */
  g_unsetenv ("GNOTIFICATION_BACKEND");

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  luma_test_init_gtk ();

  /* The server first: GLib picks the backend once, at the first
   * notification, by who owns org.gtk.Notifications then. */
  server_start ();

  /* Unique, as the application runs: a click reaches it by its name. */
  app = luma_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));

  g_test_add_func ("/notification/unfocused", test_notification_unfocused);
  g_test_add_func ("/notification/focused", test_notification_focused);
  g_test_add_func ("/notification/setting-off", test_notification_setting_off);
  g_test_add_func ("/notification/several", test_notification_several);

  status = g_test_run ();

  g_clear_object (&app);
  server_stop ();

  return status;
}
