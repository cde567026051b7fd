/* luma-sim-media.c: the videos and thumbnails of luma-tasks-sim
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Serves a task's media the way a CDN does: whole files or byte ranges
 * (so GStreamer can seek), HEAD too, with the error cases the app has to
 * survive: a page instead of a video, a codec it cannot decode, a missing
 * file and a thumbnail that is not an image.
 */

#define G_LOG_DOMAIN "luma-sim"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "luma-sim.h"

struct _SimMediaStore
{
  char *dir;
  GHashTable *files;         /* file name → GBytes */
};

SimMediaStore *
sim_media_store_new (const char *dir)
{
  SimMediaStore *store = g_new0 (SimMediaStore, 1);

  store->dir = g_strdup (dir);
  store->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) g_bytes_unref);

  return store;
}

void
sim_media_store_free (SimMediaStore *store)
{
  g_hash_table_unref (store->files);
  g_free (store->dir);
  g_free (store);
}

/* The file's bytes, mapped once and kept. */
static GBytes *
media_file (SimMediaStore *store,
            const char    *name)
{
  g_autofree char *path = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  GBytes *bytes = g_hash_table_lookup (store->files, name);

  if (bytes != NULL)
    return bytes;

  path = g_build_filename (store->dir, name, NULL);
  mapped = g_mapped_file_new (path, FALSE, NULL);
  if (mapped == NULL)
    return NULL;

  bytes = g_mapped_file_get_bytes (mapped);
  g_hash_table_insert (store->files, g_strdup (name), bytes);

  return bytes;
}

/* Which file answers for @task: NULL for a 404. */
static const char *
media_file_name (SimData  *data,
                 SimTask  *task,
                 gboolean  video)
{
  int width, height;
  gboolean portrait;

  if (task->media == SIM_MEDIA_MISSING)
    return NULL;
  if (video && task->media == SIM_MEDIA_NOT_A_VIDEO)
    return "not-a-video.html";
  if (video && task->media == SIM_MEDIA_UNDECODABLE)
    return "undecodable-av1.mp4";
  if (!video && task->media == SIM_MEDIA_BAD_THUMBNAIL)
    return "not-an-image.jpg";

  sim_data_video_size (data, task, &width, &height);
  portrait = height > width;
  if (video)
    return portrait ? "portrait.mp4" : "landscape.mp4";
  return portrait ? "portrait.jpg" : "landscape.jpg";
}

typedef enum
{
  RANGE_NONE,                /* absent or not understood: the whole file */
  RANGE_OK,
  RANGE_UNSATISFIABLE,
} RangeResult;

static gboolean
parse_offset (const char  *text,
              const char  *end,
              guint64     *value)
{
  g_autofree char *copy = g_strndup (text, end - text);

  if (*copy == '\0')
    return FALSE;
  return g_ascii_string_to_unsigned (copy, 10, 0, G_MAXUINT64, value, NULL);
}

/* RFC 9110 §14: the first range of "bytes=…"; other ranges are ignored. */
static RangeResult
parse_range (const char *header,
             guint64     total,
             guint64    *start,
             guint64    *end)
{
  const char *spec;
  const char *dash;
  const char *stop;
  guint64 first, last;

  if (header == NULL || !g_str_has_prefix (header, "bytes="))
    return RANGE_NONE;

  spec = header + strlen ("bytes=");
  while (*spec == ' ')
    spec++;
  stop = strchr (spec, ',');
  if (stop == NULL)
    stop = spec + strlen (spec);
  while (stop > spec && stop[-1] == ' ')
    stop--;
  dash = memchr (spec, '-', stop - spec);
  if (dash == NULL)
    return RANGE_NONE;

  if (dash == spec)
    {
      /* "-N": the last N bytes. */
      if (!parse_offset (dash + 1, stop, &last))
        return RANGE_NONE;
      if (last == 0 || total == 0)
        return RANGE_UNSATISFIABLE;
      *start = last >= total ? 0 : total - last;
      *end = total - 1;
      return RANGE_OK;
    }

  if (!parse_offset (spec, dash, &first))
    return RANGE_NONE;
  if (dash + 1 == stop)
    last = G_MAXUINT64;
  else if (!parse_offset (dash + 1, stop, &last) || last < first)
    return RANGE_NONE;

  if (first >= total)
    return RANGE_UNSATISFIABLE;

  *start = first;
  *end = MIN (last, total - 1);
  return RANGE_OK;
}

static guint
not_found (SoupServerMessage *msg)
{
  static const char text[] = "<html><body><h1>404 Not Found</h1></body></html>\n";

  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, text, strlen (text));

  return SOUP_STATUS_NOT_FOUND;
}

guint
sim_media_serve (SimMediaStore     *store,
                 SimData           *data,
                 SoupServerMessage *msg,
                 const char        *path)
{
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  const char *name = path + strlen ("/media/");
  const char *dot = strrchr (name, '.');
  g_autofree char *id = NULL;
  const char *file_name;
  const char *content_type;
  gboolean video;
  SimTask *task;
  GBytes *bytes;
  guint64 total, start = 0, end = 0;

  if (dot == NULL)
    return not_found (msg);
  if (g_str_equal (dot, ".mp4"))
    video = TRUE;
  else if (g_str_equal (dot, ".jpg"))
    video = FALSE;
  else
    return not_found (msg);

  id = g_strndup (name, dot - name);
  task = sim_data_lookup (data, id);
  if (task == NULL)
    return not_found (msg);

  file_name = media_file_name (data, task, video);
  if (file_name == NULL || (bytes = media_file (store, file_name)) == NULL)
    return not_found (msg);

  /* The type the URL promises, whatever the file really is: that is
   * the error case of the broken media. */
  content_type = video ? "video/mp4" : "image/jpeg";
  total = g_bytes_get_size (bytes);

  soup_message_headers_replace (headers, "Accept-Ranges", "bytes");
  soup_message_headers_replace (headers, "Cache-Control", "public, max-age=86400");
  soup_message_headers_replace (headers, "Content-Type", content_type);

  switch (parse_range (soup_message_headers_get_one (request_headers, "Range"), total, &start, &end))
    {
    case RANGE_UNSATISFIABLE:
      {
        g_autofree char *content_range = g_strdup_printf ("bytes */%" G_GUINT64_FORMAT, total);

        soup_message_headers_replace (headers, "Content-Range", content_range);
        soup_message_headers_remove (headers, "Content-Type");
        soup_server_message_set_status (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE, NULL);
        return SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE;
      }

    case RANGE_OK:
      {
        g_autoptr(GBytes) part = g_bytes_new_from_bytes (bytes, start, end - start + 1);

        soup_message_headers_set_content_range (headers, start, end, total);
        soup_message_body_append_bytes (body, part);
        soup_server_message_set_status (msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
        return SOUP_STATUS_PARTIAL_CONTENT;
      }

    case RANGE_NONE:
    default:
      /* An unparsable Range is ignored (RFC 9110); drop it so libsoup's
       * own range handling doesn't act on it either. */
      soup_message_headers_remove (request_headers, "Range");
      soup_message_body_append_bytes (body, bytes);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      return SOUP_STATUS_OK;
    }
}
