/* luma-thumbnail-loader.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Loads thumbnails as textures: fetched through the media cache (so they
 * stay on disk), decoded and scaled in a worker thread, kept in a memory
 * cache bounded by size.
 *
 * Usage (LumaThumbnail does this for you):
 *   LumaThumbnailLoader *loader = luma_thumbnail_loader_get_default ();
 *   luma_thumbnail_loader_load_async (loader, task_id, url, 320, 180,
 *                                     cancellable, on_loaded, self);
 *   …in on_loaded: texture = luma_thumbnail_loader_load_finish (…, &error);
 *
 * At most a few fetches run at once; the others wait in a queue, and a
 * waiting request whose cancellable was cancelled is dropped before it
 * starts. A URL that failed (404, not an image, no network) is remembered
 * for the session: later loads fail at once with the same reason
 * (luma_thumbnail_loader_get_failure()), nothing is fetched again.
 */

#pragma once

#include <gtk/gtk.h>

#include "luma-media-cache.h"

G_BEGIN_DECLS

#define LUMA_THUMBNAIL_LOADER_DEFAULT_MAX_FETCHES 4
#define LUMA_THUMBNAIL_LOADER_DEFAULT_MEMORY_BYTES (64 * 1024 * 1024)

#define LUMA_TYPE_THUMBNAIL_LOADER (luma_thumbnail_loader_get_type ())

G_DECLARE_FINAL_TYPE (LumaThumbnailLoader, luma_thumbnail_loader, LUMA, THUMBNAIL_LOADER, GObject)

/* @cache NULL: the default media cache. */
LumaThumbnailLoader *luma_thumbnail_loader_new         (LumaMediaCache      *cache);
LumaThumbnailLoader *luma_thumbnail_loader_get_default (void);
/* Replaces the process-wide loader (tests); NULL drops it. */
void                 luma_thumbnail_loader_set_default (LumaThumbnailLoader *loader);

LumaMediaCache      *luma_thumbnail_loader_get_cache   (LumaThumbnailLoader *self);
void                 luma_thumbnail_loader_set_max_fetches  (LumaThumbnailLoader *self,
                                                             guint                max_fetches);
void                 luma_thumbnail_loader_set_memory_limit (LumaThumbnailLoader *self,
                                                             gsize                bytes);
/* Bytes of texture data held in memory. */
gsize                luma_thumbnail_loader_get_memory_size  (LumaThumbnailLoader *self);
/* Requests that reached the network or disk (queued ones dropped as
 * cancelled are not counted). */
guint                luma_thumbnail_loader_get_n_started    (LumaThumbnailLoader *self);

/* Scales to fit @width × @height keeping the aspect ratio (0 or less: the
 * image's own size). @task_id names the file in the disk cache; NULL keys
 * it by the URL. */
void                 luma_thumbnail_loader_load_async  (LumaThumbnailLoader *self,
                                                        const char          *task_id,
                                                        const char          *url,
                                                        int                  width,
                                                        int                  height,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GdkTexture          *luma_thumbnail_loader_load_finish (LumaThumbnailLoader *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
/* A texture already in memory for this URL and size, or NULL. */
GdkTexture          *luma_thumbnail_loader_lookup      (LumaThumbnailLoader *self,
                                                        const char          *url,
                                                        int                  width,
                                                        int                  height);
/* Why @url failed earlier in this session, or NULL. */
const char          *luma_thumbnail_loader_get_failure (LumaThumbnailLoader *self,
                                                        const char          *url);

G_END_DECLS
