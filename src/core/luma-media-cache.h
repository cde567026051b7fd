/* luma-media-cache.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The media of finished tasks, kept on disk by task ID.
 *
 * Usage:
 *   LumaMediaCache *cache = luma_media_cache_get_default ();
 *   luma_media_cache_fetch_async (cache, id, url, LUMA_MEDIA_KIND_THUMBNAIL,
 *                                 cancellable, NULL, NULL, on_fetched, self);
 *   …in on_fetched: g_autoptr(GFile) file = luma_media_cache_fetch_finish (…);
 *
 * Files live in $XDG_CACHE_HOME/luma-tasks/ as <task-id>.mp4 and
 * <task-id>.jpg. The cache is bounded by size (default 2 GiB); the least
 * recently used files are removed off the main thread after each fetch.
 * Media requests go through the cache's own SoupSession, which never carries
 * the API token (DESIGN §3). Only https:// and loopback http:// URLs are
 * fetched. Every download writes "<dest>.part" and renames it when complete:
 * a cancelled or failed download leaves nothing behind. HTTP failures are
 * LUMA_ERROR errors carrying the status (luma_error_get_http_status()).
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define LUMA_MEDIA_CACHE_DEFAULT_MAX_SIZE (G_GUINT64_CONSTANT (2) << 30)

typedef enum
{
  LUMA_MEDIA_KIND_VIDEO,
  LUMA_MEDIA_KIND_THUMBNAIL,
} LumaMediaKind;

/* @total is -1 when the server did not say. Called on the thread-default
 * main context of the caller. */
typedef void (*LumaMediaProgressFunc) (goffset  bytes,
                                       goffset  total,
                                       gpointer user_data);

#define LUMA_TYPE_MEDIA_CACHE (luma_media_cache_get_type ())

G_DECLARE_FINAL_TYPE (LumaMediaCache, luma_media_cache, LUMA, MEDIA_CACHE, GObject)

/* @dir NULL: $XDG_CACHE_HOME/luma-tasks. */
LumaMediaCache *luma_media_cache_new              (GFile          *dir);
/* The process-wide cache (created on first use, in the default folder). */
LumaMediaCache *luma_media_cache_get_default      (void);
/* Replaces the process-wide cache (tests); NULL drops it. */
void            luma_media_cache_set_default      (LumaMediaCache *cache);

GFile          *luma_media_cache_get_dir          (LumaMediaCache *self);
guint64         luma_media_cache_get_max_size     (LumaMediaCache *self);
/* Trims at once (off the main thread) when the new bound is smaller. */
void            luma_media_cache_set_max_size     (LumaMediaCache *self,
                                                   guint64         max_size);

/* ".mp4" or ".jpg". */
const char     *luma_media_kind_get_extension     (LumaMediaKind   kind);
/* The cache file for a task, whether or not it exists; NULL when @task_id is
 * not a name the cache accepts (letters, digits and "-" only). */
GFile          *luma_media_cache_get_file         (LumaMediaCache *self,
                                                   const char     *task_id,
                                                   LumaMediaKind   kind);
/* The cached file if it is there (a stat of a local file), marking it used;
 * else NULL. */
GFile          *luma_media_cache_lookup           (LumaMediaCache *self,
                                                   const char     *task_id,
                                                   LumaMediaKind   kind);
/* Forgets a cached file (say, one that turned out not to be an image). */
void            luma_media_cache_remove           (LumaMediaCache *self,
                                                   const char     *task_id,
                                                   LumaMediaKind   kind);

/* The cached file; downloads @url first when it is not there yet. Two
 * fetches of the same file share one download. */
void            luma_media_cache_fetch_async      (LumaMediaCache        *self,
                                                   const char            *task_id,
                                                   const char            *url,
                                                   LumaMediaKind          kind,
                                                   GCancellable          *cancellable,
                                                   LumaMediaProgressFunc  progress_cb,
                                                   gpointer               progress_data,
                                                   GAsyncReadyCallback    callback,
                                                   gpointer               user_data);
GFile          *luma_media_cache_fetch_finish     (LumaMediaCache        *self,
                                                   GAsyncResult          *result,
                                                   GError               **error);

/* Saves a task's media to @dest atomically: a copy when it is cached, else
 * a download (kept in the cache too when it fits). */
void            luma_media_cache_save_async       (LumaMediaCache        *self,
                                                   const char            *task_id,
                                                   const char            *url,
                                                   LumaMediaKind          kind,
                                                   GFile                 *dest,
                                                   GCancellable          *cancellable,
                                                   LumaMediaProgressFunc  progress_cb,
                                                   gpointer               progress_data,
                                                   GAsyncReadyCallback    callback,
                                                   gpointer               user_data);
gboolean        luma_media_cache_save_finish      (LumaMediaCache        *self,
                                                   GAsyncResult          *result,
                                                   GError               **error);

/* Removes the least recently used files until the cache fits its bound,
 * in a worker thread. */
void            luma_media_cache_trim_async       (LumaMediaCache        *self,
                                                   GCancellable          *cancellable,
                                                   GAsyncReadyCallback    callback,
                                                   gpointer               user_data);
gboolean        luma_media_cache_trim_finish      (LumaMediaCache        *self,
                                                   GAsyncResult          *result,
                                                   GError               **error);
/* Bytes held by the cache's files (a directory walk: not for the UI thread). */
guint64         luma_media_cache_compute_size     (LumaMediaCache        *self);

/* TRUE for https:// URLs and http:// ones to a loopback host. */
gboolean        luma_media_url_is_allowed         (const char            *url);

/* Downloads @url to @dest through "<dest>.part" then a rename. @cache NULL
 * uses the default cache's session. */
void            luma_media_download_to_file_async (LumaMediaCache        *cache,
                                                   const char            *url,
                                                   GFile                 *dest,
                                                   GCancellable          *cancellable,
                                                   LumaMediaProgressFunc  progress_cb,
                                                   gpointer               progress_data,
                                                   GAsyncReadyCallback    callback,
                                                   gpointer               user_data);
gboolean        luma_media_download_to_file_finish (GAsyncResult         *result,
                                                    GError              **error);

/* For luma-tasks-cli get --download: saves <task-id>.mp4 and <task-id>.jpg
 * of a completed @record into @dir, atomically, skipping files already
 * complete (same size as the server's Content-Length, or as the cached
 * copy). Blocks; runs its own main context. @show_progress writes progress
 * to standard error. Records that are not completed are skipped (TRUE).
 * @dir is created when missing. */
gboolean        luma_media_download_task_sync     (LumaMediaCache        *cache,
                                                   JsonObject            *record,
                                                   GFile                 *dir,
                                                   gboolean               show_progress,
                                                   GError               **error);

G_END_DECLS
