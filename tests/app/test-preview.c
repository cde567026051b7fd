/* test-preview.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gst/gst.h>

#include "luma-app-test.h"
#include "luma-media-cache.h"
#include "luma-preview.h"
#include "luma-task.h"
#include "luma-test-sim.h"
#include "luma-thumbnail-loader.h"
#include "luma-video-paintable.h"

#define SEED_ID        "50fc6182-fa86-4c7d-ac12-2fa27ec2f151"
#define SECOND_ID      "76a05f61-68ad-4c1a-838f-a00cd08cf65b"
#define PORTRAIT_ID    "2c94282c-419e-4d95-ad04-e97ae1ea1427"
#define NOT_A_VIDEO_ID "cb81985d-1dd1-4382-8046-5544af238647"
#define AV1_ID         "4b439321-bcd7-43fd-8afd-99cffcaa9bf2"
#define MISSING_ID     "fb3e226d-c6aa-4894-a4c2-f6cf27564f10"
#define PENDING_ID     "c0418d8d-e741-4736-88c8-55f341059913"

#define WAIT_MS 20000

static LumaTestSim *sim;

/* A file name in this test's own folder (isolated, created on demand). */
static char *
scratch_path (const char *name)
{
  g_autofree char *dir = g_build_filename (g_get_user_state_dir (), "scratch", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return g_build_filename (dir, name, NULL);
}

typedef struct
{
  GtkWidget   *window;
  LumaPreview *preview;
} Fixture;

static LumaTask *
completed_task (const char *id,
                guint       width,
                guint       height)
{
  const char *base = luma_test_sim_get_base_url (sim);
  g_autofree char *json = g_strdup_printf (
    "{\"id\": \"%s\", \"response\": {\"success\": true, \"state\": \"completed\", "
    "\"video_url\": \"%s/media/%s.mp4\", \"video_width\": %u, \"video_height\": %u, "
    "\"thumbnail_url\": \"%s/media/%s.jpg\", \"thumbnail_width\": %u, \"thumbnail_height\": %u}}",
    id, base, id, width, height, base, id, width, height);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  return luma_task_new_from_record (json_node_get_object (node));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *cache_path = g_build_filename (g_get_user_cache_dir (), "luma-tasks", NULL);
  g_autoptr(GFile) cache_dir = g_file_new_for_path (cache_path);
  g_autoptr(LumaMediaCache) cache = luma_media_cache_new (cache_dir);
  g_autoptr(LumaThumbnailLoader) loader = luma_thumbnail_loader_new (cache);

  /* A cache of this test's own, in its isolated folder. */
  luma_media_cache_set_default (cache);
  luma_thumbnail_loader_set_default (loader);

  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 680, 420);
  fixture->preview = LUMA_PREVIEW (luma_preview_new ());
  gtk_window_set_child (GTK_WINDOW (fixture->window), GTK_WIDGET (fixture->preview));
  gtk_window_present (GTK_WINDOW (fixture->window));
  LUMA_TEST_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (fixture->preview)), WAIT_MS);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (fixture->preview)));

  luma_test_sim_clear_log (sim);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  GObject *preview = G_OBJECT (fixture->preview);

  g_object_add_weak_pointer (preview, (gpointer *) &preview);
  luma_test_destroy_window (fixture->window);
  g_assert_null (preview);

  /* Nothing of GStreamer outlives the widget. */
  g_assert_cmpuint (luma_preview_get_n_live_pipelines (), ==, 0);

  luma_thumbnail_loader_set_default (NULL);
  luma_media_cache_set_default (NULL);
}

static gboolean
is_playing_with_frame (LumaPreview *preview)
{
  LumaVideoPaintable *paintable = LUMA_VIDEO_PAINTABLE (luma_preview_get_paintable (preview));

  return luma_preview_get_state (preview) == LUMA_PREVIEW_PLAYING &&
         luma_video_paintable_get_n_frames (paintable) > 1;
}

static void
play_and_wait (LumaPreview *preview)
{
  gtk_widget_activate_action (GTK_WIDGET (preview), "preview.toggle-play", NULL);
  LUMA_TEST_WAIT_UNTIL (is_playing_with_frame (preview) ||
                        luma_preview_get_state (preview) == LUMA_PREVIEW_ERROR, WAIT_MS);
  g_assert_cmpstr (luma_preview_get_error_message (preview), ==, NULL);
  g_assert_true (is_playing_with_frame (preview));
}

/* Requests for @path_suffix in the simulator's log; every media request is
 * checked for the absence of the token on the way. */
static guint
count_media_requests (const char  *path_suffix,
                      guint       *n_ranged)
{
  g_autoptr(JsonArray) log = luma_test_sim_get_log (sim);
  guint n = 0;

  if (n_ranged != NULL)
    *n_ranged = 0;

  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);
      const char *path = json_object_get_string_member (entry, "path");
      JsonNode *range = json_object_get_member (entry, "range");

      if (!g_str_has_prefix (path, "/media/"))
        continue;

      g_assert_false (json_object_get_boolean_member (entry, "authorization"));

      if (path_suffix != NULL && !g_str_has_suffix (path, path_suffix))
        continue;
      n++;
      if (n_ranged != NULL && range != NULL && !JSON_NODE_HOLDS_NULL (range) &&
          !g_str_has_prefix (json_node_get_string (range), "bytes=0-"))
        (*n_ranged)++;
    }

  return n;
}

typedef struct
{
  gboolean saw_buffering;
  gboolean saw_paused;
  int      percent_at_first_playing;
} StateLog;

static void
on_state (LumaPreview *preview,
          GParamSpec  *pspec,
          StateLog    *state_log)
{
  switch (luma_preview_get_state (preview))
    {
    case LUMA_PREVIEW_BUFFERING:
      state_log->saw_buffering = TRUE;
      break;
    case LUMA_PREVIEW_PAUSED:
      state_log->saw_paused = TRUE;
      break;
    case LUMA_PREVIEW_PLAYING:
      if (state_log->percent_at_first_playing < 0)
        state_log->percent_at_first_playing = luma_preview_get_buffering_percent (preview);
      break;
    default:
      break;
    }
}

static void
test_plays (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(LumaTask) task = completed_task (SEED_ID, 1360, 752);
  StateLog state_log = { FALSE, FALSE, -1 };
  GdkPaintable *paintable;
  gulong handler;

  g_assert_cmpint (luma_preview_get_state (fixture->preview), ==, LUMA_PREVIEW_IDLE);
  g_assert_true (luma_preview_get_loop (fixture->preview));

  luma_preview_set_task (fixture->preview, task);
  g_assert_cmpint (luma_preview_get_state (fixture->preview), ==, LUMA_PREVIEW_IDLE);
  g_assert_cmpuint (luma_preview_get_n_live_pipelines (), ==, 0);

  handler = g_signal_connect (fixture->preview, "notify::state", G_CALLBACK (on_state), &state_log);
  play_and_wait (fixture->preview);
  g_signal_handler_disconnect (fixture->preview, handler);
  g_assert_true (g_str_has_prefix (luma_preview_get_uri (fixture->preview), "http://"));
  g_assert_cmpuint (luma_preview_get_n_live_pipelines (), ==, 1);

  /* Over HTTP it buffered first, and played only once the queue was full. */
  g_assert_true (state_log.saw_buffering);
  g_assert_cmpint (state_log.percent_at_first_playing, ==, 100);

  paintable = luma_preview_get_paintable (fixture->preview);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 1360);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, 752);

  LUMA_TEST_WAIT_UNTIL (luma_preview_get_duration (fixture->preview) > 0, WAIT_MS);
  g_assert_cmpint (luma_preview_get_duration (fixture->preview), >=, GST_SECOND);
  g_assert_cmpint (luma_preview_get_duration (fixture->preview), <=, 3 * GST_SECOND);

  /* Space/toggle-play pauses. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->preview), "preview.toggle-play", NULL);
  LUMA_TEST_WAIT_UNTIL (luma_preview_get_state (fixture->preview) == LUMA_PREVIEW_PAUSED, WAIT_MS);
  g_assert_cmpint (luma_preview_get_state (fixture->preview), ==, LUMA_PREVIEW_PAUSED);

  /* Looping (on by default) keeps it playing past the 2 s of the video: it
   * never stops at the end (PAUSED), though over HTTP each new round may
   * rebuffer for a moment. */
  luma_preview_play (fixture->preview);
  LUMA_TEST_WAIT_UNTIL (luma_preview_get_state (fixture->preview) == LUMA_PREVIEW_PLAYING, WAIT_MS);
  state_log.saw_paused = FALSE;
  handler = g_signal_connect (fixture->preview, "notify::state", G_CALLBACK (on_state), &state_log);
  luma_test_iterate (2500);
  LUMA_TEST_WAIT_UNTIL (luma_preview_get_state (fixture->preview) == LUMA_PREVIEW_PLAYING, WAIT_MS);
  g_signal_handler_disconnect (fixture->preview, handler);
  g_assert_false (state_log.saw_paused);
  g_assert_cmpint (luma_preview_get_state (fixture->preview), ==, LUMA_PREVIEW_PLAYING);

  /* No media request carried the token. */
  g_assert_cmpuint (count_media_requests (".mp4", NULL), >=, 1);
}

/* Runs first: nothing of GStreamer is loaded yet (the app, like this
 * test, leaves it to the preview), so Play comes while it loads. */
static void
test_play_while_gstreamer_loads (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(LumaTask) task = completed_task (SECOND_ID, 1360, 752);

  g_assert_false (gst_is_initialized ());

  /* Selecting a task with a video starts loading GStreamer in a thread;
   * Play waits for it, showing that it loads. */
  luma_preview_set_task (fixture->preview, task);
  gtk_widget_activate_action (GTK_WIDGET (fixture->preview), "preview.toggle-play", NULL);
  g_assert_cmpint (luma_preview_get_state (fixture->preview), ==, LUMA_PREVIEW_LOADING);
  g_assert_cmpuint (luma_preview_get_n_live_pipelines (), ==, 0);

  /* Toggled again before anything showed: back to the poster, and it
   * does not start by itself once GStreamer is ready. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->preview), "preview.toggle-play", NULL);
  g_assert_cmpint (luma_preview_get_state (fixture->preview), ==, LUMA_PREVIEW_IDLE);
  LUMA_TEST_WAIT_UNTIL (gst_is_initialized (), WAIT_MS);
  g_assert_true (gst_is_initialized ());
  luma_test_iterate (1000);
  g_assert_cmpint (luma_preview_get_state (fixture->preview), ==, LUMA_PREVIEW_IDLE);
  g_assert_cmpuint (luma_preview_get_n_live_pipelines (), ==, 0);

  /* Play again plays. */
  play_and_wait (fixture->preview);
  g_assert_cmpuint (luma_preview_get_n_live_pipelines (), ==, 1);
}

static void
test_plays_from_cache (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(LumaTask) task = completed_task (PORTRAIT_ID, 752, 1360);
  g_autoptr(GFile) cached = NULL;
  GdkPaintable *paintable;

  /* Played once from its URL: kept in the cache in the background. */
  luma_preview_set_task (fixture->preview, task);
  play_and_wait (fixture->preview);
  g_assert_true (g_str_has_prefix (luma_preview_get_uri (fixture->preview), "http://"));
  LUMA_TEST_WAIT_UNTIL ((cached = luma_media_cache_lookup (luma_media_cache_get_default (),
                                                           PORTRAIT_ID, LUMA_MEDIA_KIND_VIDEO)) != NULL,
                        WAIT_MS);
  g_assert_nonnull (cached);

  /* The next time it plays from disk, without the network. */
  luma_preview_stop (fixture->preview);
  g_assert_cmpuint (luma_preview_get_n_live_pipelines (), ==, 0);
  luma_test_sim_clear_log (sim);
  play_and_wait (fixture->preview);
  g_assert_true (g_str_has_prefix (luma_preview_get_uri (fixture->preview), "file://"));
  g_assert_cmpuint (count_media_requests (".mp4", NULL), ==, 0);

  paintable = luma_preview_get_paintable (fixture->preview);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 752);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, 1360);
}

static void
test_seek_uses_ranges (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(LumaTask) task = completed_task (SECOND_ID, 1360, 752);
  guint n_ranged = 0;

  luma_preview_set_task (fixture->preview, task);
  play_and_wait (fixture->preview);
  luma_preview_pause (fixture->preview);
  LUMA_TEST_WAIT_UNTIL (luma_preview_get_state (fixture->preview) == LUMA_PREVIEW_PAUSED, WAIT_MS);

  luma_preview_seek (fixture->preview, 1500 * GST_MSECOND);
  LUMA_TEST_WAIT_UNTIL (count_media_requests (SECOND_ID ".mp4", &n_ranged) > 0 && n_ranged > 0, WAIT_MS);
  count_media_requests (SECOND_ID ".mp4", &n_ranged);
  g_assert_cmpuint (n_ranged, >=, 1);

  /* And it lands there. */
  LUMA_TEST_WAIT_UNTIL (luma_preview_get_position (fixture->preview) >= GST_SECOND, WAIT_MS);
  g_assert_cmpint (luma_preview_get_position (fixture->preview), >=, GST_SECOND);
  g_assert_cmpint (luma_preview_get_state (fixture->preview), !=, LUMA_PREVIEW_ERROR);
}

static void
expect_error (Fixture    *fixture,
              const char *id,
              const char *needle)
{
  g_autoptr(LumaTask) task = completed_task (id, 1360, 752);
  const char *message;

  luma_preview_set_task (fixture->preview, task);
  luma_preview_play (fixture->preview);
  LUMA_TEST_WAIT_UNTIL (luma_preview_get_state (fixture->preview) == LUMA_PREVIEW_ERROR, WAIT_MS);
  g_assert_cmpint (luma_preview_get_state (fixture->preview), ==, LUMA_PREVIEW_ERROR);

  message = luma_preview_get_error_message (fixture->preview);
  g_test_message ("%s: %s", id, message);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, needle));

  /* The failed pipeline is gone; the widget goes on working. */
  g_assert_cmpuint (luma_preview_get_n_live_pipelines (), ==, 0);
}

static void
test_error_404 (Fixture       *fixture,
                gconstpointer  data)
{
  expect_error (fixture, MISSING_ID, "404");
}

static void
test_error_not_a_video (Fixture       *fixture,
                        gconstpointer  data)
{
  expect_error (fixture, NOT_A_VIDEO_ID, "not a video");
}

static void
test_error_missing_decoder (Fixture       *fixture,
                            gconstpointer  data)
{
  expect_error (fixture, AV1_ID, "AV1");
}

static void
test_recovers_after_error (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(LumaTask) good = completed_task (SEED_ID, 1360, 752);

  expect_error (fixture, MISSING_ID, "404");
  luma_preview_set_task (fixture->preview, good);
  g_assert_null (luma_preview_get_error_message (fixture->preview));
  play_and_wait (fixture->preview);
}

static void
test_switches_release_pipelines (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(LumaTask) a = completed_task (SEED_ID, 1360, 752);
  g_autoptr(LumaTask) b = completed_task (SECOND_ID, 1360, 752);
  guint max_live = 0;

  for (guint i = 0; i < 50; i++)
    {
      luma_preview_set_task (fixture->preview, i % 2 ? b : a);
      luma_preview_play (fixture->preview);

      /* Some switches land mid-start, some while playing. */
      if (i % 10 == 0)
        LUMA_TEST_WAIT_UNTIL (is_playing_with_frame (fixture->preview), WAIT_MS);
      else
        luma_test_iterate (i % 3 * 20);

      max_live = MAX (max_live, luma_preview_get_n_live_pipelines ());
      g_assert_cmpuint (luma_preview_get_n_live_pipelines (), <=, 1);
    }

  g_assert_cmpuint (max_live, ==, 1);
  luma_preview_set_task (fixture->preview, NULL);
  g_assert_cmpuint (luma_preview_get_n_live_pipelines (), ==, 0);
  g_assert_cmpint (luma_preview_get_state (fixture->preview), ==, LUMA_PREVIEW_IDLE);
}

static void
test_unmap_releases (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(LumaTask) task = completed_task (SEED_ID, 1360, 752);

  luma_preview_set_task (fixture->preview, task);
  play_and_wait (fixture->preview);
  g_assert_cmpuint (luma_preview_get_n_live_pipelines (), ==, 1);

  gtk_widget_set_visible (GTK_WIDGET (fixture->preview), FALSE);
  g_assert_cmpuint (luma_preview_get_n_live_pipelines (), ==, 0);
  g_assert_cmpint (luma_preview_get_state (fixture->preview), ==, LUMA_PREVIEW_IDLE);

  gtk_widget_set_visible (GTK_WIDGET (fixture->preview), TRUE);
  play_and_wait (fixture->preview);
}

static void
test_unfinished_task (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(LumaTask) task = luma_task_new (PENDING_ID);

  luma_preview_set_task (fixture->preview, task);
  gtk_widget_activate_action (GTK_WIDGET (fixture->preview), "preview.toggle-play", NULL);
  g_assert_cmpint (luma_preview_get_state (fixture->preview), ==, LUMA_PREVIEW_IDLE);
  luma_preview_play (fixture->preview);
  g_assert_cmpint (luma_preview_get_state (fixture->preview), ==, LUMA_PREVIEW_IDLE);
  g_assert_cmpuint (luma_preview_get_n_live_pipelines (), ==, 0);
}

static void
test_save_video (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(LumaTask) task = completed_task (SEED_ID, 1360, 752);
  g_autofree char *path = scratch_path ("saved-" SEED_ID ".mp4");
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autofree char *media = g_build_filename (g_getenv ("LUMA_TASKS_MEDIA_DIR"), "landscape.mp4", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) part_file = g_file_new_for_path (part);
  g_autoptr(GFile) media_file = g_file_new_for_path (media);
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInfo) media_info = NULL;

  luma_preview_set_task (fixture->preview, task);
  luma_preview_save_to_file (fixture->preview, TRUE, file);
  g_assert_true (luma_preview_is_saving (fixture->preview));
  LUMA_TEST_WAIT_UNTIL (!luma_preview_is_saving (fixture->preview), WAIT_MS);
  g_assert_false (luma_preview_is_saving (fixture->preview));

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, NULL);
  media_info = g_file_query_info (media_file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, NULL);
  g_assert_nonnull (info);
  g_assert_cmpint (g_file_info_get_size (info), ==, g_file_info_get_size (media_info));
  g_assert_false (g_file_query_exists (part_file, NULL));
  g_assert_cmpuint (count_media_requests (".mp4", NULL), ==, 1);
  g_file_delete (file, NULL, NULL);
}

static void
test_save_cancel (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(LumaTask) task = completed_task (SECOND_ID, 1360, 752);
  g_autofree char *path = scratch_path ("cancelled-" SECOND_ID ".mp4");
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) part_file = g_file_new_for_path (part);

  luma_preview_set_task (fixture->preview, task);
  luma_preview_save_to_file (fixture->preview, TRUE, file);
  g_assert_true (luma_preview_is_saving (fixture->preview));

  /* The progress bar's cancel button. */
  {
    GtkWidget *button = NULL;

    for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (fixture->preview));
         w != NULL && button == NULL; )
      {
        /* Walk the tree depth-first for the cancel button. */
        if (GTK_IS_BUTTON (w) &&
            g_strcmp0 (gtk_widget_get_tooltip_text (w), "Cancel") == 0 &&
            gtk_widget_get_visible (w))
          {
            button = w;
            break;
          }
        if (gtk_widget_get_first_child (w) != NULL)
          w = gtk_widget_get_first_child (w);
        else
          {
            while (w != NULL && gtk_widget_get_next_sibling (w) == NULL)
              {
                w = gtk_widget_get_parent (w);
                if (w == GTK_WIDGET (fixture->preview))
                  w = NULL;
              }
            if (w != NULL)
              w = gtk_widget_get_next_sibling (w);
          }
      }
    g_assert_nonnull (button);
    g_signal_emit_by_name (button, "clicked");
  }

  LUMA_TEST_WAIT_UNTIL (!luma_preview_is_saving (fixture->preview), WAIT_MS);
  g_assert_false (luma_preview_is_saving (fixture->preview));
  g_assert_false (g_file_query_exists (file, NULL));
  g_assert_false (g_file_query_exists (part_file, NULL));
}

static void
test_fullscreen (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(LumaTask) task = completed_task (SEED_ID, 1360, 752);
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n_before = g_list_model_get_n_items (toplevels);

  luma_preview_set_task (fixture->preview, task);
  play_and_wait (fixture->preview);

  gtk_widget_activate_action (GTK_WIDGET (fixture->preview), "preview.fullscreen", NULL);
  LUMA_TEST_WAIT_UNTIL (g_list_model_get_n_items (toplevels) == n_before + 1, WAIT_MS);
  g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, n_before + 1);

  /* F again leaves; playback goes on in the pane. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->preview), "preview.fullscreen", NULL);
  LUMA_TEST_WAIT_UNTIL (g_list_model_get_n_items (toplevels) == n_before, WAIT_MS);
  g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, n_before);
  g_assert_cmpint (luma_preview_get_state (fixture->preview), ==, LUMA_PREVIEW_PLAYING);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  luma_test_init_gtk ();

  sim = luma_test_sim_start (NULL);

#define ADD(path, func) \
  g_test_add ("/preview/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("play-while-gstreamer-loads", test_play_while_gstreamer_loads);
  ADD ("plays", test_plays);
  ADD ("plays-from-cache", test_plays_from_cache);
  ADD ("seek-uses-ranges", test_seek_uses_ranges);
  ADD ("error-404", test_error_404);
  ADD ("error-not-a-video", test_error_not_a_video);
  ADD ("error-missing-decoder", test_error_missing_decoder);
  ADD ("recovers-after-error", test_recovers_after_error);
  ADD ("switches-release-pipelines", test_switches_release_pipelines);
  ADD ("unmap-releases", test_unmap_releases);
  ADD ("unfinished-task", test_unfinished_task);
  ADD ("save-video", test_save_video);
  ADD ("save-cancel", test_save_cancel);
  ADD ("fullscreen", test_fullscreen);

#undef ADD

  ret = g_test_run ();

  luma_test_sim_stop (sim);

  return ret;
}
