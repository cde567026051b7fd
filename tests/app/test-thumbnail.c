/* test-thumbnail.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <unistd.h>

#include <glib/gstdio.h>

#include "luma-app-test.h"
#include "luma-media-cache.h"
#include "luma-task.h"
#include "luma-test-sim.h"
#include "luma-thumbnail-loader.h"
#include "luma-thumbnail.h"

#define SEED_ID      "50fc6182-fa86-4c7d-ac12-2fa27ec2f151"
#define SECOND_ID    "76a05f61-68ad-4c1a-838f-a00cd08cf65b"
#define PORTRAIT_ID  "2c94282c-419e-4d95-ad04-e97ae1ea1427"
#define PORTRAIT2_ID "6f45aedd-7961-4542-8600-39d309ba91e4"
#define OTHER_ID     "cb81985d-1dd1-4382-8046-5544af238647"
#define MISSING_ID   "fb3e226d-c6aa-4894-a4c2-f6cf27564f10"
#define BAD_THUMB_ID "b1cb5244-b849-4fab-b2b4-7d36e6079c6a"

#define WAIT_MS 20000

static LumaTestSim *sim;

typedef struct
{
  LumaMediaCache      *cache;
  LumaThumbnailLoader *loader;
  GtkWidget           *window;
  GtkWidget           *box;
} Fixture;

static char *
record_json (const char *id,
             guint       width,
             guint       height)
{
  const char *base = luma_test_sim_get_base_url (sim);

  return g_strdup_printf (
    "{\"id\": \"%s\", \"response\": {\"success\": true, \"state\": \"completed\", "
    "\"video_url\": \"%s/media/%s.mp4\", \"video_width\": %u, \"video_height\": %u, "
    "\"thumbnail_url\": \"%s/media/%s.jpg\", \"thumbnail_width\": %u, \"thumbnail_height\": %u}}",
    id, base, id, width, height, base, id, width, height);
}

static LumaTask *
completed_task (const char *id,
                guint       width,
                guint       height)
{
  g_autofree char *json = record_json (id, width, height);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  return luma_task_new_from_record (json_node_get_object (node));
}

static char *
thumbnail_url (const char *id)
{
  return g_strdup_printf ("%s/media/%s.jpg", luma_test_sim_get_base_url (sim), id);
}

static guint
count_requests (const char *path_suffix)
{
  g_autoptr(JsonArray) log = luma_test_sim_get_log (sim);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);
      const char *path = json_object_get_string_member (entry, "path");

      if (!g_str_has_prefix (path, "/media/"))
        continue;
      /* Media hosts never see the token. */
      g_assert_false (json_object_get_boolean_member (entry, "authorization"));
      if (path_suffix == NULL || g_str_has_suffix (path, path_suffix))
        n++;
    }

  return n;
}

/* The status the simulator answered the last request for @path_suffix
 * with, or 0 when none was made. */
static guint
last_status (const char *path_suffix)
{
  g_autoptr(JsonArray) log = luma_test_sim_get_log (sim);
  guint status = 0;

  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);

      if (g_str_has_suffix (json_object_get_string_member (entry, "path"), path_suffix))
        status = json_object_get_int_member (entry, "status");
    }

  return status;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *cache_path = g_build_filename (g_get_user_cache_dir (), "luma-tasks", NULL);
  g_autoptr(GFile) cache_dir = g_file_new_for_path (cache_path);

  fixture->cache = luma_media_cache_new (cache_dir);
  fixture->loader = luma_thumbnail_loader_new (fixture->cache);
  luma_media_cache_set_default (fixture->cache);
  luma_thumbnail_loader_set_default (fixture->loader);

  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 640, 480);
  fixture->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_window_set_child (GTK_WINDOW (fixture->window), fixture->box);
  gtk_window_present (GTK_WINDOW (fixture->window));
  LUMA_TEST_WAIT_UNTIL (gtk_widget_get_mapped (fixture->box), WAIT_MS);

  luma_test_sim_clear_log (sim);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  luma_test_destroy_window (fixture->window);

  luma_thumbnail_loader_set_default (NULL);
  luma_media_cache_set_default (NULL);

  /* Decodes and trims finish in workers: let them drop their references. */
  LUMA_TEST_WAIT_UNTIL (G_OBJECT (fixture->loader)->ref_count == 1 &&
                        G_OBJECT (fixture->cache)->ref_count == 2, WAIT_MS);
  g_assert_finalize_object (fixture->loader);
  LUMA_TEST_WAIT_UNTIL (G_OBJECT (fixture->cache)->ref_count == 1, WAIT_MS);
  g_assert_finalize_object (fixture->cache);
}

static LumaThumbnail *
add_thumbnail (Fixture *fixture)
{
  GtkWidget *thumbnail = luma_thumbnail_new ();

  luma_thumbnail_set_natural_width (LUMA_THUMBNAIL (thumbnail), 200);
  gtk_box_append (GTK_BOX (fixture->box), thumbnail);

  return LUMA_THUMBNAIL (thumbnail);
}

static gboolean
is_settled (LumaThumbnail *thumbnail)
{
  LumaThumbnailStatus status = luma_thumbnail_get_status (thumbnail);

  return status == LUMA_THUMBNAIL_LOADED || status == LUMA_THUMBNAIL_FAILED;
}

static void
test_completed_task (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(LumaTask) task = completed_task (SEED_ID, 1360, 752);
  LumaThumbnail *thumbnail = add_thumbnail (fixture);
  g_autoptr(GFile) cached = NULL;
  GdkTexture *texture;
  double aspect;

  luma_thumbnail_set_task (thumbnail, task);
  LUMA_TEST_WAIT_UNTIL (is_settled (thumbnail), WAIT_MS);
  g_assert_cmpint (luma_thumbnail_get_status (thumbnail), ==, LUMA_THUMBNAIL_LOADED);
  g_assert_null (luma_thumbnail_get_failure (thumbnail));

  /* Scaled down for the widget, aspect ratio kept. */
  texture = luma_thumbnail_get_texture (thumbnail);
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), <=, 512);
  g_assert_cmpint (gdk_texture_get_width (texture), >=, 200);
  aspect = (double) gdk_texture_get_width (texture) / gdk_texture_get_height (texture);
  g_assert_cmpfloat_with_epsilon (aspect, 1360.0 / 752.0, 0.02);

  /* The widget's own height follows the aspect ratio. */
  LUMA_TEST_WAIT_UNTIL (gtk_widget_get_width (GTK_WIDGET (thumbnail)) > 0, WAIT_MS);
  {
    int nat_height;

    gtk_widget_measure (GTK_WIDGET (thumbnail), GTK_ORIENTATION_VERTICAL, 1360,
                        NULL, &nat_height, NULL, NULL);
    g_assert_cmpint (nat_height, ==, 752);
  }

  /* On disk, by task ID. */
  cached = luma_media_cache_lookup (fixture->cache, SEED_ID, LUMA_MEDIA_KIND_THUMBNAIL);
  g_assert_nonnull (cached);
  g_assert_cmpuint (count_requests (SEED_ID ".jpg"), ==, 1);

  /* A second widget for the same thumbnail uses the memory cache. */
  {
    LumaThumbnail *second = add_thumbnail (fixture);

    luma_thumbnail_set_task (second, task);
    LUMA_TEST_WAIT_UNTIL (is_settled (second), WAIT_MS);
    g_assert_cmpint (luma_thumbnail_get_status (second), ==, LUMA_THUMBNAIL_LOADED);
    g_assert_cmpuint (count_requests (SEED_ID ".jpg"), ==, 1);
  }
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(LumaTask) task = completed_task (MISSING_ID, 1360, 752);
  LumaThumbnail *thumbnail = add_thumbnail (fixture);
  LumaThumbnail *again;
  g_autofree char *tooltip = NULL;
  const char *failure;

  luma_thumbnail_set_task (thumbnail, task);
  LUMA_TEST_WAIT_UNTIL (is_settled (thumbnail), WAIT_MS);
  g_assert_cmpint (luma_thumbnail_get_status (thumbnail), ==, LUMA_THUMBNAIL_FAILED);
  g_assert_null (luma_thumbnail_get_texture (thumbnail));

  failure = luma_thumbnail_get_failure (thumbnail);
  g_assert_nonnull (failure);
  g_assert_nonnull (strstr (failure, "404"));
  tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (thumbnail))
            ? g_strdup (gtk_widget_get_tooltip_text (GTK_WIDGET (thumbnail))) : NULL;
  g_assert_cmpstr (tooltip, ==, failure);

  /* The failure icon shows. */
  {
    GtkWidget *icon = gtk_widget_get_first_child (GTK_WIDGET (thumbnail));

    g_assert_true (GTK_IS_IMAGE (icon));
    g_assert_true (gtk_widget_get_visible (icon));
    g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (icon)), ==, "image-missing-symbolic");
  }
  g_assert_cmpuint (count_requests (MISSING_ID ".jpg"), ==, 1);

  /* Remembered: scrolling it into view again, or another row for the
   * same task, fetches nothing. */
  gtk_widget_set_visible (GTK_WIDGET (thumbnail), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (thumbnail), TRUE);
  again = add_thumbnail (fixture);
  luma_thumbnail_set_task (again, task);
  LUMA_TEST_WAIT_UNTIL (is_settled (again), WAIT_MS);
  g_assert_cmpint (luma_thumbnail_get_status (again), ==, LUMA_THUMBNAIL_FAILED);
  g_assert_cmpstr (luma_thumbnail_get_failure (again), ==, failure);
  luma_test_iterate (200);
  g_assert_cmpuint (count_requests (MISSING_ID ".jpg"), ==, 1);
}

static void
test_not_an_image (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(LumaTask) task = completed_task (BAD_THUMB_ID, 752, 1360);
  LumaThumbnail *thumbnail = add_thumbnail (fixture);

  luma_thumbnail_set_task (thumbnail, task);
  LUMA_TEST_WAIT_UNTIL (is_settled (thumbnail), WAIT_MS);
  g_assert_cmpint (luma_thumbnail_get_status (thumbnail), ==, LUMA_THUMBNAIL_FAILED);
  g_assert_nonnull (strstr (luma_thumbnail_get_failure (thumbnail), "not an image"));

  /* What is not an image is not kept on disk either. */
  g_assert_null (luma_media_cache_lookup (fixture->cache, BAD_THUMB_ID, LUMA_MEDIA_KIND_THUMBNAIL));

  /* A fresh download that does not decode is not downloaded again. */
  g_assert_cmpuint (count_requests (BAD_THUMB_ID ".jpg"), ==, 1);
}

/* Puts @contents where the disk cache keeps @id's thumbnail; NULL puts a
 * folder there. */
static char *
plant_cached (Fixture    *fixture,
              const char *id,
              const char *contents)
{
  g_autoptr(GFile) file = luma_media_cache_get_file (fixture->cache, id, LUMA_MEDIA_KIND_THUMBNAIL);
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  if (contents == NULL)
    g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  else
    {
      g_file_set_contents (path, contents, -1, &error);
      g_assert_no_error (error);
    }

  return g_steal_pointer (&path);
}

/* The reason is a sentence of ours with GIO's words after it, never GIO's
 * words alone. */
static void
assert_reason (const char *reason,
               const char *sentence)
{
  g_assert_nonnull (reason);
  g_assert_true (g_str_has_prefix (reason, sentence));
  g_assert_true (g_str_has_suffix (reason, "."));
  g_assert_false (g_str_has_suffix (reason, ".."));
  g_assert_cmpuint (strlen (reason), >, strlen (sentence) + 1);
}

static void
test_cache_not_writable (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(LumaTask) task = completed_task (SEED_ID, 1360, 752);
  LumaThumbnail *thumbnail = add_thumbnail (fixture);
  g_autofree char *path = NULL;
  const char *failure;

  /* A folder sits where the downloaded thumbnail should go. */
  path = plant_cached (fixture, SEED_ID, NULL);

  luma_thumbnail_set_task (thumbnail, task);
  LUMA_TEST_WAIT_UNTIL (is_settled (thumbnail), WAIT_MS);
  g_assert_cmpint (luma_thumbnail_get_status (thumbnail), ==, LUMA_THUMBNAIL_FAILED);

  failure = luma_thumbnail_get_failure (thumbnail);
  g_test_message ("Reason: %s", failure);
  assert_reason (failure, "The thumbnail could not be kept in the cache: ");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (thumbnail)), ==, failure);

  /* The download itself went fine; the folder is left alone. */
  g_assert_cmpuint (count_requests (SEED_ID ".jpg"), ==, 1);
  g_assert_cmpuint (last_status (SEED_ID ".jpg"), ==, 200);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));
}

typedef struct
{
  gboolean    done;
  GdkTexture *texture;
  GError     *error;
} Result;

static void
load_result (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  Result *result = user_data;

  result->texture = luma_thumbnail_loader_load_finish (LUMA_THUMBNAIL_LOADER (source), res,
                                                       &result->error);
  result->done = TRUE;
}

static void
test_cache_not_readable (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *url = thumbnail_url (SEED_ID);
  g_autofree char *path = NULL;
  Result result = { 0, };

  if (geteuid () == 0)
    {
      g_test_skip ("Root reads a file whatever its mode.");
      return;
    }

  path = plant_cached (fixture, SEED_ID, "unreadable");
  g_assert_cmpint (g_chmod (path, 0), ==, 0);

  luma_thumbnail_loader_load_async (fixture->loader, SEED_ID, url, 256, 0, NULL, load_result, &result);
  LUMA_TEST_WAIT_UNTIL (result.done, WAIT_MS);
  g_assert_true (result.done);
  g_assert_null (result.texture);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("Reason: %s", result.error->message);
  assert_reason (result.error->message, "The thumbnail could not be read from the cache: ");
  g_assert_cmpstr (luma_thumbnail_loader_get_failure (fixture->loader, url), ==, result.error->message);

  /* Not the file's fault: it stays, and nothing was downloaded. */
  g_assert_cmpuint (count_requests (SEED_ID ".jpg"), ==, 0);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&result.error);
}

static void
test_broken_cached_refetched (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *url = thumbnail_url (SEED_ID);
  g_autofree char *path = NULL;
  g_autoptr(GFile) cached = NULL;
  Result result = { 0, };
  Result again = { 0, };
  int width = 0, height = 0;

  /* Left behind broken: a cut-short write, a disk fault. */
  path = plant_cached (fixture, SEED_ID, "<html>not a thumbnail</html>");

  luma_thumbnail_loader_load_async (fixture->loader, SEED_ID, url, 256, 0, NULL, load_result, &result);
  LUMA_TEST_WAIT_UNTIL (result.done, WAIT_MS);
  g_assert_true (result.done);
  g_assert_no_error (result.error);
  g_assert_true (GDK_IS_TEXTURE (result.texture));
  g_assert_cmpint (gdk_texture_get_width (result.texture), ==, 256);
  g_assert_cmpint (gdk_texture_get_height (result.texture), >=, 141);
  g_assert_cmpint (gdk_texture_get_height (result.texture), <=, 142);
  g_assert_null (luma_thumbnail_loader_get_failure (fixture->loader, url));

  /* Fetched again from the server, once, by the same request. */
  g_assert_cmpuint (count_requests (SEED_ID ".jpg"), ==, 1);
  g_assert_cmpuint (last_status (SEED_ID ".jpg"), ==, 200);
  g_assert_cmpuint (luma_thumbnail_loader_get_n_started (fixture->loader), ==, 1);

  /* The cache now holds the real image in its place. */
  cached = luma_media_cache_lookup (fixture->cache, SEED_ID, LUMA_MEDIA_KIND_THUMBNAIL);
  g_assert_nonnull (cached);
  g_assert_nonnull (gdk_pixbuf_get_file_info (path, &width, &height));
  g_assert_cmpint (width, ==, 1360);
  g_assert_cmpint (height, ==, 752);

  /* Another size decodes from that copy: nothing is downloaded. */
  luma_thumbnail_loader_load_async (fixture->loader, SEED_ID, url, 128, 0, NULL, load_result, &again);
  LUMA_TEST_WAIT_UNTIL (again.done, WAIT_MS);
  g_assert_no_error (again.error);
  g_assert_true (GDK_IS_TEXTURE (again.texture));
  g_assert_cmpint (gdk_texture_get_width (again.texture), ==, 128);
  g_assert_cmpuint (count_requests (SEED_ID ".jpg"), ==, 1);

  g_object_unref (result.texture);
  g_object_unref (again.texture);
}

static void
test_broken_cached_not_an_image (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *url = thumbnail_url (BAD_THUMB_ID);
  Result result = { 0, };

  plant_cached (fixture, BAD_THUMB_ID, "<html>not a thumbnail</html>");

  luma_thumbnail_loader_load_async (fixture->loader, BAD_THUMB_ID, url, 256, 0, NULL, load_result, &result);
  LUMA_TEST_WAIT_UNTIL (result.done, WAIT_MS);
  g_assert_true (result.done);
  g_assert_null (result.texture);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpstr (result.error->message, ==, "The thumbnail is not an image.");

  /* Fetched again once; the server's copy is no better, and that is the end
   * of it: no loop, nothing kept, the failure remembered. */
  luma_test_iterate (200);
  g_assert_cmpuint (count_requests (BAD_THUMB_ID ".jpg"), ==, 1);
  g_assert_cmpuint (last_status (BAD_THUMB_ID ".jpg"), ==, 200);
  g_assert_null (luma_media_cache_lookup (fixture->cache, BAD_THUMB_ID, LUMA_MEDIA_KIND_THUMBNAIL));
  g_assert_cmpstr (luma_thumbnail_loader_get_failure (fixture->loader, url), ==, result.error->message);
  g_clear_error (&result.error);
}

static void
test_loads_only_when_mapped (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(LumaTask) task = completed_task (SECOND_ID, 1360, 752);
  GtkWidget *thumbnail = luma_thumbnail_new ();

  /* Not on screen: nothing is fetched. */
  g_object_ref_sink (thumbnail);
  luma_thumbnail_set_task (LUMA_THUMBNAIL (thumbnail), task);
  luma_test_iterate (300);
  g_assert_cmpuint (count_requests (NULL), ==, 0);
  g_assert_cmpint (luma_thumbnail_get_status (LUMA_THUMBNAIL (thumbnail)), ==, LUMA_THUMBNAIL_LOADING);

  gtk_box_append (GTK_BOX (fixture->box), thumbnail);
  LUMA_TEST_WAIT_UNTIL (is_settled (LUMA_THUMBNAIL (thumbnail)), WAIT_MS);
  g_assert_cmpint (luma_thumbnail_get_status (LUMA_THUMBNAIL (thumbnail)), ==, LUMA_THUMBNAIL_LOADED);
  g_assert_cmpuint (count_requests (SECOND_ID ".jpg"), ==, 1);
  g_object_unref (thumbnail);
}

static void
test_task_completes_later (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(LumaTask) task = luma_task_new (PORTRAIT_ID);
  LumaThumbnail *thumbnail = add_thumbnail (fixture);
  g_autofree char *json = record_json (PORTRAIT_ID, 752, 1360);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  GdkTexture *texture;

  luma_thumbnail_set_task (thumbnail, task);
  g_assert_cmpint (luma_thumbnail_get_status (thumbnail), ==, LUMA_THUMBNAIL_EMPTY);

  g_assert_true (luma_task_update_from_record (task, json_node_get_object (node)));
  LUMA_TEST_WAIT_UNTIL (is_settled (thumbnail), WAIT_MS);
  g_assert_cmpint (luma_thumbnail_get_status (thumbnail), ==, LUMA_THUMBNAIL_LOADED);
  texture = luma_thumbnail_get_texture (thumbnail);
  g_assert_cmpint (gdk_texture_get_height (texture), >, gdk_texture_get_width (texture));
}

typedef struct
{
  guint n_done;
  guint n_ok;
  guint n_cancelled;
} Counts;

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Counts *counts = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = luma_thumbnail_loader_load_finish (LUMA_THUMBNAIL_LOADER (source), result, &error);
  counts->n_done++;
  if (texture != NULL)
    counts->n_ok++;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    counts->n_cancelled++;
}

static void
test_queue_drops_cancelled (Fixture       *fixture,
                            gconstpointer  data)
{
  const char *ids[] = { SEED_ID, SECOND_ID, PORTRAIT_ID, PORTRAIT2_ID, OTHER_ID };
  g_autoptr(GCancellable) scrolled_away = g_cancellable_new ();
  Counts counts = { 0, };

  /* One fetch at a time: the first starts, the others wait in the queue. */
  luma_thumbnail_loader_set_max_fetches (fixture->loader, 1);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *url = thumbnail_url (ids[i]);

      luma_thumbnail_loader_load_async (fixture->loader, ids[i], url, 128, 0,
                                        i == 0 ? NULL : scrolled_away,
                                        load_done, &counts);
    }
  g_assert_cmpuint (luma_thumbnail_loader_get_n_started (fixture->loader), ==, 1);

  /* Their rows scrolled away before their turn came. */
  g_cancellable_cancel (scrolled_away);

  LUMA_TEST_WAIT_UNTIL (counts.n_done == G_N_ELEMENTS (ids), WAIT_MS);
  g_assert_cmpuint (counts.n_done, ==, G_N_ELEMENTS (ids));
  g_assert_cmpuint (counts.n_ok, ==, 1);
  g_assert_cmpuint (counts.n_cancelled, ==, G_N_ELEMENTS (ids) - 1);
  g_assert_cmpuint (luma_thumbnail_loader_get_n_started (fixture->loader), ==, 1);
  g_assert_cmpuint (count_requests (NULL), ==, 1);
}

static void
test_memory_bound (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *first = thumbnail_url (SEED_ID);
  g_autofree char *second = thumbnail_url (SECOND_ID);
  Counts counts = { 0, };

  /* Room for one 256-wide texture (256×141×4 bytes), not two. */
  luma_thumbnail_loader_set_memory_limit (fixture->loader, 200 * 1024);

  luma_thumbnail_loader_load_async (fixture->loader, SEED_ID, first, 256, 0, NULL, load_done, &counts);
  LUMA_TEST_WAIT_UNTIL (counts.n_done == 1, WAIT_MS);
  g_assert_nonnull (luma_thumbnail_loader_lookup (fixture->loader, first, 256, 0));

  luma_thumbnail_loader_load_async (fixture->loader, SECOND_ID, second, 256, 0, NULL, load_done, &counts);
  LUMA_TEST_WAIT_UNTIL (counts.n_done == 2, WAIT_MS);
  g_assert_cmpuint (counts.n_ok, ==, 2);

  g_assert_cmpuint (luma_thumbnail_loader_get_memory_size (fixture->loader), <=, 200 * 1024);
  g_assert_cmpuint (luma_thumbnail_loader_get_memory_size (fixture->loader), >, 0);
  g_assert_null (luma_thumbnail_loader_lookup (fixture->loader, first, 256, 0));
  g_assert_nonnull (luma_thumbnail_loader_lookup (fixture->loader, second, 256, 0));
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
  g_test_add ("/thumbnail/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("completed-task", test_completed_task);
  ADD ("not-found", test_not_found);
  ADD ("not-an-image", test_not_an_image);
  ADD ("cache-not-writable", test_cache_not_writable);
  ADD ("cache-not-readable", test_cache_not_readable);
  ADD ("broken-cached-refetched", test_broken_cached_refetched);
  ADD ("broken-cached-not-an-image", test_broken_cached_not_an_image);
  ADD ("loads-only-when-mapped", test_loads_only_when_mapped);
  ADD ("task-completes-later", test_task_completes_later);
  ADD ("queue-drops-cancelled", test_queue_drops_cancelled);
  ADD ("memory-bound", test_memory_bound);

#undef ADD

  ret = g_test_run ();

  luma_test_sim_stop (sim);

  return ret;
}
