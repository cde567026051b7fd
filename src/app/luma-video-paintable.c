/* luma-video-paintable.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-video-paintable"

#include "config.h"

#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "luma-video-paintable.h"

struct _LumaVideoPaintable
{
  GObject     parent_instance;

  /* Shared with the streaming threads. */
  GMutex      lock;
  GstSample  *pending;        /* newest frame not yet shown */
  guint       generation;     /* sinks of older generations are ignored */
  gboolean    idle_pending;

  /* Main thread only. */
  GdkTexture *texture;
  int         width;
  int         height;
  double      pixel_aspect;
  guint64     n_frames;
};

static void luma_video_paintable_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (LumaVideoPaintable, luma_video_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      luma_video_paintable_paintable_init))

typedef struct
{
  GWeakRef paintable;
  guint    generation;
} SinkData;

typedef struct
{
  GstVideoFrame frame;
  GstSample    *sample;
} FrameHold;

static void
sink_data_free (gpointer data)
{
  SinkData *sink_data = data;

  g_weak_ref_clear (&sink_data->paintable);
  g_free (sink_data);
}

static void
frame_hold_free (gpointer data)
{
  FrameHold *hold = data;

  gst_video_frame_unmap (&hold->frame);
  gst_sample_unref (hold->sample);
  g_free (hold);
}

/* Wraps the mapped frame without copying it: the texture keeps the
 * buffer mapped for as long as it lives. */
static GdkTexture *
texture_for_sample (GstSample *sample,
                    int       *width,
                    int       *height,
                    double    *pixel_aspect)
{
  GstVideoInfo info;
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstCaps *caps = gst_sample_get_caps (sample);
  g_autoptr(GBytes) bytes = NULL;
  FrameHold *hold;
  gsize stride;

  if (buffer == NULL || caps == NULL || !gst_video_info_from_caps (&info, caps))
    return NULL;
  if (GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_BGRA)
    return NULL;

  hold = g_new0 (FrameHold, 1);
  if (!gst_video_frame_map (&hold->frame, &info, buffer, GST_MAP_READ))
    {
      g_free (hold);
      return NULL;
    }
  hold->sample = gst_sample_ref (sample);

  stride = GST_VIDEO_FRAME_PLANE_STRIDE (&hold->frame, 0);
  *width = GST_VIDEO_FRAME_WIDTH (&hold->frame);
  *height = GST_VIDEO_FRAME_HEIGHT (&hold->frame);
  *pixel_aspect = GST_VIDEO_INFO_PAR_D (&info) > 0
                  ? (double) GST_VIDEO_INFO_PAR_N (&info) / GST_VIDEO_INFO_PAR_D (&info)
                  : 1.0;
  if (*pixel_aspect <= 0)
    *pixel_aspect = 1.0;

  bytes = g_bytes_new_with_free_func (GST_VIDEO_FRAME_PLANE_DATA (&hold->frame, 0),
                                      stride * *height, frame_hold_free, hold);

  /* The alpha of decoded video is opaque, so premultiplied is exact and
   * spares GTK a conversion. */
  return gdk_memory_texture_new (*width, *height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                 bytes, stride);
}

static gboolean
show_pending_frame (gpointer user_data)
{
  LumaVideoPaintable *self = user_data;
  g_autoptr(GstSample) sample = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = 0, height = 0;
  double pixel_aspect = 1.0;
  gboolean size_changed;

  g_mutex_lock (&self->lock);
  sample = g_steal_pointer (&self->pending);
  self->idle_pending = FALSE;
  g_mutex_unlock (&self->lock);

  if (sample == NULL)
    return G_SOURCE_REMOVE;

  texture = texture_for_sample (sample, &width, &height, &pixel_aspect);
  if (texture == NULL)
    return G_SOURCE_REMOVE;

  size_changed = width != self->width || height != self->height ||
                 pixel_aspect != self->pixel_aspect;
  g_set_object (&self->texture, texture);
  self->width = width;
  self->height = height;
  self->pixel_aspect = pixel_aspect;
  self->n_frames++;

  if (size_changed)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));

  return G_SOURCE_REMOVE;
}

/* Streaming thread: keep only the newest frame and wake the main thread
 * once for however many arrive before it runs. */
static void
push_sample (SinkData  *sink_data,
             GstSample *sample)
{
  g_autoptr(LumaVideoPaintable) self = g_weak_ref_get (&sink_data->paintable);

  if (self == NULL)
    {
      gst_sample_unref (sample);
      return;
    }

  g_mutex_lock (&self->lock);
  if (sink_data->generation != self->generation)
    {
      g_mutex_unlock (&self->lock);
      gst_sample_unref (sample);
      return;
    }

  g_clear_pointer (&self->pending, gst_sample_unref);
  self->pending = sample;

  if (!self->idle_pending)
    {
      self->idle_pending = TRUE;
      g_idle_add_full (G_PRIORITY_DEFAULT, show_pending_frame,
                       g_object_ref (self), g_object_unref);
    }
  g_mutex_unlock (&self->lock);
}

/* appsink reuses its sample object and needs it writable again: keep a
 * sample of our own over the same buffer and caps, not appsink's. */
static GstSample *
own_sample (GstSample *sample)
{
  GstSample *copy = gst_sample_new (gst_sample_get_buffer (sample),
                                    gst_sample_get_caps (sample),
                                    NULL, NULL);

  gst_sample_unref (sample);
  return copy;
}

static GstFlowReturn
on_new_sample (GstAppSink *sink,
               gpointer    user_data)
{
  GstSample *sample = gst_app_sink_pull_sample (sink);

  if (sample == NULL)
    return GST_FLOW_EOS;

  push_sample (user_data, own_sample (sample));
  return GST_FLOW_OK;
}

static GstFlowReturn
on_new_preroll (GstAppSink *sink,
                gpointer    user_data)
{
  GstSample *sample = gst_app_sink_pull_preroll (sink);

  /* A paused pipeline shows its first frame, and a seek while paused the
   * frame it landed on. */
  if (sample != NULL)
    push_sample (user_data, own_sample (sample));
  return GST_FLOW_OK;
}

GstElement *
luma_video_paintable_create_sink (LumaVideoPaintable *self)
{
  GstAppSinkCallbacks callbacks = { 0, };
  g_autoptr(GstCaps) caps = NULL;
  GstElement *sink;
  SinkData *sink_data;

  g_return_val_if_fail (LUMA_IS_VIDEO_PAINTABLE (self), NULL);

  sink = gst_element_factory_make ("appsink", NULL);
  if (sink == NULL)
    return NULL;

  caps = gst_caps_from_string ("video/x-raw, format=(string)BGRA");
  g_object_set (sink,
                "caps", caps,
                "max-buffers", 2,
                "drop", TRUE,
                "sync", TRUE,
                "qos", TRUE,
                "enable-last-sample", FALSE,
                NULL);

  sink_data = g_new0 (SinkData, 1);
  g_weak_ref_init (&sink_data->paintable, self);
  g_mutex_lock (&self->lock);
  sink_data->generation = self->generation;
  g_mutex_unlock (&self->lock);

  callbacks.new_sample = on_new_sample;
  callbacks.new_preroll = on_new_preroll;
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, sink_data, sink_data_free);

  return sink;
}

void
luma_video_paintable_clear (LumaVideoPaintable *self)
{
  gboolean had_frame;

  g_return_if_fail (LUMA_IS_VIDEO_PAINTABLE (self));

  g_mutex_lock (&self->lock);
  self->generation++;
  g_clear_pointer (&self->pending, gst_sample_unref);
  g_mutex_unlock (&self->lock);

  had_frame = self->texture != NULL;
  g_clear_object (&self->texture);
  self->width = 0;
  self->height = 0;
  self->pixel_aspect = 1.0;

  if (had_frame)
    {
      gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
      gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
    }
}

GdkTexture *
luma_video_paintable_get_texture (LumaVideoPaintable *self)
{
  g_return_val_if_fail (LUMA_IS_VIDEO_PAINTABLE (self), NULL);

  return self->texture;
}

int
luma_video_paintable_get_frame_width (LumaVideoPaintable *self)
{
  g_return_val_if_fail (LUMA_IS_VIDEO_PAINTABLE (self), 0);

  return self->width;
}

int
luma_video_paintable_get_frame_height (LumaVideoPaintable *self)
{
  g_return_val_if_fail (LUMA_IS_VIDEO_PAINTABLE (self), 0);

  return self->height;
}

guint64
luma_video_paintable_get_n_frames (LumaVideoPaintable *self)
{
  g_return_val_if_fail (LUMA_IS_VIDEO_PAINTABLE (self), 0);

  return self->n_frames;
}

static void
luma_video_paintable_snapshot (GdkPaintable *paintable,
                               GdkSnapshot  *snapshot,
                               double        width,
                               double        height)
{
  LumaVideoPaintable *self = LUMA_VIDEO_PAINTABLE (paintable);

  if (self->texture != NULL)
    gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
}

static GdkPaintable *
luma_video_paintable_get_current_image (GdkPaintable *paintable)
{
  LumaVideoPaintable *self = LUMA_VIDEO_PAINTABLE (paintable);

  if (self->texture != NULL)
    return GDK_PAINTABLE (g_object_ref (self->texture));

  return gdk_paintable_new_empty (0, 0);
}

static int
luma_video_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  LumaVideoPaintable *self = LUMA_VIDEO_PAINTABLE (paintable);

  return (int) (self->width * self->pixel_aspect + 0.5);
}

static int
luma_video_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  LumaVideoPaintable *self = LUMA_VIDEO_PAINTABLE (paintable);

  return self->height;
}

static double
luma_video_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  LumaVideoPaintable *self = LUMA_VIDEO_PAINTABLE (paintable);

  if (self->width == 0 || self->height == 0)
    return 0.0;

  return self->width * self->pixel_aspect / self->height;
}

static void
luma_video_paintable_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = luma_video_paintable_snapshot;
  iface->get_current_image = luma_video_paintable_get_current_image;
  iface->get_intrinsic_width = luma_video_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = luma_video_paintable_get_intrinsic_height;
  iface->get_intrinsic_aspect_ratio = luma_video_paintable_get_intrinsic_aspect_ratio;
}

static void
luma_video_paintable_finalize (GObject *object)
{
  LumaVideoPaintable *self = LUMA_VIDEO_PAINTABLE (object);

  g_clear_pointer (&self->pending, gst_sample_unref);
  g_clear_object (&self->texture);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (luma_video_paintable_parent_class)->finalize (object);
}

static void
luma_video_paintable_class_init (LumaVideoPaintableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = luma_video_paintable_finalize;
}

static void
luma_video_paintable_init (LumaVideoPaintable *self)
{
  g_mutex_init (&self->lock);
  self->pixel_aspect = 1.0;
}

LumaVideoPaintable *
luma_video_paintable_new (void)
{
  return g_object_new (LUMA_TYPE_VIDEO_PAINTABLE, NULL);
}
