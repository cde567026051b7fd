/* luma-thumbnail-loader.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-thumbnail-loader"

#include "config.h"

#include <glib/gi18n.h>

#include "luma-error.h"
#include "luma-thumbnail-loader.h"

struct _LumaThumbnailLoader
{
  GObject         parent_instance;

  LumaMediaCache *cache;

  GQueue          queue;          /* GTask* waiting for a slot */
  guint           n_active;
  guint           max_fetches;
  guint           n_started;

  GHashTable     *memory;         /* "W×H URL" → MemoryEntry* */
  GQueue          lru;            /* MemoryEntry*, most recently used first */
  gsize           memory_size;
  gsize           memory_limit;

  GHashTable     *failures;       /* URL → reason */
};

G_DEFINE_FINAL_TYPE (LumaThumbnailLoader, luma_thumbnail_loader, G_TYPE_OBJECT)

static LumaThumbnailLoader *default_loader;

typedef struct
{
  char       *key;
  GdkTexture *texture;
  gsize       size;
  GList       link;
} MemoryEntry;

typedef struct
{
  char     *cache_key;   /* the file name stem in the disk cache */
  char     *url;
  int       width;
  int       height;
  GFile    *file;
  gboolean  downloaded;  /* the file came from the server, not the cache */
  gboolean  refetched;   /* a broken cached copy was thrown away once */
} Request;

/* Where a request stands when it fails: the same GIO error means a cache
 * that cannot be written while fetching, one that cannot be read while
 * decoding. */
typedef enum
{
  STAGE_FETCH,
  STAGE_DECODE,
} Stage;

static void
memory_entry_free (MemoryEntry *entry)
{
  g_free (entry->key);
  g_object_unref (entry->texture);
  g_free (entry);
}

static void
request_free (Request *request)
{
  g_free (request->cache_key);
  g_free (request->url);
  g_clear_object (&request->file);
  g_free (request);
}

static char *
memory_key (const char *url,
            int         width,
            int         height)
{
  return g_strdup_printf ("%dx%d %s", MAX (width, 0), MAX (height, 0), url);
}

static void
memory_trim (LumaThumbnailLoader *self)
{
  while (self->memory_size > self->memory_limit && self->lru.tail != NULL)
    {
      MemoryEntry *entry = self->lru.tail->data;

      g_queue_unlink (&self->lru, &entry->link);
      self->memory_size -= entry->size;
      g_hash_table_remove (self->memory, entry->key);
    }
}

static void
memory_insert (LumaThumbnailLoader *self,
               const char          *key,
               GdkTexture          *texture)
{
  MemoryEntry *entry;
  MemoryEntry *old;

  old = g_hash_table_lookup (self->memory, key);
  if (old != NULL)
    {
      g_queue_unlink (&self->lru, &old->link);
      self->memory_size -= old->size;
      g_hash_table_remove (self->memory, key);
    }

  entry = g_new0 (MemoryEntry, 1);
  entry->key = g_strdup (key);
  entry->texture = g_object_ref (texture);
  entry->size = (gsize) gdk_texture_get_width (texture) * gdk_texture_get_height (texture) * 4;
  entry->link.data = entry;

  g_hash_table_insert (self->memory, entry->key, entry);
  g_queue_push_head_link (&self->lru, &entry->link);
  self->memory_size += entry->size;

  memory_trim (self);
}

GdkTexture *
luma_thumbnail_loader_lookup (LumaThumbnailLoader *self,
                              const char          *url,
                              int                  width,
                              int                  height)
{
  g_autofree char *key = NULL;
  MemoryEntry *entry;

  g_return_val_if_fail (LUMA_IS_THUMBNAIL_LOADER (self), NULL);

  if (url == NULL)
    return NULL;

  key = memory_key (url, width, height);
  entry = g_hash_table_lookup (self->memory, key);
  if (entry == NULL)
    return NULL;

  g_queue_unlink (&self->lru, &entry->link);
  g_queue_push_head_link (&self->lru, &entry->link);
  return entry->texture;
}

const char *
luma_thumbnail_loader_get_failure (LumaThumbnailLoader *self,
                                   const char          *url)
{
  g_return_val_if_fail (LUMA_IS_THUMBNAIL_LOADER (self), NULL);

  if (url == NULL)
    return NULL;

  return g_hash_table_lookup (self->failures, url);
}

/* A message to end one of our sentences: the sentence brings the period. */
static char *
detail_for_error (const GError *error)
{
  gsize length = strlen (error->message);

  while (length > 0 && (error->message[length - 1] == '.' ||
                        g_ascii_isspace (error->message[length - 1])))
    length--;

  return g_strndup (error->message, length);
}

static char *
reason_for_error (const GError *error,
                  Stage         stage)
{
  guint status = luma_error_get_http_status (error);
  g_autofree char *detail = NULL;

  if (status != 0)
    return g_strdup_printf (_("The thumbnail could not be downloaded: the server answered %u."), status);
  if (g_error_matches (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE) ||
      g_error_matches (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_CORRUPT_IMAGE))
    return g_strdup (_("The thumbnail is not an image."));
  if (error->domain == GDK_PIXBUF_ERROR)
    return g_strdup_printf (_("The thumbnail could not be read: %s"), error->message);

  /* The media cache words its network and server failures itself. */
  if (error->domain == LUMA_ERROR)
    return g_strdup (error->message);

  /* What is left is the disk (a folder where the file should be, a full
   * disk, a file that cannot be opened), or something nobody worded: GIO's
   * words alone would not say it was the thumbnail's cache. */
  detail = detail_for_error (error);
  if (error->domain != G_IO_ERROR && error->domain != G_FILE_ERROR)
    return g_strdup_printf (_("The thumbnail could not be loaded: %s."), detail);
  if (stage == STAGE_FETCH)
    return g_strdup_printf (_("The thumbnail could not be kept in the cache: %s."), detail);
  return g_strdup_printf (_("The thumbnail could not be read from the cache: %s."), detail);
}

static void luma_thumbnail_loader_pump (LumaThumbnailLoader *self);
static void request_fetch              (LumaThumbnailLoader *self,
                                        GTask               *task);

static void
request_done (LumaThumbnailLoader *self)
{
  g_assert (self->n_active > 0);
  self->n_active--;
  luma_thumbnail_loader_pump (self);
}

static void
request_fail (GTask        *task,
              const GError *error,
              Stage         stage)
{
  LumaThumbnailLoader *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autofree char *reason = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_error_copy (error));
      return;
    }

  /* Remembered for the session: a broken thumbnail is not asked for again
   * every time its row scrolls into view. */
  reason = reason_for_error (error, stage);
  g_hash_table_replace (self->failures, g_strdup (request->url), g_strdup (reason));
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", reason);
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Request *request = task_data;
  g_autofree char *path = g_file_get_path (request->file);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  GError *error = NULL;
  int natural_width = 0, natural_height = 0;
  int width, height;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (gdk_pixbuf_get_file_info (path, &natural_width, &natural_height) == NULL)
    {
      g_autoptr(GFileInputStream) stream = NULL;

      /* Not an image, or not readable at all: only the first is the file's
       * fault (and worth throwing away), so find out which. */
      stream = g_file_read (request->file, cancellable, &error);
      if (stream == NULL)
        {
          g_task_return_error (task, error);
          return;
        }

      g_task_return_new_error (task, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE,
                               "%s", _("The thumbnail is not an image."));
      return;
    }

  /* Never scale up: a bigger box than the image gets the image. */
  width = request->width > 0 ? MIN (request->width, natural_width) : -1;
  height = request->height > 0 ? MIN (request->height, natural_height) : -1;

  pixbuf = gdk_pixbuf_new_from_file_at_scale (path, width, height, TRUE, &error);
  if (pixbuf == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&pixbuf), g_object_unref);
}

static void
decode_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LumaThumbnailLoader *self = LUMA_THUMBNAIL_LOADER (source);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  pixbuf = g_task_propagate_pointer (G_TASK (result), &error);
  if (pixbuf == NULL)
    {
      gboolean broken = error->domain == GDK_PIXBUF_ERROR;

      /* What is on disk is not an image: do not keep it. */
      if (broken)
        luma_media_cache_remove (self->cache, request->cache_key, LUMA_MEDIA_KIND_THUMBNAIL);

      /* A broken copy from the cache (a cut-short write, a disk fault) says
       * nothing about the server's, nor does one that went away before it
       * was read: fetch it again, once. A fresh download that does not
       * decode is the server's answer and fails. */
      if ((broken || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)) &&
          !request->downloaded && !request->refetched)
        {
          request->refetched = TRUE;
          g_clear_object (&request->file);
          request_fetch (self, g_steal_pointer (&task));
          return;
        }

      request_fail (task, error, STAGE_DECODE);
      request_done (self);
      return;
    }

  texture = gdk_texture_new_for_pixbuf (pixbuf);
  key = memory_key (request->url, request->width, request->height);
  memory_insert (self, key, texture);

  g_task_return_pointer (task, g_steal_pointer (&texture), g_object_unref);
  request_done (self);
}

static void
fetch_progress_cb (goffset  bytes,
                   goffset  total,
                   gpointer user_data)
{
  Request *request = user_data;

  /* Only a download reports progress; a file found in the cache does not. */
  request->downloaded = TRUE;
}

static void
fetch_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LumaThumbnailLoader *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GTask) decode = NULL;
  g_autoptr(GError) error = NULL;

  request->file = luma_media_cache_fetch_finish (LUMA_MEDIA_CACHE (source), result, &error);
  if (request->file == NULL)
    {
      request_fail (task, error, STAGE_FETCH);
      request_done (self);
      return;
    }

  decode = g_task_new (self, g_task_get_cancellable (task), decode_cb, g_object_ref (task));
  g_task_set_source_tag (decode, luma_thumbnail_loader_load_async);
  g_task_set_task_data (decode, request, NULL);
  g_task_run_in_thread (decode, decode_thread);
}

/* Takes @task: it comes back to fetch_cb(). The request keeps its slot. */
static void
request_fetch (LumaThumbnailLoader *self,
               GTask               *task)
{
  Request *request = g_task_get_task_data (task);

  luma_media_cache_fetch_async (self->cache, request->cache_key, request->url,
                                LUMA_MEDIA_KIND_THUMBNAIL, g_task_get_cancellable (task),
                                fetch_progress_cb, request, fetch_cb, task);
}

static void
luma_thumbnail_loader_pump (LumaThumbnailLoader *self)
{
  while (self->n_active < self->max_fetches && !g_queue_is_empty (&self->queue))
    {
      g_autoptr(GTask) task = g_queue_pop_head (&self->queue);
      Request *request = g_task_get_task_data (task);
      const char *failure;

      /* Rows scroll by fast: what nobody waits for any more never starts. */
      if (g_task_return_error_if_cancelled (task))
        continue;

      /* Another request for the same URL may have failed meanwhile. */
      failure = g_hash_table_lookup (self->failures, request->url);
      if (failure != NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", failure);
          continue;
        }

      self->n_active++;
      self->n_started++;
      request_fetch (self, g_steal_pointer (&task));
    }
}

void
luma_thumbnail_loader_load_async (LumaThumbnailLoader *self,
                                  const char          *task_id,
                                  const char          *url,
                                  int                  width,
                                  int                  height,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GdkTexture *texture;
  const char *failure;
  Request *request;

  g_return_if_fail (LUMA_IS_THUMBNAIL_LOADER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, luma_thumbnail_loader_load_async);

  if (url == NULL || *url == '\0')
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "%s", _("The task has no thumbnail."));
      return;
    }

  failure = g_hash_table_lookup (self->failures, url);
  if (failure != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", failure);
      return;
    }

  texture = luma_thumbnail_loader_lookup (self, url, width, height);
  if (texture != NULL)
    {
      g_task_return_pointer (task, g_object_ref (texture), g_object_unref);
      return;
    }

  request = g_new0 (Request, 1);
  request->url = g_strdup (url);
  request->width = width;
  request->height = height;
  if (task_id != NULL)
    request->cache_key = g_strdup (task_id);
  else
    {
      g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, url, -1);
      request->cache_key = g_strconcat ("url-", digest, NULL);
    }
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  g_queue_push_tail (&self->queue, g_steal_pointer (&task));
  luma_thumbnail_loader_pump (self);
}

GdkTexture *
luma_thumbnail_loader_load_finish (LumaThumbnailLoader  *self,
                                   GAsyncResult         *result,
                                   GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

LumaMediaCache *
luma_thumbnail_loader_get_cache (LumaThumbnailLoader *self)
{
  g_return_val_if_fail (LUMA_IS_THUMBNAIL_LOADER (self), NULL);

  return self->cache;
}

void
luma_thumbnail_loader_set_max_fetches (LumaThumbnailLoader *self,
                                       guint                max_fetches)
{
  g_return_if_fail (LUMA_IS_THUMBNAIL_LOADER (self));
  g_return_if_fail (max_fetches > 0);

  self->max_fetches = max_fetches;
  luma_thumbnail_loader_pump (self);
}

void
luma_thumbnail_loader_set_memory_limit (LumaThumbnailLoader *self,
                                        gsize                bytes)
{
  g_return_if_fail (LUMA_IS_THUMBNAIL_LOADER (self));

  self->memory_limit = bytes;
  memory_trim (self);
}

gsize
luma_thumbnail_loader_get_memory_size (LumaThumbnailLoader *self)
{
  g_return_val_if_fail (LUMA_IS_THUMBNAIL_LOADER (self), 0);

  return self->memory_size;
}

guint
luma_thumbnail_loader_get_n_started (LumaThumbnailLoader *self)
{
  g_return_val_if_fail (LUMA_IS_THUMBNAIL_LOADER (self), 0);

  return self->n_started;
}

static void
luma_thumbnail_loader_finalize (GObject *object)
{
  LumaThumbnailLoader *self = LUMA_THUMBNAIL_LOADER (object);

  /* Queued tasks hold a reference on the loader: the queue is empty here. */
  g_assert (g_queue_is_empty (&self->queue));

  g_queue_init (&self->lru);
  g_clear_pointer (&self->memory, g_hash_table_unref);
  g_clear_pointer (&self->failures, g_hash_table_unref);
  g_clear_object (&self->cache);

  G_OBJECT_CLASS (luma_thumbnail_loader_parent_class)->finalize (object);
}

static void
luma_thumbnail_loader_class_init (LumaThumbnailLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = luma_thumbnail_loader_finalize;
}

static void
luma_thumbnail_loader_init (LumaThumbnailLoader *self)
{
  g_queue_init (&self->queue);
  g_queue_init (&self->lru);
  self->max_fetches = LUMA_THUMBNAIL_LOADER_DEFAULT_MAX_FETCHES;
  self->memory_limit = LUMA_THUMBNAIL_LOADER_DEFAULT_MEMORY_BYTES;
  self->memory = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) memory_entry_free);
  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

LumaThumbnailLoader *
luma_thumbnail_loader_new (LumaMediaCache *cache)
{
  LumaThumbnailLoader *self;

  g_return_val_if_fail (cache == NULL || LUMA_IS_MEDIA_CACHE (cache), NULL);

  self = g_object_new (LUMA_TYPE_THUMBNAIL_LOADER, NULL);
  self->cache = g_object_ref (cache != NULL ? cache : luma_media_cache_get_default ());

  return self;
}

LumaThumbnailLoader *
luma_thumbnail_loader_get_default (void)
{
  if (default_loader == NULL)
    default_loader = luma_thumbnail_loader_new (NULL);

  return default_loader;
}

void
luma_thumbnail_loader_set_default (LumaThumbnailLoader *loader)
{
  g_return_if_fail (loader == NULL || LUMA_IS_THUMBNAIL_LOADER (loader));

  if (loader != NULL)
    g_object_ref (loader);
  g_clear_object (&default_loader);
  default_loader = loader;
}
