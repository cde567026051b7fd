/* luma-preview.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-preview"

#include "config.h"

#include <glib/gi18n.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>
#include <libsoup/soup.h>

#include "luma-media-cache.h"
#include "luma-preview.h"
#include "luma-thumbnail.h"
#include "luma-video-paintable.h"

#define POSITION_INTERVAL_MS 200
/* A video played from its URL is kept in the cache only up to this size,
 * and only when it takes at most a quarter of the cache's bound. */
#define BACKGROUND_CACHE_MAX_BYTES (G_GINT64_CONSTANT (256) * 1024 * 1024)

struct _LumaPreview
{
  GtkWidget           parent_instance;

  /* Template children */
  GtkWidget          *overlay;
  GtkStack           *content_stack;
  LumaThumbnail      *poster;
  GtkPicture         *picture;
  GtkWidget          *status_box;
  GtkSpinner         *status_spinner;
  GtkWidget          *status_icon;
  GtkLabel           *status_label;
  GtkWidget          *poster_play_button;
  GtkWidget          *save_box;
  GtkLabel           *save_label;
  GtkProgressBar     *save_progress;
  GtkWidget          *save_cancel_button;
  GtkWidget          *controls;
  GtkButton          *play_button;
  GtkLabel           *position_label;
  GtkScale           *seek_scale;
  GtkAdjustment      *seek_adjustment;
  GtkLabel           *duration_label;
  GtkScaleButton     *volume_button;

  /* The media */
  LumaTask           *task;
  char               *task_id;
  char               *video_url;
  char               *thumbnail_url;
  guint               thumbnail_width;
  guint               thumbnail_height;

  /* Playback */
  LumaVideoPaintable *paintable;
  GstElement         *pipeline;
  char               *uri;
  gboolean            want_playing;
  gboolean            waiting_for_media;
  gboolean            is_live;
  gboolean            checked_streams;
  gboolean            reached_playing;
  gint64              pending_seek;
  char               *missing_plugin;
  gboolean            unplayable_type;
  guint               position_timer;
  GCancellable       *cache_cancellable;

  LumaPreviewState    state;
  gint64              position;
  gint64              duration;
  int                 buffering_percent;
  char               *error_message;
  gboolean            loop;
  gboolean            muted;
  double              volume;

  /* Saving */
  GCancellable       *save_cancellable;
  GtkNativeDialog    *chooser;
  gboolean            chooser_video;

  GtkWidget          *fullscreen_window;
};

G_DEFINE_FINAL_TYPE (LumaPreview, luma_preview, GTK_TYPE_WIDGET)

G_DEFINE_ENUM_TYPE (LumaPreviewState, luma_preview_state,
                    G_DEFINE_ENUM_VALUE (LUMA_PREVIEW_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (LUMA_PREVIEW_LOADING, "loading"),
                    G_DEFINE_ENUM_VALUE (LUMA_PREVIEW_BUFFERING, "buffering"),
                    G_DEFINE_ENUM_VALUE (LUMA_PREVIEW_PLAYING, "playing"),
                    G_DEFINE_ENUM_VALUE (LUMA_PREVIEW_PAUSED, "paused"),
                    G_DEFINE_ENUM_VALUE (LUMA_PREVIEW_ERROR, "error"))

enum {
  PROP_0,
  PROP_TASK,
  PROP_STATE,
  PROP_POSITION,
  PROP_DURATION,
  PROP_BUFFERING_PERCENT,
  PROP_ERROR_MESSAGE,
  PROP_LOOP,
  PROP_MUTED,
  PROP_VOLUME,
  PROP_PAINTABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint n_live_pipelines;

static void luma_preview_update_ui (LumaPreview *self);
static void release_pipeline (LumaPreview *self);

guint
luma_preview_get_n_live_pipelines (void)
{
  return g_atomic_int_get (&n_live_pipelines);
}

static void
pipeline_finalized (gpointer  data,
                    GObject  *where_the_object_was)
{
  g_atomic_int_dec_and_test (&n_live_pipelines);
}

/* ------------------------------------------------------------------ */
/* Properties that change as it plays                                  */

static void
set_state (LumaPreview      *self,
           LumaPreviewState  state)
{
  if (self->state == state)
    return;

  g_debug ("State %d → %d", self->state, state);
  self->state = state;
  luma_preview_update_ui (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_error (LumaPreview *self,
           const char  *message)
{
  if (g_strcmp0 (self->error_message, message) != 0)
    {
      g_free (self->error_message);
      self->error_message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
    }

  if (message != NULL)
    set_state (self, LUMA_PREVIEW_ERROR);
  else
    luma_preview_update_ui (self);
}

static void
set_buffering_percent (LumaPreview *self,
                       int          percent)
{
  if (self->buffering_percent == percent)
    return;

  self->buffering_percent = percent;
  luma_preview_update_ui (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUFFERING_PERCENT]);
}

static char *
format_time (gint64 nanoseconds)
{
  gint64 seconds = nanoseconds > 0 ? nanoseconds / GST_SECOND : 0;

  if (seconds >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d",
                            seconds / 3600, (int) (seconds / 60 % 60), (int) (seconds % 60));
  return g_strdup_printf ("%d:%02d", (int) (seconds / 60), (int) (seconds % 60));
}

static void
set_times (LumaPreview *self,
           gint64       position,
           gint64       duration)
{
  g_object_freeze_notify (G_OBJECT (self));

  if (self->duration != duration)
    {
      g_autofree char *text = format_time (duration);

      self->duration = duration;
      gtk_label_set_label (self->duration_label, text);
      gtk_adjustment_set_upper (self->seek_adjustment,
                                duration > 0 ? (double) duration / GST_SECOND : 1.0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION]);
    }

  if (self->position != position)
    {
      g_autofree char *text = format_time (position);

      self->position = position;
      gtk_label_set_label (self->position_label, text);
      gtk_adjustment_set_value (self->seek_adjustment,
                                position > 0 ? (double) position / GST_SECOND : 0.0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

static void
query_times (LumaPreview *self)
{
  gint64 position = -1, duration = -1;

  if (self->pipeline == NULL)
    return;

  if (!gst_element_query_position (self->pipeline, GST_FORMAT_TIME, &position))
    position = self->position;
  if (!gst_element_query_duration (self->pipeline, GST_FORMAT_TIME, &duration))
    duration = self->duration;

  set_times (self, position, duration);
}

static gboolean
position_tick (gpointer user_data)
{
  query_times (LUMA_PREVIEW (user_data));
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------ */
/* What the overlay shows                                              */

static void
luma_preview_update_ui (LumaPreview *self)
{
  gboolean has_video = self->video_url != NULL;
  gboolean active = self->pipeline != NULL;
  gboolean playing_wanted = (active || self->waiting_for_media) && self->want_playing;
  const char *status_text = NULL;
  g_autofree char *buffering = NULL;
  gboolean spinner = FALSE;
  gboolean error = self->state == LUMA_PREVIEW_ERROR;

  switch (self->state)
    {
    case LUMA_PREVIEW_LOADING:
      status_text = _("Loading…");
      spinner = TRUE;
      break;
    case LUMA_PREVIEW_BUFFERING:
      /* TRANSLATORS: %d is a percentage */
      buffering = g_strdup_printf (_("Buffering… %d %%"), self->buffering_percent);
      status_text = buffering;
      spinner = TRUE;
      break;
    case LUMA_PREVIEW_ERROR:
      status_text = self->error_message;
      break;
    case LUMA_PREVIEW_IDLE:
      if (!has_video && self->task_id != NULL)
        status_text = _("This task has no video yet.");
      break;
    case LUMA_PREVIEW_PLAYING:
    case LUMA_PREVIEW_PAUSED:
    default:
      break;
    }

  gtk_widget_set_visible (self->status_box, status_text != NULL);
  gtk_label_set_label (self->status_label, status_text ? status_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_spinner), spinner);
  gtk_spinner_set_spinning (self->status_spinner, spinner);
  gtk_widget_set_visible (self->status_icon, error);

  gtk_widget_set_visible (self->poster_play_button,
                          has_video && self->state == LUMA_PREVIEW_IDLE);
  gtk_widget_set_visible (self->controls, has_video);

  gtk_button_set_icon_name (self->play_button,
                            playing_wanted ? "media-playback-pause-symbolic"
                                           : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button),
                               playing_wanted ? _("Pause") : _("Play"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->seek_scale), active && !self->is_live);

  gtk_stack_set_visible_child_name (self->content_stack,
                                    active && luma_video_paintable_get_texture (self->paintable)
                                    ? "video" : "poster");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.toggle-play", has_video);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.fullscreen",
                                 has_video || self->fullscreen_window != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.save-video",
                                 has_video && self->save_cancellable == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.save-thumbnail",
                                 self->thumbnail_url != NULL && self->save_cancellable == NULL);
}

static void
on_paintable_invalidate (LumaPreview *self)
{
  /* The first frame replaces the poster. */
  if (self->pipeline != NULL &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "video") != 0)
    luma_preview_update_ui (self);
}

/* ------------------------------------------------------------------ */
/* Errors, in words                                                    */

static gboolean
missing_plugin_has_media_prefix (GstMessage *message,
                                 const char *prefix)
{
  const GstStructure *structure = gst_message_get_structure (message);
  g_autoptr(GstCaps) caps = NULL;

  if (!gst_structure_get (structure, "detail", GST_TYPE_CAPS, &caps, NULL) ||
      caps == NULL || gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return FALSE;

  return g_str_has_prefix (gst_structure_get_name (gst_caps_get_structure (caps, 0)), prefix);
}

static gboolean
missing_plugin_is_for_video (GstMessage *message)
{
  return missing_plugin_has_media_prefix (message, "video/");
}

static gboolean
missing_plugin_is_for_audio (GstMessage *message)
{
  return missing_plugin_has_media_prefix (message, "audio/");
}

static char *
describe_error (LumaPreview  *self,
                GError       *error,
                const GstStructure *details)
{
  guint status = 0;

  if (self->missing_plugin != NULL)
    return g_strdup_printf (_("The video cannot be played: a decoder is missing (%s)."),
                            self->missing_plugin);

  if (self->unplayable_type)
    return g_strdup (_("The file is not a video."));

  if (details != NULL)
    gst_structure_get_uint (details, "http-status-code", &status);

  if (status >= 400)
    {
      const char *phrase = soup_status_get_phrase (status);

      return g_strdup_printf (_("The video could not be downloaded: the server answered %u (%s)."),
                              status, phrase ? phrase : "");
    }

  if (g_error_matches (error, GST_STREAM_ERROR, GST_STREAM_ERROR_TYPE_NOT_FOUND) ||
      g_error_matches (error, GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE))
    return g_strdup (_("The file is not a video."));

  if (g_error_matches (error, GST_STREAM_ERROR, GST_STREAM_ERROR_CODEC_NOT_FOUND) ||
      g_error_matches (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN))
    return g_strdup (_("The video cannot be played: no decoder for its format is installed."));

  if (error->domain == GST_RESOURCE_ERROR)
    return g_strdup_printf (_("The video could not be downloaded: %s"), error->message);

  return g_strdup_printf (_("The video could not be played: %s"), error->message);
}

static void
fail (LumaPreview *self,
      const char  *message)
{
  g_info ("Playback failed: %s", message);
  release_pipeline (self);
  set_error (self, message);
}

/* ------------------------------------------------------------------ */
/* Keeping played videos for offline use                               */

typedef struct
{
  GCancellable *cancellable;
  guint64       limit;
} CacheJob;

static void
cache_job_free (gpointer data)
{
  CacheJob *job = data;

  g_object_unref (job->cancellable);
  g_free (job);
}

static void
cache_progress_cb (goffset  bytes,
                   goffset  total,
                   gpointer user_data)
{
  CacheJob *job = user_data;

  if ((total >= 0 && (guint64) total > job->limit) || (guint64) bytes > job->limit)
    g_cancellable_cancel (job->cancellable);
}

static void
cache_fetch_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  file = luma_media_cache_fetch_finish (LUMA_MEDIA_CACHE (source), result, &error);
  if (file == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("The video was not kept in the cache: %s", error->message);

  cache_job_free (user_data);
}

static void
start_background_caching (LumaPreview *self)
{
  LumaMediaCache *cache = luma_media_cache_get_default ();
  CacheJob *job;

  if (self->uri == NULL || g_str_has_prefix (self->uri, "file:") ||
      self->task_id == NULL || self->cache_cancellable != NULL)
    return;

  self->cache_cancellable = g_cancellable_new ();
  job = g_new0 (CacheJob, 1);
  job->cancellable = g_object_ref (self->cache_cancellable);
  job->limit = MIN ((guint64) BACKGROUND_CACHE_MAX_BYTES,
                    luma_media_cache_get_max_size (cache) / 4);

  luma_media_cache_fetch_async (cache, self->task_id, self->video_url, LUMA_MEDIA_KIND_VIDEO,
                                job->cancellable, cache_progress_cb, job,
                                cache_fetch_cb, job);
}

/* ------------------------------------------------------------------ */
/* GStreamer, on first use                                             */

/* Most starts of the app play no video. GStreamer is initialized (which
 * reads its plug-in registry, or builds it, for seconds, on a first start)
 * and the plug-ins a video needs are loaded (the H.264 decoder alone
 * brings in libavcodec and well over a hundred libraries: hundreds of
 * milliseconds) in a thread once a task with a video is shown, while its
 * poster is looked at. Play waits only for what the main thread uses, so
 * the window never waits for the decoder. */

typedef enum
{
  MEDIA_UNPREPARED,
  MEDIA_PREPARING,
  MEDIA_READY,
} MediaState;

/* Main thread only. */
static MediaState media_state;
static gboolean media_initialized;
static GSList *media_waiters;   /* previews whose Play waits for GStreamer */

static void media_ready (LumaPreview *self);

/* What building and starting a playbin creates on the main thread. */
static const char * const main_thread_features[] = {
  "playbin", "uridecodebin", "appsink", "souphttpsrc", "filesrc", "typefind",
  "queue2", "decodebin",
};

/* What its streaming threads create as an MP4 video starts, but for the
 * decoder: the MP4 type finder, the demuxer, and what converts the frames
 * for the paintable. */
static const char * const streaming_features[] = {
  "video/quicktime", "qtdemux", "multiqueue", "queue", "videoconvert", "videoscale",
};

static void
load_feature (const char *name)
{
  GstPluginFeature *feature = gst_registry_lookup_feature (gst_registry_get (), name);
  GstPluginFeature *loaded;

  if (feature == NULL)
    return;

  loaded = gst_plugin_feature_load (feature);
  g_clear_pointer (&loaded, gst_object_unref);
  gst_object_unref (feature);
}

/* The decoder decodebin would choose for @caps: the highest ranked. */
static void
load_decoder (const char *caps_text)
{
  g_autoptr(GstCaps) caps = gst_caps_from_string (caps_text);
  GList *factories, *usable;

  factories = gst_element_factory_list_get_elements (GST_ELEMENT_FACTORY_TYPE_DECODER |
                                                     GST_ELEMENT_FACTORY_TYPE_MEDIA_VIDEO,
                                                     GST_RANK_MARGINAL);
  usable = gst_element_factory_list_filter (factories, caps, GST_PAD_SINK, FALSE);
  usable = g_list_sort (usable, gst_plugin_feature_rank_compare_func);
  if (usable != NULL)
    {
      GstPluginFeature *loaded = gst_plugin_feature_load (usable->data);

      g_clear_pointer (&loaded, gst_object_unref);
    }

  gst_plugin_feature_list_free (usable);
  gst_plugin_feature_list_free (factories);
}

static gboolean
media_prepared_cb (gpointer user_data)
{
  GSList *waiters = g_steal_pointer (&media_waiters);

  media_initialized = GPOINTER_TO_INT (user_data);
  media_state = MEDIA_READY;

  for (GSList *l = waiters; l != NULL; l = l->next)
    media_ready (l->data);
  g_slist_free (waiters);

  return G_SOURCE_REMOVE;
}

static gpointer
prepare_media_thread (gpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  if (!gst_init_check (NULL, NULL, &error))
    {
      g_info ("GStreamer could not be initialized: %s", error->message);
      g_idle_add_full (G_PRIORITY_DEFAULT, media_prepared_cb, GINT_TO_POINTER (FALSE), NULL);
      return NULL;
    }
  /* The missing-plugin descriptions come from pbutils. */
  gst_pb_utils_init ();

  for (guint i = 0; i < G_N_ELEMENTS (main_thread_features); i++)
    load_feature (main_thread_features[i]);
  g_debug ("GStreamer ready to play after %" G_GINT64_FORMAT " ms",
           (g_get_monotonic_time () - start) / 1000);
  g_idle_add_full (G_PRIORITY_DEFAULT, media_prepared_cb, GINT_TO_POINTER (TRUE), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (streaming_features); i++)
    load_feature (streaming_features[i]);
  /* The service's videos are H.264 in MP4. */
  load_decoder ("video/x-h264, stream-format=(string)avc, alignment=(string)au");
  g_debug ("GStreamer plug-ins loaded after %" G_GINT64_FORMAT " ms",
           (g_get_monotonic_time () - start) / 1000);

  return NULL;
}

static void
prepare_media (void)
{
  if (media_state != MEDIA_UNPREPARED)
    return;

  media_state = MEDIA_PREPARING;
  g_thread_unref (g_thread_new ("luma-gst-load", prepare_media_thread, NULL));
}

/* TRUE when playback can start now; otherwise @self plays once it can. */
static gboolean
media_ready_or_wait (LumaPreview *self)
{
  if (media_state == MEDIA_READY)
    return TRUE;

  prepare_media ();
  if (!self->waiting_for_media)
    {
      self->waiting_for_media = TRUE;
      media_waiters = g_slist_prepend (media_waiters, self);
    }

  return FALSE;
}

static void
stop_waiting_for_media (LumaPreview *self)
{
  if (!self->waiting_for_media)
    return;

  self->waiting_for_media = FALSE;
  media_waiters = g_slist_remove (media_waiters, self);
}

static void
media_ready (LumaPreview *self)
{
  self->waiting_for_media = FALSE;
  if (self->want_playing && self->pipeline == NULL)
    luma_preview_play (self);
}

/* ------------------------------------------------------------------ */
/* The pipeline                                                        */

static void
apply_target_state (LumaPreview *self)
{
  GstStateChangeReturn ret;

  if (self->pipeline == NULL)
    return;

  /* While buffering, the pipeline waits paused whatever the user wants;
   * it resumes at 100 %. */
  if (self->want_playing && self->state != LUMA_PREVIEW_BUFFERING)
    ret = gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
  else
    ret = gst_element_set_state (self->pipeline, GST_STATE_PAUSED);

  if (ret == GST_STATE_CHANGE_NO_PREROLL)
    self->is_live = TRUE;
}

static void
check_streams (LumaPreview *self)
{
  int n_video = 0;

  if (self->checked_streams || self->pipeline == NULL)
    return;
  self->checked_streams = TRUE;

  g_object_get (self->pipeline, "n-video", &n_video, NULL);
  if (n_video == 0)
    {
      g_autofree char *message = NULL;

      if (self->missing_plugin != NULL && !self->unplayable_type)
        message = g_strdup_printf (_("The video cannot be played: a decoder is missing (%s)."),
                                   self->missing_plugin);
      else
        message = g_strdup (_("The file is not a video."));
      fail (self, message);
    }
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  LumaPreview *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;
        g_autofree char *text = NULL;
        const GstStructure *details = NULL;

        gst_message_parse_error (message, &error, &debug);
        gst_message_parse_error_details (message, &details);
        g_debug ("GStreamer error from %s: %s (%s)", GST_MESSAGE_SRC_NAME (message),
                 error->message, debug ? debug : "");
        text = describe_error (self, error, details);
        fail (self, text);
        return G_SOURCE_REMOVE;
      }

    case GST_MESSAGE_EOS:
      if (self->loop)
        {
          gst_element_seek_simple (self->pipeline, GST_FORMAT_TIME,
                                   GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT, 0);
        }
      else
        {
          self->want_playing = FALSE;
          apply_target_state (self);
          set_times (self, self->duration, self->duration);
          set_state (self, LUMA_PREVIEW_PAUSED);
        }
      break;

    case GST_MESSAGE_BUFFERING:
      {
        int percent = 100;

        if (self->is_live)
          break;

        gst_message_parse_buffering (message, &percent);
        set_buffering_percent (self, percent);

        /* As Clapper does: hold the pipeline paused until the queue is
         * full, then go on to what the user wanted. */
        if (percent < 100 && self->state != LUMA_PREVIEW_BUFFERING &&
            self->state != LUMA_PREVIEW_ERROR)
          {
            set_state (self, LUMA_PREVIEW_BUFFERING);
            apply_target_state (self);
          }
        else if (percent >= 100 && self->state == LUMA_PREVIEW_BUFFERING)
          {
            set_state (self, self->want_playing ? LUMA_PREVIEW_LOADING : LUMA_PREVIEW_PAUSED);
            apply_target_state (self);
          }
      }
      break;

    case GST_MESSAGE_STATE_CHANGED:
      if (GST_MESSAGE_SRC (message) == GST_OBJECT (self->pipeline))
        {
          GstState old_state, new_state, pending;

          gst_message_parse_state_changed (message, &old_state, &new_state, &pending);
          if (new_state >= GST_STATE_PAUSED)
            {
              check_streams (self);
              if (self->pipeline == NULL)
                return G_SOURCE_REMOVE;
            }

          if (self->state == LUMA_PREVIEW_BUFFERING)
            break;

          if (new_state == GST_STATE_PLAYING)
            {
              set_state (self, LUMA_PREVIEW_PLAYING);
              if (!self->reached_playing)
                {
                  self->reached_playing = TRUE;
                  start_background_caching (self);
                }
            }
          else if (new_state == GST_STATE_PAUSED && pending == GST_STATE_VOID_PENDING &&
                   !self->want_playing)
            {
              set_state (self, LUMA_PREVIEW_PAUSED);
            }
          query_times (self);
        }
      break;

    case GST_MESSAGE_ASYNC_DONE:
      if (self->pending_seek >= 0)
        {
          gint64 target = self->pending_seek;

          self->pending_seek = -1;
          gst_element_seek_simple (self->pipeline, GST_FORMAT_TIME,
                                   GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT, target);
        }
      query_times (self);
      break;

    case GST_MESSAGE_DURATION_CHANGED:
      query_times (self);
      break;

    case GST_MESSAGE_ELEMENT:
      if (gst_is_missing_plugin_message (message))
        {
          g_autofree char *description = gst_missing_plugin_message_get_description (message);

          g_info ("Missing plug-in: %s", description);
          /* Only a missing video decoder (or demuxer) is worth naming; an
           * HTML page "needs" a text/html decoder: it is not a video. */
          if (missing_plugin_is_for_video (message))
            {
              g_free (self->missing_plugin);
              self->missing_plugin = g_steal_pointer (&description);
            }
          else if (!missing_plugin_is_for_audio (message))
            {
              self->unplayable_type = TRUE;
            }
        }
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
create_pipeline (LumaPreview *self)
{
  g_autoptr(GFile) cached = NULL;
  g_autoptr(GstBus) bus = NULL;
  GstElement *sink;

  g_assert (self->pipeline == NULL);

  if (!media_initialized)
    {
      fail (self, _("The video cannot be played: GStreamer could not be initialized."));
      return FALSE;
    }

  cached = luma_media_cache_lookup (luma_media_cache_get_default (), self->task_id,
                                    LUMA_MEDIA_KIND_VIDEO);
  if (cached != NULL)
    {
      self->uri = g_file_get_uri (cached);
    }
  else if (luma_media_url_is_allowed (self->video_url))
    {
      self->uri = g_strdup (self->video_url);
    }
  else
    {
      fail (self, _("The video address is not a secure (https://) address."));
      return FALSE;
    }

  self->pipeline = gst_element_factory_make ("playbin", NULL);
  sink = luma_video_paintable_create_sink (self->paintable);
  if (self->pipeline == NULL || sink == NULL)
    {
      if (sink != NULL)
        gst_object_unref (gst_object_ref_sink (sink));
      gst_clear_object (&self->pipeline);
      g_clear_pointer (&self->uri, g_free);
      fail (self, _("The video cannot be played: GStreamer’s playback plug-ins are not installed."));
      return FALSE;
    }

  gst_object_ref_sink (self->pipeline);
  g_atomic_int_inc (&n_live_pipelines);
  g_object_weak_ref (G_OBJECT (self->pipeline), pipeline_finalized, NULL);

  g_debug ("Playing %s", self->uri);
  g_object_set (self->pipeline,
                "uri", self->uri,
                "video-sink", sink,
                "volume", self->volume,
                "mute", self->muted,
                NULL);
  /* Only what a video of the service needs: no subtitles, no colour
   * balance and no deinterlacing (its videos are progressive), whose
   * plug-in would otherwise be loaded and linked before the first frame. */
  gst_util_set_object_arg (G_OBJECT (self->pipeline), "flags", "video+audio+soft-volume");

  bus = gst_element_get_bus (self->pipeline);
  gst_bus_add_watch (bus, on_bus_message, self);

  self->is_live = FALSE;
  self->checked_streams = FALSE;
  self->reached_playing = FALSE;
  self->pending_seek = -1;
  g_clear_pointer (&self->missing_plugin, g_free);

  self->position_timer = g_timeout_add (POSITION_INTERVAL_MS, position_tick, self);

  return TRUE;
}

static void
release_pipeline (LumaPreview *self)
{
  stop_waiting_for_media (self);

  if (self->cache_cancellable != NULL)
    {
      g_cancellable_cancel (self->cache_cancellable);
      g_clear_object (&self->cache_cancellable);
    }

  g_clear_handle_id (&self->position_timer, g_source_remove);

  if (self->pipeline != NULL)
    {
      g_autoptr(GstBus) bus = gst_element_get_bus (self->pipeline);

      gst_bus_remove_watch (bus);
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      /* Messages still queued hold references to the elements. */
      gst_bus_set_flushing (bus, TRUE);
      gst_clear_object (&self->pipeline);
    }

  g_clear_pointer (&self->uri, g_free);
  g_clear_pointer (&self->missing_plugin, g_free);
  self->unplayable_type = FALSE;
  self->want_playing = FALSE;
  self->is_live = FALSE;
  self->pending_seek = -1;

  luma_video_paintable_clear (self->paintable);
  set_buffering_percent (self, 0);
  set_times (self, -1, -1);
}

/* ------------------------------------------------------------------ */
/* Public playback API                                                 */

void
luma_preview_play (LumaPreview *self)
{
  g_return_if_fail (LUMA_IS_PREVIEW (self));

  if (self->video_url == NULL)
    return;

  if (self->state == LUMA_PREVIEW_ERROR)
    set_error (self, NULL);

  self->want_playing = TRUE;
  if (self->pipeline == NULL)
    {
      if (!media_ready_or_wait (self))
        {
          set_state (self, LUMA_PREVIEW_LOADING);
          luma_preview_update_ui (self);
          return;
        }
      if (!create_pipeline (self))
        return;
      set_state (self, LUMA_PREVIEW_LOADING);
    }

  apply_target_state (self);
  if (self->state == LUMA_PREVIEW_PAUSED)
    set_state (self, LUMA_PREVIEW_LOADING);
  luma_preview_update_ui (self);
}

void
luma_preview_pause (LumaPreview *self)
{
  g_return_if_fail (LUMA_IS_PREVIEW (self));

  /* Nothing shown yet: back to the poster. */
  if (self->waiting_for_media)
    {
      luma_preview_stop (self);
      return;
    }

  if (self->pipeline == NULL)
    return;

  self->want_playing = FALSE;
  apply_target_state (self);
  if (self->state == LUMA_PREVIEW_PLAYING)
    set_state (self, LUMA_PREVIEW_PAUSED);
  luma_preview_update_ui (self);
}

void
luma_preview_stop (LumaPreview *self)
{
  g_return_if_fail (LUMA_IS_PREVIEW (self));

  release_pipeline (self);
  g_clear_pointer (&self->error_message, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
  set_state (self, LUMA_PREVIEW_IDLE);
  luma_preview_update_ui (self);
}

void
luma_preview_seek (LumaPreview *self,
                   gint64       position)
{
  GstState current = GST_STATE_NULL;

  g_return_if_fail (LUMA_IS_PREVIEW (self));

  if (self->pipeline == NULL || self->is_live)
    return;

  position = MAX (position, 0);
  gst_element_get_state (self->pipeline, &current, NULL, 0);
  if (current < GST_STATE_PAUSED)
    {
      /* Not prerolled yet: seek once it is. */
      self->pending_seek = position;
      return;
    }

  gst_element_seek_simple (self->pipeline, GST_FORMAT_TIME,
                           GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT, position);
  set_times (self, position, self->duration);
}

static gboolean
on_seek_change_value (LumaPreview   *self,
                      GtkScrollType  scroll,
                      double         value)
{
  luma_preview_seek (self, (gint64) (value * GST_SECOND));
  return FALSE;
}

/* ------------------------------------------------------------------ */
/* Full screen                                                          */

static void
leave_fullscreen (LumaPreview *self)
{
  if (self->fullscreen_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->fullscreen_window));
}

static gboolean
on_fullscreen_key (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   LumaPreview           *self)
{
  switch (keyval)
    {
    case GDK_KEY_Escape:
    case GDK_KEY_f:
    case GDK_KEY_F:
      leave_fullscreen (self);
      return TRUE;
    case GDK_KEY_space:
      gtk_widget_activate_action (GTK_WIDGET (self), "preview.toggle-play", NULL);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
on_fullscreen_destroy (LumaPreview *self)
{
  self->fullscreen_window = NULL;
  luma_preview_update_ui (self);
}

static void
enter_fullscreen (LumaPreview *self)
{
  GtkWidget *picture;
  GtkEventController *keys;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->fullscreen_window != NULL)
    return;

  /* A window of its own showing the same paintable: the preview stays
   * where it is, so nothing in the details pane moves. */
  self->fullscreen_window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (self->fullscreen_window), _("Preview"));
  gtk_widget_add_css_class (self->fullscreen_window, "luma-preview-fullscreen");
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (self->fullscreen_window), GTK_WINDOW (root));

  picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (self->paintable));
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_window_set_child (GTK_WINDOW (self->fullscreen_window), picture);

  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_fullscreen_key), self);
  gtk_widget_add_controller (self->fullscreen_window, keys);

  g_signal_connect_swapped (self->fullscreen_window, "destroy",
                            G_CALLBACK (on_fullscreen_destroy), self);

  gtk_window_fullscreen (GTK_WINDOW (self->fullscreen_window));
  gtk_window_present (GTK_WINDOW (self->fullscreen_window));
  luma_preview_update_ui (self);
}

/* ------------------------------------------------------------------ */
/* Saving                                                              */

static void
save_progress_cb (goffset  bytes,
                  goffset  total,
                  gpointer user_data)
{
  LumaPreview *self = user_data;
  g_autofree char *done = g_format_size (bytes);
  g_autofree char *text = NULL;

  if (total > 0)
    {
      g_autofree char *all = g_format_size (total);

      /* TRANSLATORS: download progress, "1.2 MB of 4.5 MB" */
      text = g_strdup_printf (_("Saving… %s of %s"), done, all);
      gtk_progress_bar_set_fraction (self->save_progress, (double) bytes / total);
    }
  else
    {
      text = g_strdup_printf (_("Saving… %s"), done);
      gtk_progress_bar_pulse (self->save_progress);
    }

  gtk_label_set_label (self->save_label, text);
}

static void
save_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(LumaPreview) self = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->save_cancellable);

  if (!luma_media_cache_save_finish (LUMA_MEDIA_CACHE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          gtk_widget_set_visible (self->save_box, FALSE);
        }
      else
        {
          g_autofree char *text = g_strdup_printf (_("The file could not be saved: %s"),
                                                   error->message);

          /* Stays until dismissed, so the reason can be read. */
          gtk_label_set_label (self->save_label, text);
          gtk_widget_set_visible (GTK_WIDGET (self->save_progress), FALSE);
          gtk_widget_set_tooltip_text (self->save_cancel_button, _("Close"));
          gtk_button_set_icon_name (GTK_BUTTON (self->save_cancel_button), "window-close-symbolic");
        }
    }
  else
    {
      gtk_widget_set_visible (self->save_box, FALSE);
    }

  if (gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
    luma_preview_update_ui (self);
}

static void
on_save_cancel_clicked (LumaPreview *self)
{
  if (self->save_cancellable != NULL)
    g_cancellable_cancel (self->save_cancellable);
  else
    gtk_widget_set_visible (self->save_box, FALSE);
}

void
luma_preview_save_to_file (LumaPreview *self,
                           gboolean     video,
                           GFile       *file)
{
  const char *url;

  g_return_if_fail (LUMA_IS_PREVIEW (self));
  g_return_if_fail (G_IS_FILE (file));

  url = video ? self->video_url : self->thumbnail_url;
  if (url == NULL || self->save_cancellable != NULL)
    return;

  self->save_cancellable = g_cancellable_new ();
  gtk_label_set_label (self->save_label, _("Saving…"));
  gtk_progress_bar_set_fraction (self->save_progress, 0.0);
  gtk_widget_set_visible (GTK_WIDGET (self->save_progress), TRUE);
  gtk_widget_set_tooltip_text (self->save_cancel_button, _("Cancel"));
  gtk_button_set_icon_name (GTK_BUTTON (self->save_cancel_button), "process-stop-symbolic");
  gtk_widget_set_visible (self->save_box, TRUE);

  luma_media_cache_save_async (luma_media_cache_get_default (), self->task_id, url,
                               video ? LUMA_MEDIA_KIND_VIDEO : LUMA_MEDIA_KIND_THUMBNAIL,
                               file, self->save_cancellable, save_progress_cb, self,
                               save_cb, g_object_ref (self));
  luma_preview_update_ui (self);
}

gboolean
luma_preview_is_saving (LumaPreview *self)
{
  g_return_val_if_fail (LUMA_IS_PREVIEW (self), FALSE);

  return self->save_cancellable != NULL;
}

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     LumaPreview     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        luma_preview_save_to_file (self, self->chooser_video, file);
    }

  gtk_native_dialog_destroy (dialog);
  g_clear_object (&self->chooser);
}

static void
show_save_chooser (LumaPreview *self,
                   gboolean     video)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (video ? _("Save Video") : _("Save Thumbnail"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  name = g_strconcat (self->task_id ? self->task_id : "video",
                      video ? ".mp4" : ".jpg", NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);

  self->chooser = GTK_NATIVE_DIALOG (chooser);
  self->chooser_video = video;
  g_signal_connect (chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (self->chooser);
}

/* ------------------------------------------------------------------ */
/* Actions                                                             */

static void
toggle_play_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  LumaPreview *self = LUMA_PREVIEW (widget);

  if ((self->pipeline != NULL || self->waiting_for_media) && self->want_playing)
    luma_preview_pause (self);
  else
    luma_preview_play (self);
}

static void
fullscreen_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  LumaPreview *self = LUMA_PREVIEW (widget);

  if (self->fullscreen_window != NULL)
    {
      leave_fullscreen (self);
      return;
    }

  if (self->pipeline == NULL)
    luma_preview_play (self);
  enter_fullscreen (self);
}

static void
save_video_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  show_save_chooser (LUMA_PREVIEW (widget), TRUE);
}

static void
save_thumbnail_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  show_save_chooser (LUMA_PREVIEW (widget), FALSE);
}

/* ------------------------------------------------------------------ */
/* The media                                                           */

static void
update_from_task (LumaPreview *self)
{
  LumaTask *task = self->task;

  luma_preview_set_media (self,
                          task ? luma_task_get_id (task) : NULL,
                          task ? luma_task_get_video_url (task) : NULL,
                          task ? luma_task_get_thumbnail_url (task) : NULL,
                          task ? luma_task_get_thumbnail_width (task) : 0,
                          task ? luma_task_get_thumbnail_height (task) : 0);
}

void
luma_preview_set_media (LumaPreview *self,
                        const char  *task_id,
                        const char  *video_url,
                        const char  *thumbnail_url,
                        guint        thumbnail_width,
                        guint        thumbnail_height)
{
  g_return_if_fail (LUMA_IS_PREVIEW (self));

  if (video_url != NULL && *video_url == '\0')
    video_url = NULL;
  if (thumbnail_url != NULL && *thumbnail_url == '\0')
    thumbnail_url = NULL;

  if (g_strcmp0 (self->task_id, task_id) == 0 &&
      g_strcmp0 (self->video_url, video_url) == 0 &&
      g_strcmp0 (self->thumbnail_url, thumbnail_url) == 0 &&
      self->thumbnail_width == thumbnail_width &&
      self->thumbnail_height == thumbnail_height)
    return;

  /* Other media: nothing of the old one keeps playing or downloading. */
  leave_fullscreen (self);
  luma_preview_stop (self);

  g_free (self->task_id);
  self->task_id = g_strdup (task_id);
  g_free (self->video_url);
  self->video_url = g_strdup (video_url);
  g_free (self->thumbnail_url);
  self->thumbnail_url = g_strdup (thumbnail_url);
  self->thumbnail_width = thumbnail_width;
  self->thumbnail_height = thumbnail_height;

  /* A video the user may well play: get GStreamer ready for it. */
  if (video_url != NULL)
    prepare_media ();

  if (self->task != NULL)
    luma_thumbnail_set_task (self->poster, self->task);
  else
    {
      luma_thumbnail_set_task (self->poster, NULL);
      luma_thumbnail_set_url (self->poster, thumbnail_url, thumbnail_width, thumbnail_height);
    }

  luma_preview_update_ui (self);
}

static void
on_task_media_changed (LumaPreview *self)
{
  update_from_task (self);
}

LumaTask *
luma_preview_get_task (LumaPreview *self)
{
  g_return_val_if_fail (LUMA_IS_PREVIEW (self), NULL);

  return self->task;
}

void
luma_preview_set_task (LumaPreview *self,
                       LumaTask    *task)
{
  g_return_if_fail (LUMA_IS_PREVIEW (self));
  g_return_if_fail (task == NULL || LUMA_IS_TASK (task));

  if (self->task == task)
    return;

  if (self->task != NULL)
    g_signal_handlers_disconnect_by_data (self->task, self);
  g_set_object (&self->task, task);

  if (task != NULL)
    {
      /* A task selected while unfinished gets its video when it completes. */
      g_signal_connect_swapped (task, "notify::video-url", G_CALLBACK (on_task_media_changed), self);
      g_signal_connect_swapped (task, "notify::thumbnail-url", G_CALLBACK (on_task_media_changed), self);
    }

  update_from_task (self);
  /* The same media under another task object still starts over. */
  luma_preview_stop (self);
  luma_thumbnail_set_task (self->poster, task);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TASK]);
}

/* ------------------------------------------------------------------ */
/* Accessors                                                           */

LumaPreviewState
luma_preview_get_state (LumaPreview *self)
{
  g_return_val_if_fail (LUMA_IS_PREVIEW (self), LUMA_PREVIEW_IDLE);

  return self->state;
}

gint64
luma_preview_get_position (LumaPreview *self)
{
  g_return_val_if_fail (LUMA_IS_PREVIEW (self), -1);

  return self->position;
}

gint64
luma_preview_get_duration (LumaPreview *self)
{
  g_return_val_if_fail (LUMA_IS_PREVIEW (self), -1);

  return self->duration;
}

int
luma_preview_get_buffering_percent (LumaPreview *self)
{
  g_return_val_if_fail (LUMA_IS_PREVIEW (self), 0);

  return self->buffering_percent;
}

const char *
luma_preview_get_error_message (LumaPreview *self)
{
  g_return_val_if_fail (LUMA_IS_PREVIEW (self), NULL);

  return self->error_message;
}

gboolean
luma_preview_get_loop (LumaPreview *self)
{
  g_return_val_if_fail (LUMA_IS_PREVIEW (self), FALSE);

  return self->loop;
}

void
luma_preview_set_loop (LumaPreview *self,
                       gboolean     loop)
{
  g_return_if_fail (LUMA_IS_PREVIEW (self));

  loop = !!loop;
  if (self->loop == loop)
    return;

  self->loop = loop;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOOP]);
}

gboolean
luma_preview_get_muted (LumaPreview *self)
{
  g_return_val_if_fail (LUMA_IS_PREVIEW (self), FALSE);

  return self->muted;
}

void
luma_preview_set_muted (LumaPreview *self,
                        gboolean     muted)
{
  g_return_if_fail (LUMA_IS_PREVIEW (self));

  muted = !!muted;
  if (self->muted == muted)
    return;

  self->muted = muted;
  if (self->pipeline != NULL)
    g_object_set (self->pipeline, "mute", muted, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MUTED]);
}

double
luma_preview_get_volume (LumaPreview *self)
{
  g_return_val_if_fail (LUMA_IS_PREVIEW (self), 0.0);

  return self->volume;
}

void
luma_preview_set_volume (LumaPreview *self,
                         double       volume)
{
  g_return_if_fail (LUMA_IS_PREVIEW (self));

  volume = CLAMP (volume, 0.0, 1.0);
  if (self->volume == volume)
    return;

  self->volume = volume;
  if (self->pipeline != NULL)
    g_object_set (self->pipeline, "volume", volume, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VOLUME]);
}

GdkPaintable *
luma_preview_get_paintable (LumaPreview *self)
{
  g_return_val_if_fail (LUMA_IS_PREVIEW (self), NULL);

  return GDK_PAINTABLE (self->paintable);
}

const char *
luma_preview_get_uri (LumaPreview *self)
{
  g_return_val_if_fail (LUMA_IS_PREVIEW (self), NULL);

  return self->uri;
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

static void
luma_preview_unmap (GtkWidget *widget)
{
  LumaPreview *self = LUMA_PREVIEW (widget);

  /* Hidden: no sound from a pane nobody sees, and no pipeline held. */
  leave_fullscreen (self);
  if (self->pipeline != NULL || self->waiting_for_media || self->state == LUMA_PREVIEW_ERROR)
    luma_preview_stop (self);

  GTK_WIDGET_CLASS (luma_preview_parent_class)->unmap (widget);
}

static void
luma_preview_dispose (GObject *object)
{
  LumaPreview *self = LUMA_PREVIEW (object);

  leave_fullscreen (self);
  release_pipeline (self);

  if (self->save_cancellable != NULL)
    g_cancellable_cancel (self->save_cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (self->chooser);
      g_clear_object (&self->chooser);
    }

  if (self->task != NULL)
    g_signal_handlers_disconnect_by_data (self->task, self);
  g_clear_object (&self->task);

  if (self->paintable != NULL)
    g_signal_handlers_disconnect_by_data (self->paintable, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), LUMA_TYPE_PREVIEW);

  G_OBJECT_CLASS (luma_preview_parent_class)->dispose (object);
}

static void
luma_preview_finalize (GObject *object)
{
  LumaPreview *self = LUMA_PREVIEW (object);

  g_clear_object (&self->save_cancellable);
  g_clear_object (&self->paintable);
  g_free (self->task_id);
  g_free (self->video_url);
  g_free (self->thumbnail_url);
  g_free (self->error_message);

  G_OBJECT_CLASS (luma_preview_parent_class)->finalize (object);
}

static void
luma_preview_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  LumaPreview *self = LUMA_PREVIEW (object);

  switch (prop_id)
    {
    case PROP_TASK:
      g_value_set_object (value, self->task);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_POSITION:
      g_value_set_int64 (value, self->position);
      break;
    case PROP_DURATION:
      g_value_set_int64 (value, self->duration);
      break;
    case PROP_BUFFERING_PERCENT:
      g_value_set_int (value, self->buffering_percent);
      break;
    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;
    case PROP_LOOP:
      g_value_set_boolean (value, self->loop);
      break;
    case PROP_MUTED:
      g_value_set_boolean (value, self->muted);
      break;
    case PROP_VOLUME:
      g_value_set_double (value, self->volume);
      break;
    case PROP_PAINTABLE:
      g_value_set_object (value, self->paintable);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_preview_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  LumaPreview *self = LUMA_PREVIEW (object);

  switch (prop_id)
    {
    case PROP_TASK:
      luma_preview_set_task (self, g_value_get_object (value));
      break;
    case PROP_LOOP:
      luma_preview_set_loop (self, g_value_get_boolean (value));
      break;
    case PROP_MUTED:
      luma_preview_set_muted (self, g_value_get_boolean (value));
      break;
    case PROP_VOLUME:
      luma_preview_set_volume (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_preview_class_init (LumaPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = luma_preview_dispose;
  object_class->finalize = luma_preview_finalize;
  object_class->get_property = luma_preview_get_property;
  object_class->set_property = luma_preview_set_property;

  widget_class->unmap = luma_preview_unmap;

  properties[PROP_TASK] =
    g_param_spec_object ("task", NULL, NULL, LUMA_TYPE_TASK,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, LUMA_TYPE_PREVIEW_STATE, LUMA_PREVIEW_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POSITION] =
    g_param_spec_int64 ("position", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DURATION] =
    g_param_spec_int64 ("duration", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUFFERING_PERCENT] =
    g_param_spec_int ("buffering-percent", NULL, NULL, 0, 100, 0,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOOP] =
    g_param_spec_boolean ("loop", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MUTED] =
    g_param_spec_boolean ("muted", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VOLUME] =
    g_param_spec_double ("volume", NULL, NULL, 0.0, 1.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAINTABLE] =
    g_param_spec_object ("paintable", NULL, NULL, GDK_TYPE_PAINTABLE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (LUMA_TYPE_THUMBNAIL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/luma-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, overlay);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, content_stack);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, poster);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, picture);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, status_box);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, status_icon);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, status_label);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, poster_play_button);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, save_box);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, save_label);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, save_progress);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, save_cancel_button);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, controls);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, play_button);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, position_label);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, seek_scale);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, seek_adjustment);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, duration_label);
  gtk_widget_class_bind_template_child (widget_class, LumaPreview, volume_button);
  gtk_widget_class_bind_template_callback (widget_class, on_seek_change_value);
  gtk_widget_class_bind_template_callback (widget_class, on_save_cancel_clicked);

  gtk_widget_class_install_action (widget_class, "preview.toggle-play", NULL, toggle_play_action);
  gtk_widget_class_install_action (widget_class, "preview.fullscreen", NULL, fullscreen_action);
  gtk_widget_class_install_action (widget_class, "preview.save-video", NULL, save_video_action);
  gtk_widget_class_install_action (widget_class, "preview.save-thumbnail", NULL, save_thumbnail_action);
  gtk_widget_class_install_property_action (widget_class, "preview.loop", "loop");
  gtk_widget_class_install_property_action (widget_class, "preview.muted", "muted");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "preview.toggle-play", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, 0, "preview.fullscreen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F, 0, "preview.fullscreen", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "lumapreview");
}

static void
on_click_pressed (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  LumaPreview     *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (n_press == 2 && self->video_url != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "preview.fullscreen", NULL);
}

static void
luma_preview_init (LumaPreview *self)
{
  GtkGesture *click;

  self->loop = TRUE;
  self->volume = 1.0;
  self->position = -1;
  self->duration = -1;
  self->pending_seek = -1;
  self->state = LUMA_PREVIEW_IDLE;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->paintable = luma_video_paintable_new ();
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->paintable));
  g_signal_connect_swapped (self->paintable, "invalidate-contents",
                            G_CALLBACK (on_paintable_invalidate), self);

  gtk_scale_button_set_value (self->volume_button, self->volume);
  g_object_bind_property (self->volume_button, "value", self, "volume",
                          G_BINDING_BIDIRECTIONAL);

  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (self->overlay, GTK_EVENT_CONTROLLER (click));

  luma_preview_update_ui (self);
}

GtkWidget *
luma_preview_new (void)
{
  return g_object_new (LUMA_TYPE_PREVIEW, NULL);
}
