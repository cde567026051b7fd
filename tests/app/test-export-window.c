/* test-export-window.c: a large export as the window shows it.
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "luma-app-test.h"
#include "luma-application.h"
#include "luma-test-sim.h"
#include "luma-window-private.h"
#include "luma-window.h"

#define N_TASKS 5000

static LumaApplication *app;
static GThread *main_thread;

static gboolean
all_answered (LumaWindow *window,
              guint       n)
{
  GListModel *model = G_LIST_MODEL (window->list);

  if (g_list_model_get_n_items (model) != n)
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LumaTask) task = g_list_model_get_item (model, i);

      if (luma_task_get_state (task) == LUMA_TASK_STATE_LOADING)
        return FALSE;
    }

  return TRUE;
}

/* The toasts on screen: libadwaita's toast widgets in the overlay (one, or
 * two while one hides). */
static void
collect_toast_widgets (GtkWidget *widget,
                       GPtrArray *out)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (widget), "AdwToastWidget"))
    {
      g_ptr_array_add (out, widget);
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_toast_widgets (child, out);
}

static AdwToast *
toast_of (GtkWidget *toast_widget)
{
  AdwToast *toast = NULL;

  g_object_get (toast_widget, "toast", &toast, NULL);
  if (toast != NULL)
    g_object_unref (toast);   /* the widget keeps it */

  return toast;
}

/* The toast widget whose title starts with @prefix, or NULL. */
static GtkWidget *
find_toast_widget (LumaWindow *window,
                   const char *prefix)
{
  g_autoptr(GPtrArray) widgets = g_ptr_array_new ();

  collect_toast_widgets (GTK_WIDGET (window->toast_overlay), widgets);
  for (guint i = 0; i < widgets->len; i++)
    {
      AdwToast *toast = toast_of (widgets->pdata[i]);

      if (toast != NULL && (prefix == NULL || g_str_has_prefix (adw_toast_get_title (toast), prefix)))
        return widgets->pdata[i];
    }

  return NULL;
}

static GtkButton *
find_button_labelled (GtkWidget  *widget,
                      const char *text)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), text) == 0)
    return GTK_BUTTON (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkButton *button = find_button_labelled (child, text);

      if (button != NULL)
        return button;
    }

  return NULL;
}

typedef struct
{
  GtkLabel  *label;
  GPtrArray *titles;                /* every text the label took */
  GPtrArray *painted;               /* its text at each painted frame */
} Watch;

static void
on_label_changed (GtkLabel   *label,
                  GParamSpec *pspec,
                  Watch      *watch)
{
  /* GTK is for the main thread only: the writer's reports come there. */
  g_assert_true (g_thread_self () == main_thread);
  g_ptr_array_add (watch->titles, g_strdup (gtk_label_get_label (label)));
}

static void
on_after_paint (GdkFrameClock *clock,
                Watch         *watch)
{
  if (watch->label != NULL)
    g_ptr_array_add (watch->painted, g_strdup (gtk_label_get_label (watch->label)));
}

/* "Exporting 5000 tasks… 42 %" → 42; -1 for another text. */
static int
percent_of (const char *title)
{
  g_autofree char *prefix = g_strdup_printf ("Exporting %u tasks… ", N_TASKS);
  const char *end = NULL;
  guint64 value;

  if (!g_str_has_prefix (title, prefix))
    return -1;

  value = g_ascii_strtoull (title + strlen (prefix), (char **) &end, 10);
  if (end == title + strlen (prefix) || !g_str_equal (end, " %") || value > 100)
    return -1;

  return (int) value;
}

/* Five thousand tasks fetched from the simulator, exported: the status
 * bar says so and counts up while the writer works, then the "Open Folder"
 * toast comes; the file holds every task's record. */
static void
test_export_window_progress (void)
{
  g_autoptr(LumaTestSim) sim = NULL;
  g_autofree char *count = g_strdup_printf ("%u", N_TASKS);
  g_auto(GStrv) ids = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "five-thousand.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) folder = g_file_get_parent (file);
  g_autofree char *folder_uri = g_file_get_uri (folder);
  g_autofree char *done_title = g_strdup_printf ("Exported %u tasks to “five-thousand.json”", N_TASKS);
  g_autofree char *start_title = g_strdup_printf ("Exporting %u tasks…", N_TASKS);
  g_autoptr(GHashTable) expected = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  Watch watch = { NULL, g_ptr_array_new_with_free_func (g_free), g_ptr_array_new_with_free_func (g_free) };
  GdkFrameClock *clock;
  GtkWidget *done_widget;
  AdwToast *done_toast;
  GtkButton *button;
  LumaWindow *window;
  JsonObject *root;
  JsonArray *items;
  gulong paint_handler;
  gint64 start;
  gint64 call_us;
  gint64 longest_turn = 0;
  int last_percent = -1;
  guint n_progress_titles = 0;
  guint n_progress_frames = 0;
  gboolean export_shown = TRUE;

  sim = luma_test_sim_start ("--generate", count, NULL);
  ids = luma_test_sim_get_ids (sim);
  g_assert_cmpuint (g_strv_length (ids), ==, N_TASKS);
  text = g_strjoinv ("\n", ids);
  g_setenv ("ACEDATACLOUD_API_BASE_URL", luma_test_sim_get_base_url (sim), TRUE);
  g_setenv ("ACEDATACLOUD_API_TOKEN", luma_test_sim_get_token (sim), TRUE);

  window = luma_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_present (GTK_WINDOW (window));
  LUMA_TEST_WAIT_UNTIL (_luma_window_is_loaded (window), 20000);
  g_assert_true (_luma_window_is_loaded (window));

  start = g_get_monotonic_time ();
  g_assert_cmpuint (_luma_window_add_text (window, text), ==, N_TASKS);
  LUMA_TEST_WAIT_UNTIL (all_answered (window, N_TASKS), 120000);
  g_assert_true (all_answered (window, N_TASKS));
  g_test_message ("%u tasks answered in %" G_GINT64_FORMAT " ms", N_TASKS,
                  (g_get_monotonic_time () - start) / 1000);

  /* The "Added" toast goes away on its own first: a later toast waits
   * behind the one on screen. */
  LUMA_TEST_WAIT_UNTIL (find_toast_widget (window, NULL) == NULL, 20000);
  g_assert_null (find_toast_widget (window, NULL));

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  paint_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &watch);

  start = g_get_monotonic_time ();
  _luma_window_export (window, LUMA_EXPORT_SCOPE_ALL, LUMA_EXPORT_JSON, file);
  call_us = g_get_monotonic_time () - start;

  /* At once: the status bar says an export runs. */
  watch.label = window->status_label;
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (watch.label)));
  g_assert_cmpstr (gtk_label_get_label (watch.label), ==, start_title);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->status_spinner)));
  g_signal_connect (watch.label, "notify::label", G_CALLBACK (on_label_changed), &watch);

  /* The wait, timing each turn of the main loop: the longest is the
   * longest the window went without answering meanwhile (a figure). */
  while (find_toast_widget (window, done_title) == NULL &&
         g_get_monotonic_time () - start < G_USEC_PER_SEC * 60)
    {
      gint64 turn_start = g_get_monotonic_time ();

      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
      else
        longest_turn = MAX (longest_turn, g_get_monotonic_time () - turn_start);
    }
  done_widget = find_toast_widget (window, done_title);
  g_assert_nonnull (done_widget);
  g_test_message ("exported in %" G_GINT64_FORMAT " ms; the call took %" G_GINT64_FORMAT
                  " ms, the longest main-loop turn after it %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - start) / 1000, call_us / 1000, longest_turn / 1000);
  g_signal_handler_disconnect (clock, paint_handler);
  g_signal_handlers_disconnect_by_func (watch.label, on_label_changed, &watch);

  /* The status counted up, more than once, to 100 %, then said something
   * else: the export was over. */
  for (guint i = 0; i < watch.titles->len; i++)
    {
      int percent;

      if (!g_str_has_prefix (watch.titles->pdata[i], start_title))
        {
          export_shown = FALSE;
          continue;
        }
      g_assert_true (export_shown);
      percent = percent_of (watch.titles->pdata[i]);
      g_assert_cmpint (percent, >=, 0);
      g_assert_cmpint (percent, >=, last_percent);
      if (percent != last_percent)
        n_progress_titles++;
      last_percent = percent;
    }
  g_assert_cmpuint (n_progress_titles, >=, 2);
  g_assert_cmpint (last_percent, ==, 100);
  for (guint i = 0; i < watch.painted->len; i++)
    if (g_str_has_prefix (watch.painted->pdata[i], start_title))
      n_progress_frames++;
  /* How many frames showed it depends on the machine: a figure, no test. */
  g_test_message ("the status took %u percentages; %u frames were painted while it showed them",
                  n_progress_titles, n_progress_frames);
  g_assert_false (g_str_has_prefix (gtk_label_get_label (window->status_label), start_title));

  /* Then the toast with the way to the file. */
  done_toast = toast_of (done_widget);
  button = find_button_labelled (done_widget, "Open Folder");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (button)));
  g_assert_cmpstr (adw_toast_get_action_name (done_toast), ==, "win.open-folder");
  g_assert_cmpstr (g_variant_get_string (adw_toast_get_action_target_value (done_toast), NULL), ==,
                   folder_uri);

  /* The file: every task once, with its record. */
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "count"), ==, N_TASKS);
  items = json_object_get_array_member (root, "items");
  g_assert_cmpuint (json_array_get_length (items), ==, N_TASKS);
  for (guint i = 0; ids[i] != NULL; i++)
    g_hash_table_add (expected, ids[i]);
  for (guint i = 0; i < N_TASKS; i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *id = json_object_get_string_member (item, "id");

      g_assert_true (g_hash_table_remove (expected, id));
      /* A record, not the bare ID of a task without an answer. */
      g_assert_true (json_object_has_member (item, "request"));
      g_assert_true (json_object_has_member (item, "created_at"));
    }
  g_assert_cmpuint (g_hash_table_size (expected), ==, 0);

  g_ptr_array_unref (watch.titles);
  g_ptr_array_unref (watch.painted);
  luma_test_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  luma_test_init_gtk ();
  /* The main context is not held between iterations, unlike under
   * g_application_run(): progress must still reach this thread only. */
  main_thread = g_thread_self ();

  app = luma_test_app_new (&error);
  g_assert_no_error (error);

  g_test_add_func ("/export-window/progress", test_export_window_progress);

  status = g_test_run ();

  g_clear_object (&app);

  return status;
}
