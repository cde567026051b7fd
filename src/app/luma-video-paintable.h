/* luma-video-paintable.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A GdkPaintable showing the frames of a GStreamer pipeline, without GL.
 *
 * Usage:
 *   LumaVideoPaintable *paintable = luma_video_paintable_new ();
 *   g_object_set (playbin, "video-sink", luma_video_paintable_create_sink (paintable), NULL);
 *   gtk_picture_set_paintable (picture, GDK_PAINTABLE (paintable));
 *
 * The sink is an appsink asking for BGRA frames; each frame becomes a
 * GdkMemoryTexture on the main thread (the newest one wins, older ones not
 * yet shown are dropped). luma_video_paintable_clear() forgets the frame
 * and detaches every sink created before it, so late frames of a pipeline
 * being torn down never show.
 */

#pragma once

#include <gtk/gtk.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define LUMA_TYPE_VIDEO_PAINTABLE (luma_video_paintable_get_type ())

G_DECLARE_FINAL_TYPE (LumaVideoPaintable, luma_video_paintable, LUMA, VIDEO_PAINTABLE, GObject)

LumaVideoPaintable *luma_video_paintable_new           (void);
/* A new floating appsink feeding this paintable. */
GstElement         *luma_video_paintable_create_sink   (LumaVideoPaintable *self);
void                luma_video_paintable_clear         (LumaVideoPaintable *self);
/* The frame shown now, or NULL. */
GdkTexture         *luma_video_paintable_get_texture   (LumaVideoPaintable *self);
/* Pixel size of the frames (0 before the first one). */
int                 luma_video_paintable_get_frame_width  (LumaVideoPaintable *self);
int                 luma_video_paintable_get_frame_height (LumaVideoPaintable *self);
/* Frames shown since creation. */
guint64             luma_video_paintable_get_n_frames  (LumaVideoPaintable *self);

G_END_DECLS
