/* luma-media-cache.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-media-cache"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "luma-error.h"
#include "luma-media-cache.h"
#include "luma-task-state.h"

#define CHUNK_SIZE (64 * 1024)
/* A ".part" file this old belongs to no running download: a crash left it. */
#define STALE_PART_AGE_SECONDS (24 * 60 * 60)
/* Downloads saved by the user go into the cache too when they are at most
 * this share of the bound, so one big save does not empty the cache. */
#define SAVE_CACHE_SHARE 4

struct _LumaMediaCache
{
  GObject      parent_instance;

  GFile       *dir;
  SoupSession *session;         /* through the system's proxy settings */
  SoupSession *direct_session;  /* loopback: never through a proxy */
  GHashTable  *fetches;        /* file path → Fetch* */

  GMutex       lock;           /* guards max_size and the trim flags */
  guint64      max_size;
  gboolean     trim_running;
  gboolean     trim_again;
};

G_DEFINE_FINAL_TYPE (LumaMediaCache, luma_media_cache, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DIR,
  PROP_MAX_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static LumaMediaCache *default_cache;

static void luma_media_cache_schedule_trim (LumaMediaCache *self);

/* ------------------------------------------------------------------ */
/* URLs and names                                                      */

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

gboolean
luma_media_url_is_allowed (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  if (url == NULL)
    return FALSE;

  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;

  return g_ascii_strcasecmp (scheme, "http") == 0 &&
         host_is_loopback (g_uri_get_host (uri));
}

static gboolean
task_id_is_usable (const char *task_id)
{
  gsize len = 0;

  if (task_id == NULL)
    return FALSE;

  for (const char *p = task_id; *p != '\0'; p++, len++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-')
        return FALSE;
    }

  return len > 0 && len <= 128;
}

const char *
luma_media_kind_get_extension (LumaMediaKind kind)
{
  return kind == LUMA_MEDIA_KIND_VIDEO ? ".mp4" : ".jpg";
}

static GFile *
part_file_for (GFile *dest)
{
  g_autofree char *path = g_file_get_path (dest);
  g_autofree char *part = g_strconcat (path, ".part", NULL);

  return g_file_new_for_path (part);
}

/* atime is what the LRU orders by; relatime mounts would not update it on
 * reads, so a use sets it explicitly (mtime left alone). */
static void
touch_path (const char *path)
{
  struct timespec times[2] = {
    { 0, UTIME_NOW },
    { 0, UTIME_OMIT },
  };

  if (utimensat (AT_FDCWD, path, times, 0) != 0 && errno != ENOENT)
    g_debug ("Could not mark %s used: %s", path, g_strerror (errno));
}

/* ------------------------------------------------------------------ */
/* The downloader                                                      */

typedef struct
{
  SoupSession           *session;
  SoupMessage           *message;
  GFile                 *dest;
  GFile                 *part;
  GInputStream          *input;
  GOutputStream         *output;
  LumaMediaProgressFunc  progress_cb;
  gpointer               progress_data;
  goffset                received;
  goffset                total;
  GError                *pending_error;
} Download;

static void
download_free (Download *download)
{
  g_clear_object (&download->session);
  g_clear_object (&download->message);
  g_clear_object (&download->dest);
  g_clear_object (&download->part);
  g_clear_object (&download->input);
  g_clear_object (&download->output);
  g_clear_error (&download->pending_error);
  g_free (download);
}

static SoupSession *
media_session_new (gboolean direct)
{
  /* A session of its own: no authentication, no cookies, nothing the API
   * client adds. Media hosts never see the token. */
  SoupSession *session = g_object_new (SOUP_TYPE_SESSION,
                                       "user-agent", "luma-tasks/" PACKAGE_VERSION " ",
                                       "timeout", 60,
                                       "idle-timeout", 60,
                                       NULL);

  if (direct)
    soup_session_set_proxy_resolver (session, NULL);

  return session;
}

static gboolean
url_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = url ? g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL) : NULL;

  return uri != NULL && host_is_loopback (g_uri_get_host (uri));
}

static SoupSession *
luma_media_cache_session_for (LumaMediaCache *self,
                              const char     *url)
{
  if (url_is_loopback (url))
    {
      if (self->direct_session == NULL)
        self->direct_session = media_session_new (TRUE);
      return self->direct_session;
    }

  if (self->session == NULL)
    self->session = media_session_new (FALSE);
  return self->session;
}

static GError *
error_for_status (SoupMessage *message)
{
  guint status = soup_message_get_status (message);
  const char *phrase = soup_message_get_reason_phrase (message);

  if (phrase == NULL || *phrase == '\0')
    phrase = soup_status_get_phrase (status);

  return luma_error_new_api (luma_error_code_for_status (status, NULL),
                             status, NULL, NULL,
                             _("The media server answered %u (%s)."),
                             status, phrase ? phrase : "");
}

static GError *
error_for_network (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return luma_error_new_api (LUMA_ERROR_TIMEOUT, 0, NULL, NULL,
                               _("The media server did not answer in time."));
  if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR ||
      error->domain == G_TLS_ERROR)
    return luma_error_new_api (LUMA_ERROR_NETWORK, 0, NULL, NULL,
                               _("The media could not be downloaded: %s"),
                               error->message);
  return g_error_copy (error);
}

static void download_read_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
download_discard_part (Download *download)
{
  /* A rename never happened; what was written must not stay. Unlinking a
   * local file does not wait on the network. */
  g_autofree char *path = g_file_get_path (download->part);

  if (path != NULL && g_unlink (path) != 0 && errno != ENOENT)
    g_warning ("Could not remove %s: %s", path, g_strerror (errno));
}

static void
download_fail (GTask  *task,
               GError *error)
{
  Download *download = g_task_get_task_data (task);

  download_discard_part (download);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
download_close_after_error_cb (GObject      *source,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  GTask *task = user_data;
  Download *download = g_task_get_task_data (task);

  g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, NULL);
  download_fail (task, g_steal_pointer (&download->pending_error));
}

static void
download_abort (GTask  *task,
                GError *error)
{
  Download *download = g_task_get_task_data (task);

  if (download->input != NULL)
    g_input_stream_close_async (download->input, G_PRIORITY_DEFAULT, NULL, NULL, NULL);

  if (download->output != NULL && !g_output_stream_is_closed (download->output))
    {
      download->pending_error = error;
      g_output_stream_close_async (download->output, G_PRIORITY_DEFAULT, NULL,
                                   download_close_after_error_cb, task);
      return;
    }

  download_fail (task, error);
}

static void
download_move_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_move_finish (G_FILE (source), result, &error))
    {
      download_fail (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
download_close_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error))
    {
      download_fail (task, g_steal_pointer (&error));
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    {
      download_discard_part (download);
      g_object_unref (task);
      return;
    }

  /* The rename is the commit point: before it, only the .part exists. */
  g_file_move_async (download->part, download->dest,
                     G_FILE_COPY_OVERWRITE | G_FILE_COPY_NOFOLLOW_SYMLINKS,
                     G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                     NULL, NULL, download_move_cb, task);
}

static void
download_write_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gsize written = 0;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &written, &error))
    {
      download_abort (task, g_steal_pointer (&error));
      return;
    }

  download->received += written;
  if (download->progress_cb != NULL)
    download->progress_cb (download->received, download->total, download->progress_data);

  g_input_stream_read_bytes_async (download->input, CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task),
                                   download_read_cb, task);
}

static void
download_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gconstpointer data;
  gsize size;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (bytes == NULL)
    {
      download_abort (task, error_for_network (error));
      return;
    }

  data = g_bytes_get_data (bytes, &size);
  if (size == 0)
    {
      if (download->total >= 0 && download->received != download->total)
        {
          download_abort (task,
                          luma_error_new_api (LUMA_ERROR_NETWORK, 0, NULL, NULL,
                                              _("The download stopped after %" G_GOFFSET_FORMAT " of %" G_GOFFSET_FORMAT " bytes."),
                                              download->received, download->total));
          return;
        }

      g_input_stream_close_async (download->input, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_output_stream_close_async (download->output, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task),
                                   download_close_cb, task);
      return;
    }

  /* The bytes stay alive until the write is done: the task data keeps
   * nothing else of them, so hand a reference to the callback's task. */
  g_object_set_data_full (G_OBJECT (task), "chunk", g_bytes_ref (bytes),
                          (GDestroyNotify) g_bytes_unref);
  g_output_stream_write_all_async (download->output, data, size, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task),
                                   download_write_cb, task);
}

static void
download_replace_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GFileOutputStream *output;

  output = g_file_replace_finish (G_FILE (source), result, &error);
  if (output == NULL)
    {
      g_input_stream_close_async (download->input, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  download->output = G_OUTPUT_STREAM (output);

  if (download->progress_cb != NULL)
    download->progress_cb (0, download->total, download->progress_data);

  g_input_stream_read_bytes_async (download->input, CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task),
                                   download_read_cb, task);
}

static void
download_send_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  Download *download = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  guint status;

  download->input = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (download->input == NULL)
    {
      g_task_return_error (task, error_for_network (error));
      g_object_unref (task);
      return;
    }

  status = soup_message_get_status (download->message);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_input_stream_close_async (download->input, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      g_task_return_error (task, error_for_status (download->message));
      g_object_unref (task);
      return;
    }

  headers = soup_message_get_response_headers (download->message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    download->total = soup_message_headers_get_content_length (headers);
  else
    download->total = -1;

  g_file_replace_async (download->part, NULL, FALSE,
                        G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                        G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                        download_replace_cb, task);
}

static void
download_start (SoupSession           *session,
                const char            *url,
                GFile                 *dest,
                GCancellable          *cancellable,
                LumaMediaProgressFunc  progress_cb,
                gpointer               progress_data,
                gpointer               source_object,
                gpointer               source_tag,
                GAsyncReadyCallback    callback,
                gpointer               user_data)
{
  GTask *task;
  Download *download;

  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  if (!luma_media_url_is_allowed (url))
    {
      g_task_return_new_error (task, LUMA_ERROR, LUMA_ERROR_INSECURE_URL,
                               _("The media address is not a secure (https://) address."));
      g_object_unref (task);
      return;
    }

  if (!g_file_is_native (dest))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Media can only be saved to a local folder."));
      g_object_unref (task);
      return;
    }

  download = g_new0 (Download, 1);
  download->session = g_object_ref (session);
  download->message = soup_message_new (SOUP_METHOD_GET, url);
  download->dest = g_object_ref (dest);
  download->part = part_file_for (dest);
  download->progress_cb = progress_cb;
  download->progress_data = progress_data;
  download->total = -1;
  g_task_set_task_data (task, download, (GDestroyNotify) download_free);

  if (download->message == NULL)
    {
      g_task_return_new_error (task, LUMA_ERROR, LUMA_ERROR_INSECURE_URL,
                               _("The media address is not valid."));
      g_object_unref (task);
      return;
    }

  soup_session_send_async (session, download->message, G_PRIORITY_DEFAULT,
                           cancellable, download_send_cb, task);
}

void
luma_media_download_to_file_async (LumaMediaCache        *cache,
                                   const char            *url,
                                   GFile                 *dest,
                                   GCancellable          *cancellable,
                                   LumaMediaProgressFunc  progress_cb,
                                   gpointer               progress_data,
                                   GAsyncReadyCallback    callback,
                                   gpointer               user_data)
{
  g_return_if_fail (cache == NULL || LUMA_IS_MEDIA_CACHE (cache));
  g_return_if_fail (url != NULL);
  g_return_if_fail (G_IS_FILE (dest));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (cache == NULL)
    cache = luma_media_cache_get_default ();

  download_start (luma_media_cache_session_for (cache, url), url, dest, cancellable, progress_cb, progress_data,
                  NULL, luma_media_download_to_file_async, callback, user_data);
}

gboolean
luma_media_download_to_file_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* The cache object                                                    */

static void
luma_media_cache_finalize (GObject *object)
{
  LumaMediaCache *self = LUMA_MEDIA_CACHE (object);

  g_clear_object (&self->dir);
  g_clear_object (&self->session);
  g_clear_object (&self->direct_session);
  g_clear_pointer (&self->fetches, g_hash_table_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (luma_media_cache_parent_class)->finalize (object);
}

static void
luma_media_cache_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LumaMediaCache *self = LUMA_MEDIA_CACHE (object);

  switch (prop_id)
    {
    case PROP_DIR:
      g_value_set_object (value, self->dir);
      break;
    case PROP_MAX_SIZE:
      g_value_set_uint64 (value, luma_media_cache_get_max_size (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_media_cache_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LumaMediaCache *self = LUMA_MEDIA_CACHE (object);

  switch (prop_id)
    {
    case PROP_DIR:
      self->dir = g_value_dup_object (value);
      break;
    case PROP_MAX_SIZE:
      luma_media_cache_set_max_size (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_media_cache_constructed (GObject *object)
{
  LumaMediaCache *self = LUMA_MEDIA_CACHE (object);

  G_OBJECT_CLASS (luma_media_cache_parent_class)->constructed (object);

  if (self->dir == NULL)
    {
      g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "luma-tasks", NULL);
      self->dir = g_file_new_for_path (path);
    }
}

static void
luma_media_cache_class_init (LumaMediaCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = luma_media_cache_finalize;
  object_class->get_property = luma_media_cache_get_property;
  object_class->set_property = luma_media_cache_set_property;
  object_class->constructed = luma_media_cache_constructed;

  properties[PROP_DIR] =
    g_param_spec_object ("dir", NULL, NULL,
                         G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_SIZE] =
    g_param_spec_uint64 ("max-size", NULL, NULL,
                         0, G_MAXUINT64, LUMA_MEDIA_CACHE_DEFAULT_MAX_SIZE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
luma_media_cache_init (LumaMediaCache *self)
{
  g_mutex_init (&self->lock);
  self->max_size = LUMA_MEDIA_CACHE_DEFAULT_MAX_SIZE;
  self->fetches = g_hash_table_new (g_str_hash, g_str_equal);
}

LumaMediaCache *
luma_media_cache_new (GFile *dir)
{
  g_return_val_if_fail (dir == NULL || G_IS_FILE (dir), NULL);

  return g_object_new (LUMA_TYPE_MEDIA_CACHE, "dir", dir, NULL);
}

LumaMediaCache *
luma_media_cache_get_default (void)
{
  if (default_cache == NULL)
    default_cache = luma_media_cache_new (NULL);

  return default_cache;
}

void
luma_media_cache_set_default (LumaMediaCache *cache)
{
  g_return_if_fail (cache == NULL || LUMA_IS_MEDIA_CACHE (cache));

  if (cache != NULL)
    g_object_ref (cache);
  g_clear_object (&default_cache);
  default_cache = cache;
}

GFile *
luma_media_cache_get_dir (LumaMediaCache *self)
{
  g_return_val_if_fail (LUMA_IS_MEDIA_CACHE (self), NULL);

  return self->dir;
}

guint64
luma_media_cache_get_max_size (LumaMediaCache *self)
{
  guint64 max_size;

  g_return_val_if_fail (LUMA_IS_MEDIA_CACHE (self), 0);

  g_mutex_lock (&self->lock);
  max_size = self->max_size;
  g_mutex_unlock (&self->lock);

  return max_size;
}

void
luma_media_cache_set_max_size (LumaMediaCache *self,
                               guint64         max_size)
{
  gboolean smaller;

  g_return_if_fail (LUMA_IS_MEDIA_CACHE (self));

  g_mutex_lock (&self->lock);
  if (self->max_size == max_size)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  smaller = max_size < self->max_size;
  self->max_size = max_size;
  g_mutex_unlock (&self->lock);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_SIZE]);

  if (smaller)
    luma_media_cache_schedule_trim (self);
}

GFile *
luma_media_cache_get_file (LumaMediaCache *self,
                           const char     *task_id,
                           LumaMediaKind   kind)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (LUMA_IS_MEDIA_CACHE (self), NULL);

  if (!task_id_is_usable (task_id))
    return NULL;

  name = g_strconcat (task_id, luma_media_kind_get_extension (kind), NULL);
  return g_file_get_child (self->dir, name);
}

GFile *
luma_media_cache_lookup (LumaMediaCache *self,
                         const char     *task_id,
                         LumaMediaKind   kind)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  GStatBuf buf;

  g_return_val_if_fail (LUMA_IS_MEDIA_CACHE (self), NULL);

  file = luma_media_cache_get_file (self, task_id, kind);
  if (file == NULL)
    return NULL;

  path = g_file_get_path (file);
  if (g_stat (path, &buf) != 0 || !S_ISREG (buf.st_mode))
    return NULL;

  touch_path (path);
  return g_steal_pointer (&file);
}

void
luma_media_cache_remove (LumaMediaCache *self,
                         const char     *task_id,
                         LumaMediaKind   kind)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (LUMA_IS_MEDIA_CACHE (self));

  file = luma_media_cache_get_file (self, task_id, kind);
  if (file == NULL)
    return;

  path = g_file_get_path (file);
  if (g_unlink (path) != 0 && errno != ENOENT)
    g_warning ("Could not remove %s: %s", path, g_strerror (errno));
}

/* ------------------------------------------------------------------ */
/* Trimming                                                            */

typedef struct
{
  char    *path;
  guint64  size;
  gint64   atime_ns;
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->path);
  g_free (entry);
}

static int
entry_compare_oldest_first (gconstpointer a,
                            gconstpointer b)
{
  const Entry *ea = *(const Entry * const *) a;
  const Entry *eb = *(const Entry * const *) b;

  if (ea->atime_ns != eb->atime_ns)
    return ea->atime_ns < eb->atime_ns ? -1 : 1;
  return g_strcmp0 (ea->path, eb->path);
}

/* Lists the cache's media files; removes stale .part files on the way. */
static GPtrArray *
list_entries (GFile   *dir,
              guint64 *total)
{
  g_autofree char *dir_path = g_file_get_path (dir);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  g_autoptr(GDir) gdir = NULL;
  const char *name;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  *total = 0;
  gdir = g_dir_open (dir_path, 0, NULL);
  if (gdir == NULL)
    return g_steal_pointer (&entries);

  while ((name = g_dir_read_name (gdir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      struct stat buf;
      Entry *entry;

      if (stat (path, &buf) != 0 || !S_ISREG (buf.st_mode))
        continue;

      if (g_str_has_suffix (name, ".part"))
        {
          if (now - buf.st_mtime > STALE_PART_AGE_SECONDS)
            g_unlink (path);
          else
            *total += buf.st_size;
          continue;
        }

      if (!g_str_has_suffix (name, ".mp4") && !g_str_has_suffix (name, ".jpg"))
        continue;

      entry = g_new0 (Entry, 1);
      entry->path = g_steal_pointer (&path);
      entry->size = buf.st_size;
      entry->atime_ns = (gint64) buf.st_atim.tv_sec * G_GINT64_CONSTANT (1000000000) + buf.st_atim.tv_nsec;
      *total += entry->size;
      g_ptr_array_add (entries, entry);
    }

  return g_steal_pointer (&entries);
}

guint64
luma_media_cache_compute_size (LumaMediaCache *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  guint64 total;

  g_return_val_if_fail (LUMA_IS_MEDIA_CACHE (self), 0);

  entries = list_entries (self->dir, &total);
  return total;
}

static void
trim_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LumaMediaCache *self = source_object;
  gboolean again;

  do
    {
      g_autoptr(GPtrArray) entries = NULL;
      guint64 total;
      guint64 max_size = luma_media_cache_get_max_size (self);

      entries = list_entries (self->dir, &total);
      g_ptr_array_sort (entries, entry_compare_oldest_first);

      for (guint i = 0; i < entries->len && total > max_size; i++)
        {
          Entry *entry = g_ptr_array_index (entries, i);

          if (g_cancellable_is_cancelled (cancellable))
            break;
          if (g_unlink (entry->path) == 0)
            {
              g_debug ("Evicted %s (%" G_GUINT64_FORMAT " bytes)", entry->path, entry->size);
              total -= entry->size;
            }
        }

      g_mutex_lock (&self->lock);
      again = self->trim_again;
      self->trim_again = FALSE;
      if (!again)
        self->trim_running = FALSE;
      g_mutex_unlock (&self->lock);
    }
  while (again);

  g_task_return_boolean (task, TRUE);
}

static void
trim_start (LumaMediaCache      *self,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data,
            gboolean             coalesce)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, luma_media_cache_trim_async);

  g_mutex_lock (&self->lock);
  if (coalesce && self->trim_running)
    {
      /* The running trim walks the folder once more before it stops. */
      self->trim_again = TRUE;
      g_mutex_unlock (&self->lock);
      g_task_return_boolean (task, TRUE);
      return;
    }
  self->trim_running = TRUE;
  g_mutex_unlock (&self->lock);

  g_task_run_in_thread (task, trim_thread);
}

static void
luma_media_cache_schedule_trim (LumaMediaCache *self)
{
  trim_start (self, NULL, NULL, NULL, TRUE);
}

void
luma_media_cache_trim_async (LumaMediaCache      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (LUMA_IS_MEDIA_CACHE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  trim_start (self, cancellable, callback, user_data, FALSE);
}

gboolean
luma_media_cache_trim_finish (LumaMediaCache  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Fetching                                                            */

/* One download into the cache, shared by every fetch of the same file. */
typedef struct
{
  LumaMediaCache *cache;
  char           *key;
  GFile          *file;
  GCancellable   *cancellable;
  GList          *waiters;      /* GTask*, each a fetch waiting for this one */
} Fetch;

typedef struct
{
  Fetch                 *fetch;
  LumaMediaProgressFunc  progress_cb;
  gpointer               progress_data;
  gulong                 cancelled_id;
} Waiter;

static void
waiter_free (Waiter *waiter)
{
  g_free (waiter);
}

static void
fetch_free (Fetch *fetch)
{
  g_object_unref (fetch->cache);
  g_free (fetch->key);
  g_object_unref (fetch->file);
  g_object_unref (fetch->cancellable);
  g_assert (fetch->waiters == NULL);
  g_free (fetch);
}

static void
fetch_progress_cb (goffset  bytes,
                   goffset  total,
                   gpointer user_data)
{
  Fetch *fetch = user_data;

  for (GList *l = fetch->waiters; l != NULL; l = l->next)
    {
      Waiter *waiter = g_task_get_task_data (l->data);

      if (waiter->progress_cb != NULL)
        waiter->progress_cb (bytes, total, waiter->progress_data);
    }
}

static void
waiter_detach (GTask *task)
{
  Waiter *waiter = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (waiter->cancelled_id != 0)
    {
      g_signal_handler_disconnect (cancellable, waiter->cancelled_id);
      waiter->cancelled_id = 0;
    }
  waiter->fetch = NULL;
}

static gboolean
waiter_cancelled_idle (gpointer user_data)
{
  GTask *task = user_data;
  Waiter *waiter = g_task_get_task_data (task);
  Fetch *fetch = waiter->fetch;

  /* Already completed by the download in between. */
  if (fetch == NULL)
    return G_SOURCE_REMOVE;

  fetch->waiters = g_list_remove (fetch->waiters, task);
  waiter_detach (task);
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);

  /* Nobody wants this download any more. */
  if (fetch->waiters == NULL)
    g_cancellable_cancel (fetch->cancellable);

  return G_SOURCE_REMOVE;
}

static void
waiter_cancelled_cb (GCancellable *cancellable,
                     GTask        *task)
{
  /* Cancelled handlers must not disconnect themselves: leave the handler
   * for an idle on the task's context. */
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, waiter_cancelled_idle, g_object_ref (task), g_object_unref);
  g_source_set_static_name (source, "[luma] media fetch cancelled");
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
}

static void
fetch_download_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Fetch *fetch = user_data;
  LumaMediaCache *self = fetch->cache;
  g_autoptr(GError) error = NULL;
  GList *waiters;
  gboolean ok;

  ok = g_task_propagate_boolean (G_TASK (result), &error);
  g_hash_table_remove (self->fetches, fetch->key);

  waiters = g_steal_pointer (&fetch->waiters);
  for (GList *l = waiters; l != NULL; l = l->next)
    {
      GTask *task = l->data;

      waiter_detach (task);
      if (ok)
        g_task_return_pointer (task, g_object_ref (fetch->file), g_object_unref);
      else
        g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
    }
  g_list_free (waiters);

  if (ok)
    luma_media_cache_schedule_trim (self);

  fetch_free (fetch);
}

static void
fetch_join (Fetch *fetch,
            GTask *task)
{
  Waiter *waiter = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  waiter->fetch = fetch;
  fetch->waiters = g_list_append (fetch->waiters, task);

  if (cancellable != NULL)
    waiter->cancelled_id = g_signal_connect_data (cancellable, "cancelled",
                                                  G_CALLBACK (waiter_cancelled_cb),
                                                  task, NULL, 0);
  if (g_cancellable_is_cancelled (cancellable))
    waiter_cancelled_cb (cancellable, task);
}

typedef struct
{
  GFile *file;
  char  *url;
  char  *key;
} Probe;

static void
probe_free (Probe *probe)
{
  g_object_unref (probe->file);
  g_free (probe->url);
  g_free (probe->key);
  g_free (probe);
}

static void
probe_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  LumaMediaCache *self = source_object;
  Probe *probe = task_data;
  g_autofree char *path = g_file_get_path (probe->file);
  g_autoptr(GError) error = NULL;
  struct stat buf;

  if (stat (path, &buf) == 0 && S_ISREG (buf.st_mode))
    {
      touch_path (path);
      g_task_return_int (task, 1);
      return;
    }

  if (!g_file_make_directory_with_parents (self->dir, cancellable, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_int (task, 0);
}

static void
fetch_probe_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  LumaMediaCache *self = LUMA_MEDIA_CACHE (source);
  GTask *task = user_data;   /* the caller's task, owned here */
  Probe *probe = g_task_get_task_data (G_TASK (result));
  Waiter *waiter = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  Fetch *fetch;
  gssize cached;

  cached = g_task_propagate_int (G_TASK (result), &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  if (cached)
    {
      g_task_return_pointer (task, g_object_ref (probe->file), g_object_unref);
      g_object_unref (task);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  fetch = g_hash_table_lookup (self->fetches, probe->key);
  if (fetch != NULL)
    {
      fetch_join (fetch, task);
      return;
    }

  fetch = g_new0 (Fetch, 1);
  fetch->cache = g_object_ref (self);
  fetch->key = g_strdup (probe->key);
  fetch->file = g_object_ref (probe->file);
  fetch->cancellable = g_cancellable_new ();
  g_hash_table_insert (self->fetches, fetch->key, fetch);
  fetch_join (fetch, task);

  /* The download has a cancellable of its own: it stops when every fetch
   * waiting on it was cancelled, not when the first one is. */
  if (waiter->fetch != NULL)
    download_start (luma_media_cache_session_for (self, probe->url), probe->url, fetch->file, fetch->cancellable,
                    fetch_progress_cb, fetch, NULL, luma_media_cache_fetch_async,
                    fetch_download_cb, fetch);
}

void
luma_media_cache_fetch_async (LumaMediaCache        *self,
                              const char            *task_id,
                              const char            *url,
                              LumaMediaKind          kind,
                              GCancellable          *cancellable,
                              LumaMediaProgressFunc  progress_cb,
                              gpointer               progress_data,
                              GAsyncReadyCallback    callback,
                              gpointer               user_data)
{
  g_autoptr(GTask) probe_task = NULL;
  GTask *task;
  Waiter *waiter;
  Probe *probe;
  GFile *file;

  g_return_if_fail (LUMA_IS_MEDIA_CACHE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, luma_media_cache_fetch_async);

  waiter = g_new0 (Waiter, 1);
  waiter->progress_cb = progress_cb;
  waiter->progress_data = progress_data;
  g_task_set_task_data (task, waiter, (GDestroyNotify) waiter_free);

  file = luma_media_cache_get_file (self, task_id, kind);
  if (file == NULL)
    {
      g_task_return_new_error (task, LUMA_ERROR, LUMA_ERROR_INVALID_DATA,
                               _("“%s” is not a task ID."), task_id ? task_id : "");
      g_object_unref (task);
      return;
    }

  probe = g_new0 (Probe, 1);
  probe->file = file;
  probe->url = g_strdup (url);
  probe->key = g_file_get_path (file);

  /* The stat and the folder creation touch the disk: a worker does them. */
  probe_task = g_task_new (self, NULL, fetch_probe_cb, task);
  g_task_set_source_tag (probe_task, luma_media_cache_fetch_async);
  g_task_set_task_data (probe_task, probe, (GDestroyNotify) probe_free);
  g_task_run_in_thread (probe_task, probe_thread);
}

GFile *
luma_media_cache_fetch_finish (LumaMediaCache  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Saving                                                              */

typedef struct
{
  char                  *task_id;
  char                  *url;
  LumaMediaKind          kind;
  GFile                 *dest;
  LumaMediaProgressFunc  progress_cb;
  gpointer               progress_data;
} Save;

static void
save_free (Save *save)
{
  g_free (save->task_id);
  g_free (save->url);
  g_object_unref (save->dest);
  g_free (save);
}

/* Copies a file atomically: "<dest>.part", then a rename. */
static gboolean
copy_atomically (GFile         *source,
                 GFile         *dest,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GFile) part = part_file_for (dest);

  if (!g_file_copy (source, part, G_FILE_COPY_OVERWRITE, cancellable, NULL, NULL, error) ||
      !g_file_move (part, dest, G_FILE_COPY_OVERWRITE | G_FILE_COPY_NOFOLLOW_SYMLINKS,
                    cancellable, NULL, NULL, error))
    {
      g_file_delete (part, NULL, NULL);
      return FALSE;
    }

  return TRUE;
}

static void
save_copy_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  LumaMediaCache *self = source_object;
  Save *save = task_data;
  g_autoptr(GFile) cached = luma_media_cache_get_file (self, save->task_id, save->kind);
  g_autofree char *path = g_file_get_path (cached);
  g_autoptr(GError) error = NULL;
  struct stat buf;

  if (stat (path, &buf) != 0 || !S_ISREG (buf.st_mode))
    {
      g_task_return_int (task, 0);
      return;
    }

  touch_path (path);
  if (!copy_atomically (cached, save->dest, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_int (task, 1);
}

static void
save_keep_in_cache_thread (GTask        *task,
                           gpointer      source_object,
                           gpointer      task_data,
                           GCancellable *cancellable)
{
  LumaMediaCache *self = source_object;
  Save *save = task_data;
  g_autoptr(GFile) cached = luma_media_cache_get_file (self, save->task_id, save->kind);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_file_get_path (save->dest);
  struct stat buf;

  if (stat (path, &buf) != 0 ||
      (guint64) buf.st_size > luma_media_cache_get_max_size (self) / SAVE_CACHE_SHARE)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (!g_file_make_directory_with_parents (self->dir, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_error (&error);

  if (!copy_atomically (save->dest, cached, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
save_kept_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_debug ("A saved file was not kept in the cache: %s", error->message);
  else
    luma_media_cache_schedule_trim (LUMA_MEDIA_CACHE (source));
}

static void
save_download_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LumaMediaCache *self = g_task_get_source_object (task);
  Save *save = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) keep = NULL;
  Save *keep_save;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* So a video saved once also plays offline. */
  if (task_id_is_usable (save->task_id))
    {
      keep_save = g_new0 (Save, 1);
      keep_save->task_id = g_strdup (save->task_id);
      keep_save->kind = save->kind;
      keep_save->dest = g_object_ref (save->dest);
      keep = g_task_new (self, NULL, save_kept_cb, NULL);
      g_task_set_source_tag (keep, luma_media_cache_save_async);
      g_task_set_task_data (keep, keep_save, (GDestroyNotify) save_free);
      g_task_run_in_thread (keep, save_keep_in_cache_thread);
    }

  g_task_return_boolean (task, TRUE);
}

static void
save_copy_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LumaMediaCache *self = LUMA_MEDIA_CACHE (source);
  Save *save = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize copied;

  copied = g_task_propagate_int (G_TASK (result), &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (copied)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  download_start (luma_media_cache_session_for (self, save->url), save->url, save->dest, g_task_get_cancellable (task),
                  save->progress_cb, save->progress_data, NULL,
                  luma_media_cache_save_async, save_download_cb, g_object_ref (task));
}

void
luma_media_cache_save_async (LumaMediaCache        *self,
                             const char            *task_id,
                             const char            *url,
                             LumaMediaKind          kind,
                             GFile                 *dest,
                             GCancellable          *cancellable,
                             LumaMediaProgressFunc  progress_cb,
                             gpointer               progress_data,
                             GAsyncReadyCallback    callback,
                             gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) copy = NULL;
  Save *save;

  g_return_if_fail (LUMA_IS_MEDIA_CACHE (self));
  g_return_if_fail (G_IS_FILE (dest));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, luma_media_cache_save_async);

  save = g_new0 (Save, 1);
  save->task_id = g_strdup (task_id);
  save->url = g_strdup (url);
  save->kind = kind;
  save->dest = g_object_ref (dest);
  save->progress_cb = progress_cb;
  save->progress_data = progress_data;
  g_task_set_task_data (task, save, (GDestroyNotify) save_free);

  if (!task_id_is_usable (task_id))
    {
      download_start (luma_media_cache_session_for (self, url), url, dest, cancellable, progress_cb, progress_data,
                      NULL, luma_media_cache_save_async, save_download_cb,
                      g_steal_pointer (&task));
      return;
    }

  copy = g_task_new (self, cancellable, save_copy_cb, g_steal_pointer (&task));
  g_task_set_source_tag (copy, luma_media_cache_save_async);
  /* The outer task, the copy's user data, owns the Save. */
  g_task_set_task_data (copy, save, NULL);
  g_task_run_in_thread (copy, save_copy_thread);
}

gboolean
luma_media_cache_save_finish (LumaMediaCache  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}


/* ------------------------------------------------------------------ */
/* The command line's --download                                       */

typedef struct
{
  GMainContext *context;
  const char   *name;
  gboolean      show_progress;
  gboolean      done;
  gboolean      ok;
  GError       *error;
} SyncDownload;

static void
sync_progress_cb (goffset  bytes,
                  goffset  total,
                  gpointer user_data)
{
  SyncDownload *sync = user_data;
  g_autofree char *done = NULL;
  g_autofree char *all = NULL;

  if (!sync->show_progress)
    return;

  done = g_format_size (bytes);
  if (total >= 0)
    {
      all = g_format_size (total);
      /* TRANSLATORS: download progress: a file name, then "1.2 MB of 4.5 MB" */
      g_autofree char *line = g_strdup_printf (_("%s: %s of %s"), sync->name, done, all);

      g_printerr ("\r%s   ", line);
    }
  else
    g_printerr ("\r%s: %s   ", sync->name, done);
}

static void
sync_download_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  SyncDownload *sync = user_data;

  sync->ok = g_task_propagate_boolean (G_TASK (result), &sync->error);
  sync->done = TRUE;
  g_main_context_wakeup (sync->context);
}

/* Size the server announces for @url, or -1. */
static goffset
head_content_length (SoupSession *session,
                     const char  *url)
{
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_HEAD, url);
  g_autoptr(GInputStream) input = NULL;
  SoupMessageHeaders *headers;

  if (message == NULL)
    return -1;

  input = soup_session_send (session, message, NULL, NULL);
  if (input == NULL || !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
    return -1;

  headers = soup_message_get_response_headers (message);
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    return -1;

  return soup_message_headers_get_content_length (headers);
}

static goffset
local_file_size (GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  struct stat buf;

  if (path == NULL || stat (path, &buf) != 0 || !S_ISREG (buf.st_mode))
    return -1;

  return buf.st_size;
}

static gboolean
download_one_sync (LumaMediaCache  *cache,
                   SoupSession     *session,
                   GMainContext    *context,
                   const char      *task_id,
                   const char      *url,
                   LumaMediaKind    kind,
                   GFile           *dir,
                   gboolean         show_progress,
                   GError         **error)
{
  g_autofree char *name = g_strconcat (task_id, luma_media_kind_get_extension (kind), NULL);
  g_autoptr(GFile) dest = g_file_get_child (dir, name);
  g_autoptr(GFile) cached = luma_media_cache_lookup (cache, task_id, kind);
  goffset have = local_file_size (dest);
  SyncDownload sync = { 0, };

  if (have >= 0)
    {
      if (cached != NULL && local_file_size (cached) == have)
        return TRUE;
      if (cached == NULL && luma_media_url_is_allowed (url) &&
          head_content_length (session, url) == have)
        return TRUE;
    }

  if (cached != NULL)
    return copy_atomically (cached, dest, NULL, error);

  sync.context = context;
  sync.name = name;
  sync.show_progress = show_progress;
  download_start (session, url, dest, NULL, sync_progress_cb, &sync, NULL,
                  luma_media_download_task_sync, sync_download_cb, &sync);
  while (!sync.done)
    g_main_context_iteration (context, TRUE);

  if (show_progress)
    g_printerr ("\n");

  if (!sync.ok)
    {
      g_propagate_error (error, sync.error);
      return FALSE;
    }

  return TRUE;
}

static const char *
response_string (JsonObject *response,
                 const char *member)
{
  JsonNode *node = json_object_get_member (response, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

gboolean
luma_media_download_task_sync (LumaMediaCache  *cache,
                               JsonObject      *record,
                               GFile           *dir,
                               gboolean         show_progress,
                               GError         **error)
{
  g_autoptr(GMainContext) context = NULL;
  g_autoptr(SoupSession) direct = NULL;
  g_autoptr(SoupSession) proxied = NULL;
  JsonObject *response;
  const char *task_id;
  const char *video_url;
  const char *thumbnail_url;
  gboolean ok = TRUE;

  g_return_val_if_fail (cache == NULL || LUMA_IS_MEDIA_CACHE (cache), FALSE);
  g_return_val_if_fail (record != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (dir), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (luma_task_state_derive (record, NULL, NULL) != LUMA_TASK_STATE_COMPLETED)
    return TRUE;

  task_id = json_object_has_member (record, "id") ? json_object_get_string_member_with_default (record, "id", NULL) : NULL;
  if (!task_id_is_usable (task_id))
    {
      g_set_error (error, LUMA_ERROR, LUMA_ERROR_INVALID_DATA,
                   _("The task has no usable ID."));
      return FALSE;
    }

  response = json_object_get_object_member (record, "response");
  video_url = response ? response_string (response, "video_url") : NULL;
  thumbnail_url = response ? response_string (response, "thumbnail_url") : NULL;

  if (cache == NULL)
    cache = luma_media_cache_get_default ();

  {
    g_autoptr(GError) local_error = NULL;

    if (!g_file_make_directory_with_parents (dir, NULL, &local_error) &&
        !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
      {
        g_propagate_error (error, g_steal_pointer (&local_error));
        return FALSE;
      }
  }

  /* A context of its own, so a caller's main loop does not run meanwhile,
   * and a session created in it (sessions belong to their context). */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  direct = media_session_new (TRUE);
  proxied = media_session_new (FALSE);

  if (video_url != NULL)
    ok = download_one_sync (cache, url_is_loopback (video_url) ? direct : proxied,
                            context, task_id, video_url,
                            LUMA_MEDIA_KIND_VIDEO, dir, show_progress, error);
  if (ok && thumbnail_url != NULL)
    ok = download_one_sync (cache, url_is_loopback (thumbnail_url) ? direct : proxied,
                            context, task_id, thumbnail_url,
                            LUMA_MEDIA_KIND_THUMBNAIL, dir, show_progress, error);

  g_clear_object (&direct);
  g_clear_object (&proxied);
  /* Let the session's closing sources run before the context goes. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  return ok;
}
