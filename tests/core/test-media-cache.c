/* test-media-cache.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "luma-error.h"
#include "luma-media-cache.h"
#include "luma-test-sim.h"

#define SEED_ID "50fc6182-fa86-4c7d-ac12-2fa27ec2f151"
#define SECOND_ID "76a05f61-68ad-4c1a-838f-a00cd08cf65b"
#define PORTRAIT_ID "2c94282c-419e-4d95-ad04-e97ae1ea1427"
#define MISSING_ID "fb3e226d-c6aa-4894-a4c2-f6cf27564f10"
#define WAIT_SECONDS 20

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
  GAsyncResult *result;
  gboolean      cancel_at_first_progress;
  GCancellable *cancellable;
  guint         n_progress;
  goffset       last_bytes;
  goffset       total;
  gboolean      part_seen;
  GFile        *part;
} Wait;

static void
wait_clear (Wait *wait)
{
  g_clear_object (&wait->result);
  g_clear_object (&wait->cancellable);
  g_clear_object (&wait->part);
}

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_for_result (Wait *wait)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (WAIT_SECONDS, timeout_cb, &timed_out);

  while (wait->result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

static void
progress_cb (goffset  bytes,
             goffset  total,
             gpointer user_data)
{
  Wait *wait = user_data;

  g_assert_cmpint (bytes, >=, wait->last_bytes);
  wait->n_progress++;
  wait->last_bytes = bytes;
  wait->total = total;
  if (wait->part != NULL && g_file_query_exists (wait->part, NULL))
    wait->part_seen = TRUE;
  if (wait->cancel_at_first_progress && wait->cancellable != NULL)
    g_cancellable_cancel (wait->cancellable);
}

static char *
media_url (const char *id,
           const char *ext)
{
  return g_strdup_printf ("%s/media/%s%s", luma_test_sim_get_base_url (sim), id, ext);
}

static goffset
file_size (GFile *file)
{
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                 G_FILE_QUERY_INFO_NONE, NULL, NULL);

  return info ? g_file_info_get_size (info) : -1;
}

static goffset
sample_size (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("LUMA_TASKS_MEDIA_DIR"), name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return file_size (file);
}

static guint
count_media_requests (const char *method,
                      const char *path_suffix)
{
  g_autoptr(JsonArray) log = luma_test_sim_get_log (sim);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);
      const char *path = json_object_get_string_member (entry, "path");

      /* Every media request any test makes is checked here. */
      if (g_str_has_prefix (path, "/media/"))
        g_assert_false (json_object_get_boolean_member (entry, "authorization"));

      if (g_str_has_prefix (path, "/media/") &&
          (method == NULL || g_str_equal (json_object_get_string_member (entry, "method"), method)) &&
          (path_suffix == NULL || g_str_has_suffix (path, path_suffix)))
        n++;
    }

  return n;
}

static GFile *
fetch (LumaMediaCache *cache,
       const char     *id,
       LumaMediaKind   kind,
       GError        **error)
{
  g_autofree char *url = media_url (id, luma_media_kind_get_extension (kind));
  Wait wait = { 0, };
  GFile *file;

  luma_media_cache_fetch_async (cache, id, url, kind, NULL, NULL, NULL, got_result, &wait);
  wait_for_result (&wait);
  file = luma_media_cache_fetch_finish (cache, wait.result, error);
  wait_clear (&wait);

  return file;
}

static LumaMediaCache *
new_cache (const char *name)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), name, NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (path);

  return luma_media_cache_new (dir);
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Trims run in a worker after each fetch and hold the cache until they
 * end: let them finish, bounded, then check nothing else holds it. */
static void
finalize_cache (LumaMediaCache *cache)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (WAIT_SECONDS, timeout_cb, &timed_out);
  /* A trim drops its reference in the worker, which wakes nobody: look
   * again every few milliseconds. */
  guint tick = g_timeout_add (5, tick_cb, NULL);

  while (G_OBJECT (cache)->ref_count > 1 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
  g_source_remove (tick);

  g_assert_finalize_object (cache);
}

static void
test_default_dir (void)
{
  LumaMediaCache *cache = luma_media_cache_new (NULL);
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "luma-tasks", NULL);
  g_autofree char *path = g_file_get_path (luma_media_cache_get_dir (cache));
  g_autoptr(GFile) file = luma_media_cache_get_file (cache, SEED_ID, LUMA_MEDIA_KIND_VIDEO);
  g_autofree char *basename = g_file_get_basename (file);

  g_assert_cmpstr (path, ==, expected);
  g_assert_cmpuint (luma_media_cache_get_max_size (cache), ==, G_GUINT64_CONSTANT (2) << 30);
  g_assert_cmpstr (basename, ==, SEED_ID ".mp4");
  g_assert_null (luma_media_cache_get_file (cache, "../etc/passwd", LUMA_MEDIA_KIND_VIDEO));

  finalize_cache (cache);
}

static void
test_url_policy (void)
{
  g_assert_true (luma_media_url_is_allowed ("https://cdn.example.com/a.mp4"));
  g_assert_true (luma_media_url_is_allowed ("http://127.0.0.1:8080/a.mp4"));
  g_assert_true (luma_media_url_is_allowed ("http://localhost/a.mp4"));
  g_assert_true (luma_media_url_is_allowed ("http://[::1]:80/a.mp4"));
  g_assert_false (luma_media_url_is_allowed ("http://cdn.example.com/a.mp4"));
  g_assert_false (luma_media_url_is_allowed ("file:///etc/passwd"));
  g_assert_false (luma_media_url_is_allowed ("ftp://127.0.0.1/a.mp4"));
  g_assert_false (luma_media_url_is_allowed ("not a url"));
  g_assert_false (luma_media_url_is_allowed (NULL));
}

static void
test_fetch (void)
{
  LumaMediaCache *cache = new_cache ("fetch");
  g_autoptr(GFile) thumb = NULL;
  g_autoptr(GFile) video = NULL;
  g_autoptr(GFile) again = NULL;
  g_autoptr(GFile) looked_up = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = NULL;
  guint n_before;

  luma_test_sim_clear_log (sim);

  g_assert_null (luma_media_cache_lookup (cache, SEED_ID, LUMA_MEDIA_KIND_THUMBNAIL));

  thumb = fetch (cache, SEED_ID, LUMA_MEDIA_KIND_THUMBNAIL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (thumb);
  basename = g_file_get_basename (thumb);
  g_assert_cmpstr (basename, ==, SEED_ID ".jpg");
  g_assert_cmpint (file_size (thumb), ==, sample_size ("landscape.jpg"));

  video = fetch (cache, SEED_ID, LUMA_MEDIA_KIND_VIDEO, &error);
  g_assert_no_error (error);
  g_assert_cmpint (file_size (video), ==, sample_size ("landscape.mp4"));
  g_assert_true (g_file_has_parent (video, luma_media_cache_get_dir (cache)));

  /* Cached: no request at all. */
  n_before = count_media_requests (NULL, NULL);
  g_assert_cmpuint (n_before, ==, 2);
  again = fetch (cache, SEED_ID, LUMA_MEDIA_KIND_VIDEO, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_equal (again, video));
  g_assert_cmpuint (count_media_requests (NULL, NULL), ==, n_before);

  looked_up = luma_media_cache_lookup (cache, SEED_ID, LUMA_MEDIA_KIND_VIDEO);
  g_assert_nonnull (looked_up);
  g_assert_cmpuint (luma_media_cache_compute_size (cache), ==,
                    sample_size ("landscape.jpg") + sample_size ("landscape.mp4"));

  finalize_cache (cache);
}

static void
test_shared_fetch (void)
{
  LumaMediaCache *cache = new_cache ("shared");
  g_autofree char *url = media_url (SEED_ID, ".mp4");
  g_autoptr(GFile) a = NULL;
  g_autoptr(GFile) b = NULL;
  g_autoptr(GError) error = NULL;
  Wait wa = { 0, }, wb = { 0, };

  luma_test_sim_clear_log (sim);

  /* Two fetches of the same file at once: one download. */
  luma_media_cache_fetch_async (cache, SEED_ID, url, LUMA_MEDIA_KIND_VIDEO, NULL, NULL, NULL, got_result, &wa);
  luma_media_cache_fetch_async (cache, SEED_ID, url, LUMA_MEDIA_KIND_VIDEO, NULL, NULL, NULL, got_result, &wb);
  wait_for_result (&wa);
  wait_for_result (&wb);
  a = luma_media_cache_fetch_finish (cache, wa.result, &error);
  g_assert_no_error (error);
  b = luma_media_cache_fetch_finish (cache, wb.result, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_equal (a, b));
  g_assert_cmpuint (count_media_requests ("GET", ".mp4"), ==, 1);

  wait_clear (&wa);
  wait_clear (&wb);
  finalize_cache (cache);
}

static void
test_lru_eviction (void)
{
  LumaMediaCache *cache = new_cache ("lru");
  goffset thumb_size = sample_size ("landscape.jpg");
  g_autoptr(GFile) a = NULL;
  g_autoptr(GFile) b = NULL;
  g_autoptr(GFile) touched = NULL;
  g_autoptr(GFile) c = NULL;
  g_autoptr(GError) error = NULL;
  gboolean timed_out = FALSE;
  guint id;

  /* Room for two thumbnails (landscape 32 kB, portrait 36 kB), not three. */
  luma_media_cache_set_max_size (cache, thumb_size * 2 + thumb_size / 2);

  a = fetch (cache, SEED_ID, LUMA_MEDIA_KIND_THUMBNAIL, &error);
  g_assert_no_error (error);
  b = fetch (cache, SECOND_ID, LUMA_MEDIA_KIND_THUMBNAIL, &error);
  g_assert_no_error (error);

  /* Using A makes B the least recently used. */
  touched = luma_media_cache_lookup (cache, SEED_ID, LUMA_MEDIA_KIND_THUMBNAIL);
  g_assert_nonnull (touched);

  c = fetch (cache, PORTRAIT_ID, LUMA_MEDIA_KIND_THUMBNAIL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (file_size (c), ==, sample_size ("portrait.jpg"));

  /* Eviction runs in a worker after the fetch: wait, bounded, for B to go. */
  id = g_timeout_add_seconds (WAIT_SECONDS, timeout_cb, &timed_out);
  while (g_file_query_exists (b, NULL) && !timed_out)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (timed_out);
  g_source_remove (id);

  g_assert_false (g_file_query_exists (b, NULL));
  g_assert_true (g_file_query_exists (a, NULL));
  g_assert_true (g_file_query_exists (c, NULL));
  g_assert_cmpuint (luma_media_cache_compute_size (cache), <=, luma_media_cache_get_max_size (cache));

  /* A smaller bound trims at once. */
  luma_media_cache_set_max_size (cache, 0);
  timed_out = FALSE;
  id = g_timeout_add_seconds (WAIT_SECONDS, timeout_cb, &timed_out);
  while (luma_media_cache_compute_size (cache) > 0 && !timed_out)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (timed_out);
  g_source_remove (id);
  g_assert_false (g_file_query_exists (a, NULL));

  finalize_cache (cache);
}

static void
test_download_progress (void)
{
  LumaMediaCache *cache = new_cache ("download");
  g_autofree char *url = media_url (SEED_ID, ".mp4");
  g_autofree char *dest_path = scratch_path ("saved.mp4");
  g_autofree char *part_path = g_strconcat (dest_path, ".part", NULL);
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  g_autoptr(GError) error = NULL;
  Wait wait = { 0, };

  luma_test_sim_clear_log (sim);
  wait.part = g_file_new_for_path (part_path);
  luma_media_download_to_file_async (cache, url, dest, NULL, progress_cb, &wait, got_result, &wait);
  wait_for_result (&wait);
  g_assert_true (luma_media_download_to_file_finish (wait.result, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (wait.n_progress, >=, 2);
  g_assert_cmpint (wait.total, ==, sample_size ("landscape.mp4"));
  g_assert_cmpint (wait.last_bytes, ==, wait.total);
  g_assert_true (wait.part_seen);                 /* written aside… */
  g_assert_false (g_file_query_exists (wait.part, NULL));   /* …then renamed */
  g_assert_cmpint (file_size (dest), ==, sample_size ("landscape.mp4"));

  g_file_delete (dest, NULL, NULL);
  wait_clear (&wait);
  finalize_cache (cache);
}

static void
test_download_cancel (void)
{
  LumaMediaCache *cache = new_cache ("cancel");
  g_autofree char *url = media_url (SEED_ID, ".mp4");
  g_autofree char *dest_path = scratch_path ("cancelled.mp4");
  g_autofree char *part_path = g_strconcat (dest_path, ".part", NULL);
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  g_autoptr(GError) error = NULL;
  Wait wait = { 0, };

  /* Cancelled once the transfer has begun and the .part file exists. */
  wait.cancellable = g_cancellable_new ();
  wait.cancel_at_first_progress = TRUE;
  wait.part = g_file_new_for_path (part_path);
  luma_media_download_to_file_async (cache, url, dest, wait.cancellable,
                                     progress_cb, &wait, got_result, &wait);
  wait_for_result (&wait);
  g_assert_false (luma_media_download_to_file_finish (wait.result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_cmpuint (wait.n_progress, >=, 1);
  g_assert_true (wait.part_seen);
  g_assert_false (g_file_query_exists (wait.part, NULL));
  g_assert_false (g_file_query_exists (dest, NULL));

  wait_clear (&wait);
  finalize_cache (cache);
}

static void
test_download_404 (void)
{
  LumaMediaCache *cache = new_cache ("404");
  g_autofree char *url = media_url (MISSING_ID, ".mp4");
  g_autofree char *dest_path = scratch_path ("missing.mp4");
  g_autofree char *part_path = g_strconcat (dest_path, ".part", NULL);
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  g_autoptr(GFile) part = g_file_new_for_path (part_path);
  g_autoptr(GFile) cached = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait = { 0, };

  luma_media_download_to_file_async (cache, url, dest, NULL, NULL, NULL, got_result, &wait);
  wait_for_result (&wait);
  g_assert_false (luma_media_download_to_file_finish (wait.result, &error));
  g_assert_error (error, LUMA_ERROR, LUMA_ERROR_NOT_FOUND);
  g_assert_cmpuint (luma_error_get_http_status (error), ==, 404);
  g_assert_nonnull (strstr (error->message, "404"));
  g_assert_false (g_file_query_exists (dest, NULL));
  g_assert_false (g_file_query_exists (part, NULL));
  g_clear_error (&error);

  /* The same through the cache: nothing is kept. */
  cached = fetch (cache, MISSING_ID, LUMA_MEDIA_KIND_VIDEO, &error);
  g_assert_null (cached);
  g_assert_cmpuint (luma_error_get_http_status (error), ==, 404);
  g_assert_null (luma_media_cache_lookup (cache, MISSING_ID, LUMA_MEDIA_KIND_VIDEO));
  g_assert_cmpuint (luma_media_cache_compute_size (cache), ==, 0);

  wait_clear (&wait);
  finalize_cache (cache);
}

static void
test_insecure_url (void)
{
  LumaMediaCache *cache = new_cache ("insecure");
  g_autofree char *dest_path = scratch_path ("insecure.mp4");
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  g_autoptr(GError) error = NULL;
  Wait wait = { 0, };

  luma_media_download_to_file_async (cache, "http://media.example.com/a.mp4", dest,
                                     NULL, NULL, NULL, got_result, &wait);
  wait_for_result (&wait);
  g_assert_false (luma_media_download_to_file_finish (wait.result, &error));
  g_assert_error (error, LUMA_ERROR, LUMA_ERROR_INSECURE_URL);
  g_assert_false (g_file_query_exists (dest, NULL));

  wait_clear (&wait);
  finalize_cache (cache);
}

static void
test_save_copies_from_cache (void)
{
  LumaMediaCache *cache = new_cache ("save");
  g_autofree char *url = media_url (SEED_ID, ".mp4");
  g_autofree char *dest_path = scratch_path ("copied.mp4");
  g_autofree char *dest2_path = scratch_path ("downloaded.jpg");
  g_autofree char *thumb_url = media_url (SECOND_ID, ".jpg");
  g_autoptr(GFile) dest = g_file_new_for_path (dest_path);
  g_autoptr(GFile) dest2 = g_file_new_for_path (dest2_path);
  g_autoptr(GFile) video = NULL;
  g_autoptr(GFile) kept = NULL;
  g_autoptr(GError) error = NULL;
  gboolean timed_out = FALSE;
  Wait wait = { 0, };
  guint n_before;
  guint id;

  video = fetch (cache, SEED_ID, LUMA_MEDIA_KIND_VIDEO, &error);
  g_assert_no_error (error);

  luma_test_sim_clear_log (sim);
  luma_media_cache_save_async (cache, SEED_ID, url, LUMA_MEDIA_KIND_VIDEO, dest, NULL,
                               NULL, NULL, got_result, &wait);
  wait_for_result (&wait);
  g_assert_true (luma_media_cache_save_finish (cache, wait.result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (file_size (dest), ==, sample_size ("landscape.mp4"));
  /* A copy: the network was not used. */
  g_assert_cmpuint (count_media_requests (NULL, NULL), ==, 0);
  wait_clear (&wait);

  /* Not cached: downloaded, and kept in the cache for next time. */
  n_before = count_media_requests (NULL, NULL);
  luma_media_cache_save_async (cache, SECOND_ID, thumb_url, LUMA_MEDIA_KIND_THUMBNAIL, dest2,
                               NULL, NULL, NULL, got_result, &wait);
  wait_for_result (&wait);
  g_assert_true (luma_media_cache_save_finish (cache, wait.result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_media_requests (NULL, NULL), ==, n_before + 1);
  g_assert_cmpint (file_size (dest2), ==, sample_size ("landscape.jpg"));
  wait_clear (&wait);

  kept = luma_media_cache_get_file (cache, SECOND_ID, LUMA_MEDIA_KIND_THUMBNAIL);
  id = g_timeout_add_seconds (WAIT_SECONDS, timeout_cb, &timed_out);
  while (!g_file_query_exists (kept, NULL) && !timed_out)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (timed_out);
  g_source_remove (id);

  g_file_delete (dest, NULL, NULL);
  g_file_delete (dest2, NULL, NULL);
  finalize_cache (cache);
}

static JsonObject *
seed_record (void)
{
  g_autofree char *video = media_url (SEED_ID, ".mp4");
  g_autofree char *thumb = media_url (SEED_ID, ".jpg");
  g_autofree char *json = g_strdup_printf ("{\"id\": \"%s\", \"response\": {\"success\": true, "
                                           "\"state\": \"completed\", \"video_url\": \"%s\", "
                                           "\"thumbnail_url\": \"%s\"}}",
                                           SEED_ID, video, thumb);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  return json_object_ref (json_node_get_object (node));
}

static void
test_download_task_sync (void)
{
  LumaMediaCache *cache = new_cache ("cli");
  g_autofree char *dir_path = scratch_path ("cli-download");
  g_autoptr(GFile) dir = g_file_new_for_path (dir_path);
  g_autoptr(GFile) video = g_file_get_child (dir, SEED_ID ".mp4");
  g_autoptr(GFile) thumb = g_file_get_child (dir, SEED_ID ".jpg");
  g_autoptr(JsonObject) record = seed_record ();
  g_autoptr(JsonObject) pending = NULL;
  g_autoptr(JsonNode) pending_node = NULL;
  g_autoptr(GError) error = NULL;

  /* The folder is created when missing. */
  luma_test_sim_clear_log (sim);

  g_assert_true (luma_media_download_task_sync (cache, record, dir, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (file_size (video), ==, sample_size ("landscape.mp4"));
  g_assert_cmpint (file_size (thumb), ==, sample_size ("landscape.jpg"));
  g_assert_cmpuint (count_media_requests ("GET", NULL), ==, 2);

  /* Complete files are skipped: a HEAD each, no GET. */
  g_assert_true (luma_media_download_task_sync (cache, record, dir, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_media_requests ("GET", NULL), ==, 2);
  g_assert_cmpuint (count_media_requests ("HEAD", NULL), ==, 2);

  /* A truncated file is not complete: fetched again. */
  g_assert_true (g_file_set_contents (g_file_peek_path (video), "x", 1, NULL));
  g_assert_true (luma_media_download_task_sync (cache, record, dir, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (file_size (video), ==, sample_size ("landscape.mp4"));
  g_assert_cmpuint (count_media_requests ("GET", ".mp4"), ==, 2);

  /* An unfinished task has nothing to save. */
  pending_node = json_from_string ("{\"id\": \"1cb000fc-4a11-4fd3-a30d-65e5eccf7d56\"}", NULL);
  pending = json_object_ref (json_node_get_object (pending_node));
  g_assert_true (luma_media_download_task_sync (cache, pending, dir, FALSE, &error));
  g_assert_no_error (error);

  finalize_cache (cache);
}

static void
test_no_token_on_media (void)
{
  g_autoptr(JsonArray) log = luma_test_sim_get_log (sim);
  guint n_media = 0;

  /* Run last, over what the tests above left in the log since its last
   * clearing: every media request, none carrying Authorization. */
  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);

      if (!g_str_has_prefix (json_object_get_string_member (entry, "path"), "/media/"))
        continue;
      n_media++;
      g_assert_false (json_object_get_boolean_member (entry, "authorization"));
    }

  g_assert_cmpuint (n_media, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  sim = luma_test_sim_start (NULL);

  g_test_add_func ("/media-cache/default-dir", test_default_dir);
  g_test_add_func ("/media-cache/url-policy", test_url_policy);
  g_test_add_func ("/media-cache/fetch", test_fetch);
  g_test_add_func ("/media-cache/shared-fetch", test_shared_fetch);
  g_test_add_func ("/media-cache/lru-eviction", test_lru_eviction);
  g_test_add_func ("/media-cache/download-progress", test_download_progress);
  g_test_add_func ("/media-cache/download-cancel", test_download_cancel);
  g_test_add_func ("/media-cache/download-404", test_download_404);
  g_test_add_func ("/media-cache/insecure-url", test_insecure_url);
  g_test_add_func ("/media-cache/save-copies-from-cache", test_save_copies_from_cache);
  g_test_add_func ("/media-cache/download-task-sync", test_download_task_sync);
  g_test_add_func ("/media-cache/no-token-on-media", test_no_token_on_media);

  ret = g_test_run ();

  luma_test_sim_stop (sim);

  return ret;
}
