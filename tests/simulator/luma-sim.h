/* luma-sim.h: what the parts of luma-tasks-sim share
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Which media a task's URLs lead to. */
typedef enum
{
  SIM_MEDIA_BY_SIZE,         /* landscape or portrait, from the video size */
  SIM_MEDIA_LANDSCAPE,
  SIM_MEDIA_PORTRAIT,
  SIM_MEDIA_NOT_A_VIDEO,     /* an HTML page served as video/mp4 */
  SIM_MEDIA_UNDECODABLE,     /* a codec GStreamer here has no decoder for */
  SIM_MEDIA_MISSING,         /* 404 */
  SIM_MEDIA_BAD_THUMBNAIL,   /* a video, but the thumbnail is not an image */
} SimMedia;

typedef struct
{
  char *id;
  JsonObject *record;        /* NULL for generated tasks: made from index */
  guint index;
  SimMedia media;
  /* With --progress: seconds after start at which the task starts
   * processing and finishes; negative when it does not move. */
  double processing_at;
  double finished_at;
  gboolean will_fail;
} SimTask;

typedef struct
{
  GPtrArray *tasks;          /* SimTask*, in the order they were loaded */
  GHashTable *by_id;         /* id → SimTask* (borrowed) */
  double progress_seconds;   /* 0: tasks stay as they are */
  gint64 start_monotonic;    /* µs */
  double start_wallclock;    /* Unix seconds */
  char *base_url;
  char *other_url;
} SimData;

SimData    *sim_data_new              (void);
void        sim_data_free             (SimData     *data);
gboolean    sim_data_load_demo        (SimData     *data,
                                       GError     **error);
gboolean    sim_data_load_file        (SimData     *data,
                                       const char  *path,
                                       GError     **error);
void        sim_data_generate         (SimData     *data,
                                       guint        count);
void        sim_data_plan_progress    (SimData     *data,
                                       double       seconds);
SimTask    *sim_data_lookup           (SimData     *data,
                                       const char  *id);
JsonNode   *sim_data_render           (SimData     *data,
                                       SimTask     *task);
void        sim_data_video_size       (SimData     *data,
                                       SimTask     *task,
                                       int         *width,
                                       int         *height);

char       *sim_json_to_string        (JsonNode    *node,
                                       gsize       *length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimData, sim_data_free)

/* Media */
typedef struct _SimMediaStore SimMediaStore;

SimMediaStore *sim_media_store_new    (const char        *dir);
void           sim_media_store_free   (SimMediaStore     *store);
/* Answers GET/HEAD /media/ID.mp4|.jpg; returns the status it set. */
guint          sim_media_serve        (SimMediaStore     *store,
                                       SimData           *data,
                                       SoupServerMessage *msg,
                                       const char        *path);

G_END_DECLS
