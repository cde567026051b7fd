/* test-window.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "luma-app-test.h"
#include "luma-application.h"
#include "luma-task-details.h"
#include "luma-task-row.h"
#include "luma-test-sim.h"
#include "luma-window-private.h"
#include "luma-window.h"

/* Two of the simulator's demo tasks: the seed's completed ones. */
#define ID_ASTRONAUTS "50fc6182-fa86-4c7d-ac12-2fa27ec2f151"
#define ID_LALALA     "76a05f61-68ad-4c1a-838f-a00cd08cf65b"
#define ID_UNKNOWN    "00000000-0000-4000-8000-000000000000"

static LumaApplication *app;

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       user_data)
{
  guint *n_frames = user_data;

  (*n_frames)++;
}

static void
point_at (LumaTestSim *sim,
          const char  *token)
{
  g_setenv ("ACEDATACLOUD_API_BASE_URL", luma_test_sim_get_base_url (sim), TRUE);
  g_setenv ("ACEDATACLOUD_API_TOKEN", token ? token : luma_test_sim_get_token (sim), TRUE);
}

/* A window on the simulator, with its history loaded. */
static LumaWindow *
open_window (void)
{
  LumaWindow *window = luma_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_present (GTK_WINDOW (window));
  luma_tracker_set_poll_intervals (window->tracker, 200, 1000, 1.5);
  LUMA_TEST_WAIT_UNTIL (_luma_window_is_loaded (window), 20000);
  g_assert_true (_luma_window_is_loaded (window));

  return window;
}

static guint
n_tasks (LumaWindow *window)
{
  return g_list_model_get_n_items (G_LIST_MODEL (window->list));
}

static guint
n_shown (LumaWindow *window)
{
  return g_list_model_get_n_items (G_LIST_MODEL (window->filter_model));
}

static gboolean
all_answered (LumaWindow *window)
{
  guint n = n_tasks (window);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LumaTask) task = g_list_model_get_item (G_LIST_MODEL (window->list), i);

      if (luma_task_get_state (task) == LUMA_TASK_STATE_LOADING)
        return FALSE;
    }

  return n > 0;
}

static gboolean
filter_settled (LumaWindow *window)
{
  return gtk_filter_list_model_get_pending (window->filter_model) == 0 &&
         gtk_sort_list_model_get_pending (window->sort_model) == 0;
}

/* Selects a task as a notification's action would, once the list settled. */
static void
select_task (LumaWindow *window,
             const char *id)
{
  LUMA_TEST_WAIT_UNTIL (filter_settled (window), 15000);
  g_assert_true (luma_window_select_task (window, id));
  g_assert_null (window->select_pending);
}

static LumaTaskRow *
find_row (LumaWindow *window,
          const char *id)
{
  return luma_test_find_row (GTK_WIDGET (window->list_view), id);
}

static guint
count_toplevels (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (gtk_widget_get_visible (toplevel))
        n++;
    }

  return n;
}

static void
test_window_opens_draws_and_closes (void)
{
  LumaWindow *window;
  GdkFrameClock *clock;
  guint n_frames = 0;
  gulong handler;

  window = luma_window_new (app);
  gtk_window_present (GTK_WINDOW (window));

  /* The first frame does not wait for the history. */
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &n_frames);
  LUMA_TEST_WAIT_UNTIL (n_frames >= 1, 20000);
  g_signal_handler_disconnect (clock, handler);

  g_assert_cmpuint (n_frames, >=, 1);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Luma Tasks");

  /* Once the (empty) history answered, the empty state invites a paste. */
  LUMA_TEST_WAIT_UNTIL (_luma_window_is_loaded (window), 20000);
  g_assert_true (_luma_window_is_loaded (window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->list_stack), ==, "empty");

  /* The shortcuts window, Add Tasks and Preferences open from it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-dialog", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.preferences", NULL));
  luma_test_iterate (200);
  g_assert_cmpuint (count_toplevels (), >=, 4);

  /* Destroyed and finalized, the dialogs with it: nothing kept a reference. */
  luma_test_destroy_window (window);
  LUMA_TEST_WAIT_UNTIL (count_toplevels () == 0, 15000);
  g_assert_cmpuint (count_toplevels (), ==, 0);
}

static void
test_window_server_subtitle (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "0", NULL);
  LumaWindow *window;

  point_at (sim, NULL);
  window = open_window ();
  g_assert_cmpstr (adw_window_title_get_subtitle (window->window_title), ==, "Demo server (simulator)");
  luma_test_destroy_window (window);

  g_setenv ("ACEDATACLOUD_API_BASE_URL", "https://api.example.com", TRUE);
  window = open_window ();
  g_assert_cmpstr (adw_window_title_get_subtitle (window->window_title), ==, "api.example.com");
  luma_test_destroy_window (window);
}

static void
test_window_add_text_fills_in (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "0", NULL);
  LumaWindow *window;
  LumaTaskRow *row;
  LumaTask *task;
  guint found;

  point_at (sim, NULL);
  window = open_window ();

  found = _luma_window_add_text (window,
                                 "curl … -d '{\"id\": \"" ID_ASTRONAUTS "\"}'\n"
                                 "not an id at all\n"
                                 ID_LALALA "\n" ID_UNKNOWN "\n");
  g_assert_cmpuint (found, ==, 3);

  /* At once, as loading tasks… */
  g_assert_cmpuint (n_tasks (window), ==, 3);
  task = luma_task_list_lookup (window->list, ID_ASTRONAUTS);
  g_assert_nonnull (task);

  /* …that fill in as the answers arrive. */
  LUMA_TEST_WAIT_UNTIL (all_answered (window), 20000);
  g_assert_true (all_answered (window));
  g_assert_cmpint (luma_task_get_state (task), ==, LUMA_TASK_STATE_COMPLETED);
  g_assert_cmpstr (luma_task_get_prompt (task), ==, "Astronauts shuttle from space to volcano");
  g_assert_cmpint (luma_task_get_state (luma_task_list_lookup (window->list, ID_UNKNOWN)), ==,
                   LUMA_TASK_STATE_NOT_FOUND);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->list_stack), ==, "list");

  /* The rows say it too. */
  LUMA_TEST_WAIT_UNTIL (find_row (window, ID_ASTRONAUTS) != NULL, 15000);
  row = find_row (window, ID_ASTRONAUTS);
  g_assert_nonnull (row);
  g_assert_cmpstr (luma_task_row_get_title (row), ==, "Astronauts shuttle from space to volcano");
  g_assert_cmpstr (luma_task_row_get_state_label (row), ==, "Completed");
  g_assert_cmpstr (luma_task_row_get_time (row), !=, "");

  row = find_row (window, ID_UNKNOWN);
  g_assert_nonnull (row);
  g_assert_cmpstr (luma_task_row_get_title (row), ==, ID_UNKNOWN);
  g_assert_cmpstr (luma_task_row_get_state_label (row), ==, "Not found");

  /* Adding them again adds nothing. */
  _luma_window_add_text (window, ID_ASTRONAUTS);
  g_assert_cmpuint (n_tasks (window), ==, 3);

  luma_test_destroy_window (window);
}

static void
test_window_paste (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "0", NULL);
  LumaWindow *window;

  point_at (sim, NULL);
  window = open_window ();

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)),
                          "Tasks: " ID_ASTRONAUTS ", " ID_LALALA);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.paste", NULL));
  LUMA_TEST_WAIT_UNTIL (n_tasks (window) == 2, 15000);
  g_assert_cmpuint (n_tasks (window), ==, 2);

  LUMA_TEST_WAIT_UNTIL (all_answered (window), 20000);
  g_assert_true (all_answered (window));

  luma_test_destroy_window (window);
}

static void
test_window_details (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "0", NULL);
  LumaWindow *window;
  g_autofree char *id = NULL;
  g_autofree char *prompt = NULL;
  g_autofree char *state = NULL;
  g_autofree char *resolution = NULL;
  g_autofree char *video_url = NULL;
  g_autofree char *created = NULL;
  g_autofree char *record = NULL;

  point_at (sim, NULL);
  window = open_window ();

  /* Nothing selected yet. */
  g_assert_null (luma_task_details_get_task (window->details));

  _luma_window_add_text (window, ID_ASTRONAUTS "\n" ID_LALALA);
  LUMA_TEST_WAIT_UNTIL (all_answered (window), 20000);
  select_task (window, ID_LALALA);
  g_assert_true (luma_task_details_get_task (window->details) ==
                 luma_task_list_lookup (window->list, ID_LALALA));

  id = luma_task_details_dup_field (window->details, "id");
  prompt = luma_task_details_dup_field (window->details, "prompt");
  state = luma_task_details_dup_field (window->details, "state");
  resolution = luma_task_details_dup_field (window->details, "resolution");
  video_url = luma_task_details_dup_field (window->details, "video-url");
  created = luma_task_details_dup_field (window->details, "created");
  record = luma_task_details_dup_field (window->details, "record");

  g_assert_cmpstr (id, ==, ID_LALALA);
  g_assert_cmpstr (prompt, ==, "la la la");
  g_assert_cmpstr (state, ==, "Completed");
  g_assert_nonnull (resolution);
  g_assert_true (g_str_has_prefix (video_url, luma_test_sim_get_base_url (sim)));
  g_assert_nonnull (created);
  g_assert_true (strstr (created, "2024") != NULL);
  /* The raw record, pretty: one member a line. */
  g_assert_nonnull (record);
  g_assert_true (strstr (record, "\n  \"id\" : \"" ID_LALALA "\"") != NULL);
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (window->details)));

  /* The details start from the top, the preview, also once it loaded. */
  luma_test_iterate (1500);
  {
    GtkWidget *scroller = gtk_widget_get_ancestor (GTK_WIDGET (luma_task_details_get_preview_slot (window->details)),
                                                   GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

    g_test_message ("details scrolled to %g of %g; preview %d px high",
                    gtk_adjustment_get_value (adjustment), gtk_adjustment_get_upper (adjustment),
                    gtk_widget_get_height (GTK_WIDGET (luma_task_details_get_preview_slot (window->details))));
    g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, 0);
    g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (luma_task_details_get_preview_slot (window->details))), >, 100);
  }

  /* Copying a field puts it on the clipboard. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window->details), "task.copy-field", "s", "id"));

  /* Two selected: the details say so. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.select-all", NULL);
  g_assert_null (luma_task_details_get_task (window->details));

  luma_test_destroy_window (window);
}

static void
test_window_search_filter_sort (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "0", NULL);
  g_auto(GStrv) ids = luma_test_sim_get_ids (sim);
  g_autofree char *text = g_strjoinv ("\n", ids);
  LumaWindow *window;
  guint n_failed = 0, n_completed = 0, n_unfinished = 0;
  g_autoptr(LumaTask) first = NULL;

  point_at (sim, NULL);
  window = open_window ();

  _luma_window_add_text (window, text);
  LUMA_TEST_WAIT_UNTIL (all_answered (window), 20000);
  g_assert_true (all_answered (window));
  g_assert_cmpuint (n_tasks (window), ==, g_strv_length (ids));
  LUMA_TEST_WAIT_UNTIL (filter_settled (window), 15000);
  g_assert_cmpuint (n_shown (window), ==, n_tasks (window));

  g_object_get (window->list,
                "n-failed", &n_failed,
                "n-completed", &n_completed,
                "n-unfinished", &n_unfinished,
                NULL);
  g_assert_cmpuint (n_failed, >, 0);
  g_assert_cmpuint (n_completed, >, 0);

  /* The state filter shows as many tasks as its count says. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.filter", "s", "failed"));
  LUMA_TEST_WAIT_UNTIL (filter_settled (window), 15000);
  g_assert_cmpuint (n_shown (window), ==, n_failed);
  g_assert_true (g_str_has_prefix (gtk_menu_button_get_label (window->filter_button), "Failed"));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.filter", "s", "completed");
  LUMA_TEST_WAIT_UNTIL (filter_settled (window), 15000);
  g_assert_cmpuint (n_shown (window), ==, n_completed);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.filter", "s", "unfinished");
  LUMA_TEST_WAIT_UNTIL (filter_settled (window), 15000);
  g_assert_cmpuint (n_shown (window), ==, n_unfinished);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.filter", "s", "all");
  LUMA_TEST_WAIT_UNTIL (filter_settled (window), 15000);
  g_assert_cmpuint (n_shown (window), ==, n_tasks (window));

  /* Search over prompts (any case), task IDs and video IDs. */
  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "ASTRONAUTS shuttle");
  LUMA_TEST_WAIT_UNTIL (n_shown (window) == 1, 15000);
  g_assert_cmpuint (n_shown (window), ==, 1);

  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "76A05F61");
  LUMA_TEST_WAIT_UNTIL (n_shown (window) == 1, 15000);
  g_assert_cmpuint (n_shown (window), ==, 1);

  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "no task has this in it");
  LUMA_TEST_WAIT_UNTIL (n_shown (window) == 0 && filter_settled (window), 15000);
  g_assert_cmpuint (n_shown (window), ==, 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->list_stack), ==, "no-results");

  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "");
  LUMA_TEST_WAIT_UNTIL (n_shown (window) == n_tasks (window), 15000);

  /* Sorting by state puts the failed tasks first. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.sort", "s", "state"));
  LUMA_TEST_WAIT_UNTIL (filter_settled (window), 15000);
  first = g_list_model_get_item (G_LIST_MODEL (window->filter_model), 0);
  g_assert_cmpint (luma_task_get_state (first), ==, LUMA_TASK_STATE_FAILED);
  g_assert_cmpuint (n_shown (window), ==, n_tasks (window));
  g_clear_object (&first);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.sort", "s", "added");
  LUMA_TEST_WAIT_UNTIL (filter_settled (window), 15000);
  first = g_list_model_get_item (G_LIST_MODEL (window->filter_model), 0);
  g_assert_cmpstr (luma_task_get_id (first), ==, ids[0]);

  luma_test_destroy_window (window);
}

static void
test_window_remove_undo_and_persistence (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "0", NULL);
  LumaWindow *window;

  point_at (sim, NULL);
  window = open_window ();

  _luma_window_add_text (window, ID_ASTRONAUTS "\n" ID_LALALA "\n" ID_UNKNOWN);
  LUMA_TEST_WAIT_UNTIL (all_answered (window), 20000);
  g_assert_cmpuint (n_tasks (window), ==, 3);

  select_task (window, ID_LALALA);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.remove-selected", NULL));
  g_assert_cmpuint (n_tasks (window), ==, 2);
  g_assert_null (luma_task_list_lookup (window->list, ID_LALALA));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-remove", NULL));
  g_assert_cmpuint (n_tasks (window), ==, 3);
  g_assert_nonnull (luma_task_list_lookup (window->list, ID_LALALA));

  /* Select all, remove all: the empty state comes back. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.select-all", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.remove-selected", NULL);
  g_assert_cmpuint (n_tasks (window), ==, 0);
  LUMA_TEST_WAIT_UNTIL (g_str_equal (gtk_stack_get_visible_child_name (window->list_stack), "empty"), 15000);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->list_stack), ==, "empty");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-remove", NULL);
  g_assert_cmpuint (n_tasks (window), ==, 3);

  /* Let the store write, then start again: every task is still there. */
  luma_test_iterate (300);
  luma_test_destroy_window (window);

  window = open_window ();
  g_assert_cmpuint (n_tasks (window), ==, 3);
  g_assert_nonnull (luma_task_list_lookup (window->list, ID_ASTRONAUTS));
  g_assert_cmpint (luma_task_get_state (luma_task_list_lookup (window->list, ID_ASTRONAUTS)), ==,
                   LUMA_TASK_STATE_COMPLETED);
  luma_test_destroy_window (window);
}

static void
test_window_export (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "0", NULL);
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "export.csv", NULL);
  g_autofree char *json_path = g_build_filename (g_get_user_data_dir (), "selected.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) json_file = g_file_new_for_path (json_path);
  g_autofree char *contents = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *root;
  LumaWindow *window;

  point_at (sim, NULL);
  window = open_window ();

  _luma_window_add_text (window, ID_ASTRONAUTS "\n" ID_LALALA);
  LUMA_TEST_WAIT_UNTIL (all_answered (window), 20000);

  _luma_window_export (window, LUMA_EXPORT_SCOPE_ALL, LUMA_EXPORT_CSV, file);
  LUMA_TEST_WAIT_UNTIL (g_file_query_exists (file, NULL), 20000);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\r\n", -1);
  g_assert_cmpstr (lines[0], ==, LUMA_EXPORT_CSV_HEADER);
  g_assert_true (g_str_has_prefix (lines[1], ID_ASTRONAUTS ",completed,"));
  g_assert_true (g_str_has_prefix (lines[2], ID_LALALA ",completed,"));

  /* The selection only, as JSON. */
  select_task (window, ID_LALALA);
  _luma_window_export (window, LUMA_EXPORT_SCOPE_SELECTED, LUMA_EXPORT_JSON, json_file);
  LUMA_TEST_WAIT_UNTIL (g_file_query_exists (json_file, NULL), 20000);
  json_parser_load_from_file (parser, json_path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "count"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (root, "items"), 0), "id"),
                   ==, ID_LALALA);

  luma_test_destroy_window (window);
}

static void
on_clipboard_text (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static void
test_window_copy_selected (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "0", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonObject *root;
  LumaWindow *window;

  point_at (sim, NULL);
  window = open_window ();

  _luma_window_add_text (window, ID_ASTRONAUTS "\n" ID_LALALA);
  LUMA_TEST_WAIT_UNTIL (all_answered (window), 20000);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.select-all", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.copy-selected", NULL));

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (window)), NULL,
                                 on_clipboard_text, &text);
  LUMA_TEST_WAIT_UNTIL (text != NULL, 15000);
  g_assert_nonnull (text);

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "count"), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "items")), ==, 2);

  luma_test_destroy_window (window);
}

static void
test_window_refused_token (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "0", NULL);
  LumaWindow *window;
  LumaTask *task;

  point_at (sim, "not-the-token");
  window = open_window ();
  g_assert_false (gtk_revealer_get_reveal_child (window->token_revealer));

  _luma_window_add_text (window, ID_ASTRONAUTS);
  LUMA_TEST_WAIT_UNTIL (gtk_revealer_get_reveal_child (window->token_revealer), 20000);
  g_assert_true (gtk_revealer_get_reveal_child (window->token_revealer));
  g_assert_true (strstr (gtk_label_get_label (window->token_label), "refused") != NULL);

  /* The task stays, with the error on its row. */
  task = luma_task_list_lookup (window->list, ID_ASTRONAUTS);
  g_assert_nonnull (task);
  LUMA_TEST_WAIT_UNTIL (luma_task_get_fetch_error (task) != NULL, 15000);
  g_assert_nonnull (luma_task_get_fetch_error (task));
  g_assert_cmpuint (n_tasks (window), ==, 1);

  /* The banner's button opens Preferences. */
  g_assert_true (gtk_actionable_get_action_name (GTK_ACTIONABLE (gtk_widget_get_last_child (gtk_revealer_get_child (window->token_revealer)))) != NULL);

  luma_test_destroy_window (window);
}

static void
test_window_rate_limited (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "0", "--retry-after", "1", NULL);
  LumaWindow *window;

  point_at (sim, NULL);
  window = open_window ();

  luma_test_sim_set_fault (sim, "http429", 1);
  _luma_window_add_text (window, ID_ASTRONAUTS);
  LUMA_TEST_WAIT_UNTIL (window->rate_toast != NULL, 20000);
  g_assert_nonnull (window->rate_toast);
  g_assert_true (g_str_has_prefix (adw_toast_get_title (window->rate_toast), "Rate limited — retrying in"));

  /* The retry went through: nothing was lost. */
  LUMA_TEST_WAIT_UNTIL (all_answered (window), 20000);
  g_assert_cmpint (luma_task_get_state (luma_task_list_lookup (window->list, ID_ASTRONAUTS)), ==,
                   LUMA_TASK_STATE_COMPLETED);

  luma_test_destroy_window (window);
}

static void
test_window_polls_and_shows_next_refresh (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "3", NULL);
  g_auto(GStrv) ids = luma_test_sim_get_ids (sim);
  g_autofree char *text = g_strjoinv ("\n", ids);
  LumaWindow *window;
  guint n_unfinished = 0;

  point_at (sim, NULL);
  window = open_window ();

  _luma_window_add_text (window, text);
  LUMA_TEST_WAIT_UNTIL (all_answered (window), 20000);
  g_object_get (window->list, "n-unfinished", &n_unfinished, NULL);
  g_assert_cmpuint (n_unfinished, >, 0);

  /* Unfinished tasks refresh on their own until they finish. */
  LUMA_TEST_WAIT_UNTIL (g_str_has_prefix (gtk_label_get_label (window->status_label), "Next refresh in") ||
                        g_str_equal (gtk_label_get_label (window->status_label), "Refreshing…"), 15000);
  g_assert_true (g_str_has_prefix (gtk_label_get_label (window->status_label), "Next refresh in") ||
                 g_str_equal (gtk_label_get_label (window->status_label), "Refreshing…"));

  /* Unknown state words stay unfinished: wait for the known ones only. */
  LUMA_TEST_WAIT_UNTIL ((g_object_get (window->list, "n-unfinished", &n_unfinished, NULL), n_unfinished <= 1), 20000);
  g_assert_cmpuint (n_unfinished, <=, 1);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));

  luma_test_destroy_window (window);
}

static void
test_window_narrow (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "0", NULL);
  LumaWindow *window;
  guint position = G_MAXUINT;

  point_at (sim, NULL);
  window = open_window ();
  _luma_window_add_text (window, ID_ASTRONAUTS "\n" ID_LALALA);
  LUMA_TEST_WAIT_UNTIL (all_answered (window), 20000);

  /* 360 pixels: one pane at a time. */
  {
    int list_min, details_min;
    gtk_widget_measure (window->list_pane, GTK_ORIENTATION_HORIZONTAL, -1, &list_min, NULL, NULL, NULL);
    gtk_widget_measure (window->details_pane, GTK_ORIENTATION_HORIZONTAL, -1, &details_min, NULL, NULL, NULL);
    g_test_message ("minimum widths: list %d, details %d", list_min, details_min);
  }
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 600);
  LUMA_TEST_WAIT_UNTIL (adw_leaflet_get_folded (window->leaflet), 15000);
  g_assert_true (adw_leaflet_get_folded (window->leaflet));
  g_assert_true (adw_leaflet_get_visible_child (window->leaflet) == window->list_pane);

  /* Activating a row shows its details; back returns to the list. */
  for (guint i = 0; i < n_shown (window); i++)
    {
      g_autoptr(LumaTask) task = g_list_model_get_item (G_LIST_MODEL (window->filter_model), i);
      if (g_str_equal (luma_task_get_id (task), ID_LALALA))
        position = i;
    }
  g_assert_cmpuint (position, !=, G_MAXUINT);
  g_signal_emit_by_name (window->list_view, "activate", position);
  g_assert_true (adw_leaflet_get_visible_child (window->leaflet) == window->details_pane);
  g_assert_true (luma_task_details_get_task (window->details) ==
                 luma_task_list_lookup (window->list, ID_LALALA));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL));
  g_assert_true (adw_leaflet_get_visible_child (window->leaflet) == window->list_pane);

  /* Wide again: both panes. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 600);
  LUMA_TEST_WAIT_UNTIL (!adw_leaflet_get_folded (window->leaflet), 15000);
  g_assert_false (adw_leaflet_get_folded (window->leaflet));

  luma_test_destroy_window (window);
}

static void
test_window_select_task_action (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "0", NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  LumaWindow *window;

  point_at (sim, NULL);
  window = open_window ();
  _luma_window_add_text (window, ID_ASTRONAUTS "\n" ID_LALALA);
  LUMA_TEST_WAIT_UNTIL (all_answered (window), 20000);

  /* What a click on a desktop notification does, even when a filter hides
   * the task: the filter makes way. */
  g_settings_set_string (settings, "filter", "failed");
  LUMA_TEST_WAIT_UNTIL (filter_settled (window), 15000);
  g_assert_cmpuint (n_shown (window), ==, 0);

  g_action_group_activate_action (G_ACTION_GROUP (app), "select-task",
                                  g_variant_new_string (ID_LALALA));
  LUMA_TEST_WAIT_UNTIL (luma_task_details_get_task (window->details) != NULL, 15000);
  g_assert_true (luma_task_details_get_task (window->details) ==
                 luma_task_list_lookup (window->list, ID_LALALA));
  g_assert_cmpstr (g_settings_get_string (settings, "filter"), ==, "all");

  luma_test_destroy_window (window);
}

static GtkDropTarget *
find_drop_target (LumaWindow *window)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window->toast_overlay));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }

  return NULL;
}

static void
test_window_drop_and_import (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "0", NULL);
  g_autofree char *text_path = g_build_filename (g_get_user_data_dir (), "ids.txt", NULL);
  g_autofree char *binary_path = g_build_filename (g_get_user_data_dir (), "video.bin", NULL);
  g_autofree char *huge_path = g_build_filename (g_get_user_data_dir (), "huge.txt", NULL);
  g_autoptr(GFile) text_file = g_file_new_for_path (text_path);
  g_autoptr(GFile) binary_file = g_file_new_for_path (binary_path);
  g_autoptr(GFile) huge_file = g_file_new_for_path (huge_path);
  g_autoptr(GError) error = NULL;
  GFile *files[3];
  GValue value = G_VALUE_INIT;
  GtkDropTarget *target;
  gboolean dropped = FALSE;
  LumaWindow *window;
  int fd;

  point_at (sim, NULL);
  window = open_window ();
  target = find_drop_target (window);
  g_assert_nonnull (target);

  /* Text dropped on the window. */
  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, "dropped: " ID_ASTRONAUTS);
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &dropped);
  g_value_unset (&value);
  g_assert_true (dropped);
  g_assert_nonnull (luma_task_list_lookup (window->list, ID_ASTRONAUTS));

  /* Files: the text one is read; a binary one and one over 64 MiB are not. */
  g_file_set_contents (text_path, "{\"ids\": [\"" ID_LALALA "\"]}\n", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents_full (binary_path, "\x89PNG\r\n\x1a\n\0\0\0\r" ID_UNKNOWN, 12 + 36,
                            G_FILE_SET_CONTENTS_NONE, 0644, &error);
  g_assert_no_error (error);
  fd = g_open (huge_path, O_CREAT | O_WRONLY, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) 65 * 1024 * 1024), ==, 0);
  close (fd);

  files[0] = text_file;
  files[1] = binary_file;
  files[2] = huge_file;
  luma_window_open_files (window, files, 3);
  LUMA_TEST_WAIT_UNTIL (luma_task_list_lookup (window->list, ID_LALALA) != NULL, 15000);
  g_assert_nonnull (luma_task_list_lookup (window->list, ID_LALALA));
  luma_test_iterate (200);
  g_assert_null (luma_task_list_lookup (window->list, ID_UNKNOWN));
  g_assert_cmpuint (n_tasks (window), ==, 2);

  luma_test_destroy_window (window);
}

typedef struct
{
  GtkApplication *app;
  gboolean        done;
  guint           n_tasks;
} CommandLineRun;

static gboolean
check_command_line_cb (gpointer user_data)
{
  CommandLineRun *run = user_data;
  GList *windows = gtk_application_get_windows (run->app);
  LumaWindow *window;

  if (windows == NULL || !LUMA_IS_WINDOW (windows->data))
    return G_SOURCE_CONTINUE;

  window = windows->data;
  if (n_tasks (window) < 2)
    return G_SOURCE_CONTINUE;

  run->n_tasks = n_tasks (window);
  run->done = TRUE;
  gtk_window_destroy (GTK_WINDOW (window));
  return G_SOURCE_REMOVE;
}

static void
test_window_command_line (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "0", NULL);
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "more-ids.log", NULL);
  g_autoptr(GError) error = NULL;
  /* An application of its own: running one shuts it down at the end. */
  g_autoptr(LumaApplication) cl_app = luma_application_new ();
  CommandLineRun run = { GTK_APPLICATION (cl_app), FALSE, 0 };
  char *argv[] = { (char *) "luma-tasks", (char *) ID_ASTRONAUTS, path, NULL };
  guint source;
  int status;

  point_at (sim, NULL);
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  g_file_set_contents (path, "12:00 started task " ID_LALALA "\n", -1, &error);
  g_assert_no_error (error);

  /* An ID is added as text, anything else is read as a file. */
  source = g_timeout_add (20, check_command_line_cb, &run);
  /* Another ID: the test's main application holds the object path of
   * APP_ID on the bus. */
  g_application_set_application_id (G_APPLICATION (cl_app), APP_ID ".CommandLineTest");
  g_application_set_flags (G_APPLICATION (cl_app),
                           g_application_get_flags (G_APPLICATION (cl_app)) | G_APPLICATION_NON_UNIQUE);
  status = g_application_run (G_APPLICATION (cl_app), G_N_ELEMENTS (argv) - 1, argv);
  if (!run.done)
    g_source_remove (source);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (run.done);
  g_assert_cmpuint (run.n_tasks, ==, 2);
}

static gint64
elapsed_ms (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000;
}

static void
draw_frames (LumaWindow *window,
             guint       n)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  guint n_frames = 0;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &n_frames);

  gtk_widget_queue_draw (GTK_WIDGET (window));
  LUMA_TEST_WAIT_UNTIL (n_frames >= n, 20000);
  g_signal_handler_disconnect (clock, handler);
  g_assert_cmpuint (n_frames, >=, n);
}

static void
test_window_hundred_thousand_rows (void)
{
  const guint n = 100000;
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_full (n, g_object_unref);
  LumaWindow *window;
  gint64 start;
  gint64 append_ms, search_ms, clear_ms, sort_ms, scroll_ms, select_ms;

  /* No server: the rows are what is measured. */
  g_setenv ("ACEDATACLOUD_API_BASE_URL", "https://api.example.com", TRUE);
  g_setenv ("ACEDATACLOUD_API_TOKEN", "unused", TRUE);
  window = open_window ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonObject) record = json_object_new ();
      g_autoptr(JsonObject) request = json_object_new ();
      g_autoptr(JsonObject) response = json_object_new ();
      g_autofree char *id = g_strdup_printf ("%08x-0000-4000-8000-%012x", i, i);
      g_autofree char *prompt = g_strdup_printf ("Prompt number %u, a fox in the snow", i);

      json_object_set_string_member (request, "prompt", prompt);
      json_object_set_boolean_member (response, "success", TRUE);
      json_object_set_string_member (response, "state", i % 7 == 0 ? "failed" : i % 3 == 0 ? "processing" : "completed");
      json_object_set_string_member (record, "id", id);
      json_object_set_double_member (record, "created_at", 1725077411.0 + i);
      json_object_set_object_member (record, "request", g_steal_pointer (&request));
      json_object_set_object_member (record, "response", g_steal_pointer (&response));
      g_ptr_array_add (tasks, luma_task_new_from_record (record));
    }

  start = g_get_monotonic_time ();
  luma_task_list_append_tasks (window->list, (LumaTask * const *) tasks->pdata, tasks->len);
  g_test_message ("appending 100,000 tasks to the models: %" G_GINT64_FORMAT " ms", elapsed_ms (start));
  draw_frames (window, 2);
  append_ms = elapsed_ms (start);
  g_assert_cmpuint (n_shown (window), ==, n);

  start = g_get_monotonic_time ();
  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "number 9999");
  LUMA_TEST_WAIT_UNTIL (n_shown (window) == 11, 20000);
  draw_frames (window, 1);
  search_ms = elapsed_ms (start);
  g_assert_cmpuint (n_shown (window), ==, 11);

  start = g_get_monotonic_time ();
  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "");
  LUMA_TEST_WAIT_UNTIL (n_shown (window) == n, 20000);
  draw_frames (window, 1);
  clear_ms = elapsed_ms (start);

  start = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sort", "s", "state");
  draw_frames (window, 1);
  sort_ms = elapsed_ms (start);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 20; i++)
    {
      gtk_widget_activate_action (GTK_WIDGET (window->list_view), "list.scroll-to-item", "u", i * (n / 20));
      draw_frames (window, 1);
    }
  scroll_ms = elapsed_ms (start);

  start = g_get_monotonic_time ();
  draw_frames (window, 10);
  g_test_message ("10 frames with nothing new: %" G_GINT64_FORMAT " ms", elapsed_ms (start));

  start = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (window), "win.select-all", NULL);
  draw_frames (window, 1);
  select_ms = elapsed_ms (start);

  g_test_message ("100,000 rows: shown in %" G_GINT64_FORMAT " ms, searched in %" G_GINT64_FORMAT
                  " ms, search cleared in %" G_GINT64_FORMAT " ms, sorted by state in %" G_GINT64_FORMAT
                  " ms, 20 jumps in %" G_GINT64_FORMAT " ms (%" G_GINT64_FORMAT " ms a frame), all selected in %"
                  G_GINT64_FORMAT " ms",
                  append_ms, search_ms, clear_ms, sort_ms, scroll_ms, scroll_ms / 20, select_ms);

  /* Generous bounds (sanitizer builds are slow); the figures are above. */
  g_assert_cmpint (append_ms, <, 15000);
  g_assert_cmpint (search_ms, <, 15000);
  g_assert_cmpint (sort_ms, <, 15000);
  g_assert_cmpint (scroll_ms / 20, <, 500);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.sort", "s", "added");
  luma_test_destroy_window (window);
}

/* A network monitor the test switches on and off. */
#define TEST_TYPE_MONITOR (test_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TestMonitor, test_monitor, TEST, MONITOR, GObject)

struct _TestMonitor
{
  GObject  parent_instance;
  gboolean available;
};

enum {
  MONITOR_PROP_0,
  MONITOR_PROP_AVAILABLE,
  MONITOR_PROP_METERED,
  MONITOR_PROP_CONNECTIVITY,
};

static void test_monitor_initable_iface_init (GInitableIface *iface);
static void test_monitor_iface_init (GNetworkMonitorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestMonitor, test_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, test_monitor_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, test_monitor_iface_init))

static gboolean
test_monitor_initable_init (GInitable     *initable,
                            GCancellable  *cancellable,
                            GError       **error)
{
  return TRUE;
}

static void
test_monitor_initable_iface_init (GInitableIface *iface)
{
  iface->init = test_monitor_initable_init;
}

static gboolean
test_monitor_can_reach (GNetworkMonitor     *monitor,
                        GSocketConnectable  *connectable,
                        GCancellable        *cancellable,
                        GError             **error)
{
  return TEST_MONITOR (monitor)->available;
}

static void
test_monitor_iface_init (GNetworkMonitorInterface *iface)
{
  iface->can_reach = test_monitor_can_reach;
}

static void
test_monitor_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TestMonitor *self = TEST_MONITOR (object);

  switch (prop_id)
    {
    case MONITOR_PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case MONITOR_PROP_METERED:
      g_value_set_boolean (value, FALSE);
      break;
    case MONITOR_PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_monitor_class_init (TestMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_monitor_get_property;
  g_object_class_override_property (object_class, MONITOR_PROP_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, MONITOR_PROP_METERED, "network-metered");
  g_object_class_override_property (object_class, MONITOR_PROP_CONNECTIVITY, "connectivity");
}

static void
test_monitor_init (TestMonitor *self)
{
  self->available = TRUE;
}

static void
test_monitor_set_available (TestMonitor *self,
                            gboolean     available)
{
  self->available = available;
  g_object_notify (G_OBJECT (self), "network-available");
  g_signal_emit_by_name (self, "network-changed", available);
}

static void
test_window_offline_banner (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start ("--progress", "0", NULL);
  g_autoptr(TestMonitor) monitor = g_object_new (TEST_TYPE_MONITOR, NULL);
  LumaWindow *window;

  point_at (sim, NULL);
  window = open_window ();
  luma_tracker_set_network_monitor (window->tracker, G_NETWORK_MONITOR (monitor));

  /* A pending task keeps the poller going. */
  _luma_window_add_text (window, "c0418d8d-e741-4736-88c8-55f341059913");
  LUMA_TEST_WAIT_UNTIL (all_answered (window), 20000);
  g_assert_false (gtk_revealer_get_reveal_child (window->network_revealer));

  test_monitor_set_available (monitor, FALSE);
  LUMA_TEST_WAIT_UNTIL (gtk_revealer_get_reveal_child (window->network_revealer), 15000);
  g_assert_true (gtk_revealer_get_reveal_child (window->network_revealer));
  g_assert_cmpstr (gtk_label_get_label (window->status_label), ==, "Refreshing paused: no network");
  /* Nothing was removed. */
  g_assert_cmpuint (n_tasks (window), ==, 1);

  test_monitor_set_available (monitor, TRUE);
  LUMA_TEST_WAIT_UNTIL (!gtk_revealer_get_reveal_child (window->network_revealer), 15000);
  g_assert_false (gtk_revealer_get_reveal_child (window->network_revealer));

  luma_test_destroy_window (window);
}

static void
test_window_broken_history (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "luma-tasks", NULL);
  g_autofree char *path = g_build_filename (dir, "tasks.db", NULL);
  g_autoptr(GError) error = NULL;
  LumaWindow *window;

  g_setenv ("ACEDATACLOUD_API_BASE_URL", "https://api.example.com", TRUE);
  g_setenv ("ACEDATACLOUD_API_TOKEN", "unused", TRUE);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, "this is not an SQLite database, just words in a file\n", -1, &error);
  g_assert_no_error (error);

  /* Never a crash: a clear message and a fresh start. */
  window = open_window ();
  g_assert_nonnull (window->history_notice);
  g_assert_true (strstr (window->history_notice, "tasks.db.broken-") != NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->list_stack), ==, "empty");
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

  app = luma_test_app_new (&error);
  g_assert_no_error (error);

  g_test_add_func ("/window/opens-draws-and-closes", test_window_opens_draws_and_closes);
  g_test_add_func ("/window/server-subtitle", test_window_server_subtitle);
  g_test_add_func ("/window/add-text-fills-in", test_window_add_text_fills_in);
  g_test_add_func ("/window/paste", test_window_paste);
  g_test_add_func ("/window/details", test_window_details);
  g_test_add_func ("/window/search-filter-sort", test_window_search_filter_sort);
  g_test_add_func ("/window/remove-undo-and-persistence", test_window_remove_undo_and_persistence);
  g_test_add_func ("/window/export", test_window_export);
  g_test_add_func ("/window/copy-selected", test_window_copy_selected);
  g_test_add_func ("/window/refused-token", test_window_refused_token);
  g_test_add_func ("/window/rate-limited", test_window_rate_limited);
  g_test_add_func ("/window/polls-and-shows-next-refresh", test_window_polls_and_shows_next_refresh);
  g_test_add_func ("/window/narrow", test_window_narrow);
  g_test_add_func ("/window/select-task-action", test_window_select_task_action);
  g_test_add_func ("/window/drop-and-import", test_window_drop_and_import);
  g_test_add_func ("/window/command-line", test_window_command_line);
  g_test_add_func ("/window/offline-banner", test_window_offline_banner);
  g_test_add_func ("/window/broken-history", test_window_broken_history);
  g_test_add_func ("/window/hundred-thousand-rows", test_window_hundred_thousand_rows);

  status = g_test_run ();

  g_clear_object (&app);

  return status;
}
