/* luma-sim-data.c: the tasks luma-tasks-sim serves, and how they move on
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-sim"

#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include "luma-sim.h"

#define DEMO_RESOURCE "/io/github/lumatasks/LumaTasks/sim/demo-tasks.json"

#define LANDSCAPE_WIDTH 1360
#define LANDSCAPE_HEIGHT 752

/* The account fields of the seed's records, shared by generated tasks. */
#define SEED_API_ID "94fc9028-5a9f-4875-aae4-38463bd30ac5"
#define SEED_APPLICATION_ID "06484a45-9d04-498a-98a7-67086dee8166"
#define SEED_CREDENTIAL_ID "e6a879e5-a7c0-4f7b-9d6f-f9a837421a50"
#define SEED_USER_ID "ad7afe47-cea9-4cda-980f-2ad8810e51cf"
#define GENERATED_EPOCH 1725077411.961

typedef enum
{
  PHASE_AS_STORED,
  PHASE_PROCESSING,
  PHASE_FINISHED,
} Phase;

static void
sim_task_free (SimTask *task)
{
  g_free (task->id);
  g_clear_pointer (&task->record, json_object_unref);
  g_free (task);
}

SimData *
sim_data_new (void)
{
  SimData *data = g_new0 (SimData, 1);

  data->tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) sim_task_free);
  data->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  data->start_monotonic = g_get_monotonic_time ();
  data->start_wallclock = g_get_real_time () / 1e6;

  return data;
}

void
sim_data_free (SimData *data)
{
  g_hash_table_unref (data->by_id);
  g_ptr_array_unref (data->tasks);
  g_free (data->base_url);
  g_free (data->other_url);
  g_free (data);
}

SimTask *
sim_data_lookup (SimData    *data,
                 const char *id)
{
  return g_hash_table_lookup (data->by_id, id);
}

static SimTask *
add_task (SimData    *data,
          const char *id,
          JsonObject *record)
{
  SimTask *task = g_new0 (SimTask, 1);

  task->id = g_strdup (id);
  task->record = record != NULL ? json_object_ref (record) : NULL;
  task->index = data->tasks->len;
  task->processing_at = -1;
  task->finished_at = -1;
  g_ptr_array_add (data->tasks, task);
  g_hash_table_insert (data->by_id, task->id, task);

  return task;
}

/* "{base}" and "{other}" at the start of any string become the origins. */
static void
substitute_origins (SimData  *data,
                    JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &member))
        substitute_origins (data, member);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        substitute_origins (data, json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      g_autofree char *replaced = NULL;

      if (g_str_has_prefix (text, "{base}"))
        replaced = g_strconcat (data->base_url, text + strlen ("{base}"), NULL);
      else if (g_str_has_prefix (text, "{other}"))
        replaced = g_strconcat (data->other_url, text + strlen ("{other}"), NULL);
      if (replaced != NULL)
        json_node_set_string (node, replaced);
    }
}

static gboolean
parse_media_kind (const char *name,
                  SimMedia   *media)
{
  static const struct { const char *name; SimMedia media; } kinds[] = {
    { "landscape", SIM_MEDIA_LANDSCAPE },
    { "portrait", SIM_MEDIA_PORTRAIT },
    { "not-a-video", SIM_MEDIA_NOT_A_VIDEO },
    { "undecodable", SIM_MEDIA_UNDECODABLE },
    { "missing", SIM_MEDIA_MISSING },
    { "bad-thumbnail", SIM_MEDIA_BAD_THUMBNAIL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      if (g_str_equal (name, kinds[i].name))
        {
          *media = kinds[i].media;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
load_json (SimData     *data,
           const char  *text,
           gsize        length,
           const char  *origin,
           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *records = NULL;
  JsonObject *media = NULL;

  if (!json_parser_load_from_data (parser, text, length, error))
    {
      g_prefix_error (error, "%s: ", origin);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    records = json_node_get_array (root);
  else if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      JsonNode *tasks = json_object_get_member (object, "tasks");
      JsonNode *media_node = json_object_get_member (object, "media");

      if (tasks != NULL && JSON_NODE_HOLDS_ARRAY (tasks))
        records = json_node_get_array (tasks);
      if (media_node != NULL && JSON_NODE_HOLDS_OBJECT (media_node))
        media = json_node_get_object (media_node);
    }

  if (records == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: expected a JSON array of task records, or an object with \"tasks\"",
                   origin);
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonNode *node = json_array_get_element (records, i);
      JsonNode *id;
      JsonObject *record;

      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          (id = json_object_get_member (json_node_get_object (node), "id")) == NULL ||
          !JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: record %u is not an object with a string \"id\"", origin, i);
          return FALSE;
        }

      record = json_node_get_object (node);
      if (sim_data_lookup (data, json_node_get_string (id)) != NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: the ID %s comes twice", origin, json_node_get_string (id));
          return FALSE;
        }
      substitute_origins (data, node);
      add_task (data, json_node_get_string (id), record);
    }

  if (media != NULL)
    {
      JsonObjectIter iter;
      const char *id;
      JsonNode *kind;

      json_object_iter_init (&iter, media);
      while (json_object_iter_next (&iter, &id, &kind))
        {
          SimTask *task = sim_data_lookup (data, id);
          SimMedia value;

          if (task == NULL || !JSON_NODE_HOLDS_VALUE (kind) ||
              json_node_get_value_type (kind) != G_TYPE_STRING ||
              !parse_media_kind (json_node_get_string (kind), &value))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "%s: bad media entry for %s", origin, id);
              return FALSE;
            }
          task->media = value;
        }
    }

  return TRUE;
}

gboolean
sim_data_load_demo (SimData  *data,
                    GError  **error)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data (DEMO_RESOURCE, 0, error);

  if (bytes == NULL)
    return FALSE;

  return load_json (data, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                    "the demo set", error);
}

gboolean
sim_data_load_file (SimData     *data,
                    const char  *path,
                    GError     **error)
{
  g_autofree char *text = NULL;
  gsize length;

  if (!g_file_get_contents (path, &text, &length, error))
    return FALSE;

  return load_json (data, text, length, path, error);
}

/* A UUID made from a name, so generated data is the same every run. */
static char *
uuid_for (const char *kind,
          guint       index)
{
  g_autofree char *name = g_strdup_printf ("luma-tasks-sim/%s/%u", kind, index);
  g_autofree char *hex = g_compute_checksum_for_string (G_CHECKSUM_SHA1, name, -1);

  /* Version 5 and the RFC 4122 variant, as a name-based UUID. */
  hex[12] = '5';
  hex[16] = "89ab"[g_ascii_xdigit_value (hex[16]) & 3];

  return g_strdup_printf ("%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

void
sim_data_generate (SimData *data,
                   guint    count)
{
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *id = uuid_for ("task", i);

      add_task (data, id, NULL);
    }
}

static const char * const generated_subjects[] = {
  "Astronauts shuttle from space to volcano",
  "A lighthouse in a storm, waves crashing over the rocks",
  "A cat walking on a moonlit roof, \"slowly\", camera pulling back",
  "城市夜景，霓虹灯下的雨中街道",
  "قارب شراعي في البحر عند الفجر",
  "A field of sunflowers turning toward the sun 🌻",
  "Close-up of coffee being poured into a glass cup\nin slow motion",
  "Drone shot over a river delta, autumn colours",
};

/* The record of generated task @index as stored: every 20 tasks hold
 * 14 completed (every fifth portrait), 1 completed without a state word,
 * 2 pending, 1 processing and 2 failed. */
static JsonObject *
generate_record (SimData *data,
                 SimTask *task)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *mongo_id = NULL;
  g_autofree char *trace_id = uuid_for ("trace", task->index);
  g_autofree char *video_id = uuid_for ("video", task->index);
  g_autofree char *prompt = NULL;
  guint slot = task->index % 20;
  gboolean portrait = task->index % 5 == 4;
  int width = portrait ? LANDSCAPE_HEIGHT : LANDSCAPE_WIDTH;
  int height = portrait ? LANDSCAPE_WIDTH : LANDSCAPE_HEIGHT;
  double created = GENERATED_EPOCH + task->index * 37.125;

  mongo_id = g_strdup_printf ("66d2%020x", task->index);
  prompt = g_strdup_printf ("%s, take %u — generated for load tests with a prompt of "
                            "a realistic length, describing camera, light and mood.",
                            generated_subjects[task->index % G_N_ELEMENTS (generated_subjects)],
                            task->index);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "_id");
  json_builder_add_string_value (builder, mongo_id);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, task->id);
  json_builder_set_member_name (builder, "api_id");
  json_builder_add_string_value (builder, SEED_API_ID);
  json_builder_set_member_name (builder, "application_id");
  json_builder_add_string_value (builder, SEED_APPLICATION_ID);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_double_value (builder, created);
  json_builder_set_member_name (builder, "credential_id");
  json_builder_add_string_value (builder, SEED_CREDENTIAL_ID);
  json_builder_set_member_name (builder, "request");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, "generate");
  json_builder_set_member_name (builder, "prompt");
  json_builder_add_string_value (builder, prompt);
  json_builder_set_member_name (builder, "aspect_ratio");
  json_builder_add_string_value (builder, portrait ? "9:16" : "16:9");
  json_builder_set_member_name (builder, "loop");
  json_builder_add_boolean_value (builder, task->index % 7 == 0);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "trace_id");
  json_builder_add_string_value (builder, trace_id);
  json_builder_set_member_name (builder, "user_id");
  json_builder_add_string_value (builder, SEED_USER_ID);

  if (slot == 15 || slot == 16)
    {
      /* Pending: no response yet. */
    }
  else if (slot == 17)
    {
      json_builder_set_member_name (builder, "started_at");
      json_builder_add_double_value (builder, created + 2.5);
      json_builder_set_member_name (builder, "response");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "success");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "task_id");
      json_builder_add_string_value (builder, task->id);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, "processing");
      json_builder_end_object (builder);
    }
  else if (slot == 18 || slot == 19)
    {
      json_builder_set_member_name (builder, "response");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "success");
      json_builder_add_boolean_value (builder, slot == 18 ? FALSE : TRUE);
      json_builder_set_member_name (builder, "task_id");
      json_builder_add_string_value (builder, task->id);
      if (slot == 19)
        {
          json_builder_set_member_name (builder, "state");
          json_builder_add_string_value (builder, "failed");
        }
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, slot == 18 ? "forbidden" : "generation_failed");
      if (slot == 18)
        {
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, "The prompt was flagged by content moderation.");
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "finished_at");
      json_builder_add_double_value (builder, created + 9.75);
    }
  else
    {
      g_autofree char *video_url = g_strdup_printf ("%s/media/%s.mp4", data->base_url, task->id);
      g_autofree char *thumbnail_url = g_strdup_printf ("%s/media/%s.jpg", data->base_url, task->id);

      json_builder_set_member_name (builder, "response");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "success");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "task_id");
      json_builder_add_string_value (builder, task->id);
      json_builder_set_member_name (builder, "video_id");
      json_builder_add_string_value (builder, video_id);
      json_builder_set_member_name (builder, "prompt");
      json_builder_add_string_value (builder, prompt);
      json_builder_set_member_name (builder, "video_url");
      json_builder_add_string_value (builder, video_url);
      json_builder_set_member_name (builder, "video_height");
      json_builder_add_int_value (builder, height);
      json_builder_set_member_name (builder, "video_width");
      json_builder_add_int_value (builder, width);
      if (slot != 14)
        {
          json_builder_set_member_name (builder, "state");
          json_builder_add_string_value (builder, "completed");
        }
      json_builder_set_member_name (builder, "thumbnail_url");
      json_builder_add_string_value (builder, thumbnail_url);
      json_builder_set_member_name (builder, "thumbnail_width");
      json_builder_add_int_value (builder, width);
      json_builder_set_member_name (builder, "thumbnail_height");
      json_builder_add_int_value (builder, height);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "finished_at");
      json_builder_add_double_value (builder, created + 150.25 + task->index % 60);
      if (task->index % 3 == 0)
        {
          json_builder_set_member_name (builder, "elapsed");
          json_builder_add_double_value (builder, 150.25 + task->index % 60);
        }
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_object_ref (json_node_get_object (root));
}

static JsonObject *
stored_record (SimData *data,
               SimTask *task)
{
  if (task->record != NULL)
    return json_object_ref (task->record);
  return generate_record (data, task);
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_node_get_object (node);
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
boolean_member (JsonObject *object,
                const char *name,
                gboolean   *value)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  *value = json_node_get_boolean (node);
  return TRUE;
}

/* DESIGN.md §2: is the stored task pending or processing? */
static gboolean
record_is_unfinished (JsonObject *record)
{
  JsonObject *response = object_member (record, "response");
  const char *state;
  gboolean success;

  if (response == NULL)
    return TRUE;
  if ((boolean_member (response, "success", &success) && !success) ||
      g_strcmp0 (string_member (response, "state"), "failed") == 0)
    return FALSE;
  state = string_member (response, "state");
  if (state != NULL)
    return g_str_equal (state, "pending") || g_str_equal (state, "processing");
  if (boolean_member (response, "success", &success) && success &&
      string_member (response, "video_url") != NULL)
    return FALSE;
  return TRUE;
}

static gboolean
record_is_portrait (JsonObject *record)
{
  JsonObject *response = object_member (record, "response");
  const char *aspect = string_member (object_member (record, "request"), "aspect_ratio");

  if (response != NULL &&
      json_object_has_member (response, "video_width") &&
      json_object_has_member (response, "video_height"))
    return json_object_get_int_member (response, "video_height") >
           json_object_get_int_member (response, "video_width");

  return aspect != NULL && (g_str_equal (aspect, "9:16") || g_str_equal (aspect, "3:4") ||
                            g_str_equal (aspect, "9:21"));
}

void
sim_data_video_size (SimData *data,
                     SimTask *task,
                     int     *width,
                     int     *height)
{
  g_autoptr(JsonObject) record = stored_record (data, task);
  gboolean portrait;

  if (task->media == SIM_MEDIA_LANDSCAPE || task->media == SIM_MEDIA_PORTRAIT)
    portrait = task->media == SIM_MEDIA_PORTRAIT;
  else
    portrait = record_is_portrait (record);

  *width = portrait ? LANDSCAPE_HEIGHT : LANDSCAPE_WIDTH;
  *height = portrait ? LANDSCAPE_WIDTH : LANDSCAPE_HEIGHT;
}

/* Spreads the unfinished tasks over @seconds: each starts processing at
 * 40 % of its own finishing time; every fourth one fails. */
void
sim_data_plan_progress (SimData *data,
                        double   seconds)
{
  g_autoptr(GPtrArray) unfinished = g_ptr_array_new ();

  data->progress_seconds = seconds;
  if (seconds <= 0)
    return;

  for (guint i = 0; i < data->tasks->len; i++)
    {
      SimTask *task = g_ptr_array_index (data->tasks, i);
      g_autoptr(JsonObject) record = stored_record (data, task);

      if (record_is_unfinished (record))
        g_ptr_array_add (unfinished, task);
    }

  for (guint k = 0; k < unfinished->len; k++)
    {
      SimTask *task = g_ptr_array_index (unfinished, k);

      task->finished_at = seconds * (0.35 + 0.65 * (k + 1) / unfinished->len);
      task->processing_at = task->finished_at * 0.4;
      task->will_fail = k % 4 == 2;
    }
}

static Phase
task_phase (SimData *data,
            SimTask *task,
            double  *now)
{
  *now = (g_get_monotonic_time () - data->start_monotonic) / 1e6;

  if (data->progress_seconds <= 0 || task->finished_at < 0 || *now < task->processing_at)
    return PHASE_AS_STORED;
  if (*now < task->finished_at)
    return PHASE_PROCESSING;
  return PHASE_FINISHED;
}

/* Milliseconds, as the service's float Unix times have them. */
static double
round_ms (double seconds)
{
  return round (seconds * 1000) / 1000;
}

static JsonNode *
moved_response (SimData    *data,
                SimTask    *task,
                JsonObject *record,
                Phase       phase)
{
  JsonObject *stored = object_member (record, "response");
  const char *prompt = string_member (object_member (record, "request"), "prompt");
  g_autofree char *video_id = NULL;
  JsonObject *response = json_object_new ();
  JsonNode *node;

  video_id = g_strdup (string_member (stored, "video_id"));
  if (video_id == NULL)
    video_id = uuid_for (task->id, 0);

  if (phase == PHASE_FINISHED && task->will_fail)
    {
      JsonObject *error = json_object_new ();

      json_object_set_boolean_member (response, "success", FALSE);
      json_object_set_string_member (response, "task_id", task->id);
      json_object_set_string_member (error, "code", "forbidden");
      json_object_set_string_member (error, "message",
                                     "The prompt was flagged by content moderation.");
      json_object_set_object_member (response, "error", error);
    }
  else if (phase == PHASE_FINISHED)
    {
      g_autofree char *video_url = g_strdup_printf ("%s/media/%s.mp4", data->base_url, task->id);
      g_autofree char *thumbnail_url = g_strdup_printf ("%s/media/%s.jpg", data->base_url, task->id);
      int width, height;

      sim_data_video_size (data, task, &width, &height);
      json_object_set_boolean_member (response, "success", TRUE);
      json_object_set_string_member (response, "task_id", task->id);
      json_object_set_string_member (response, "video_id", video_id);
      if (prompt != NULL)
        json_object_set_string_member (response, "prompt", prompt);
      json_object_set_string_member (response, "video_url", video_url);
      json_object_set_int_member (response, "video_height", height);
      json_object_set_int_member (response, "video_width", width);
      json_object_set_string_member (response, "state", "completed");
      json_object_set_string_member (response, "thumbnail_url", thumbnail_url);
      json_object_set_int_member (response, "thumbnail_width", width);
      json_object_set_int_member (response, "thumbnail_height", height);
    }
  else
    {
      json_object_set_boolean_member (response, "success", TRUE);
      json_object_set_string_member (response, "task_id", task->id);
      json_object_set_string_member (response, "video_id", video_id);
      if (prompt != NULL)
        json_object_set_string_member (response, "prompt", prompt);
      json_object_set_string_member (response, "state", "processing");
    }

  node = json_node_init_object (json_node_alloc (), response);
  json_object_unref (response);

  return node;
}

/**
 * sim_data_render:
 *
 * Returns: (transfer full): the record of @task as the service would give it now
 */
JsonNode *
sim_data_render (SimData *data,
                 SimTask *task)
{
  g_autoptr(JsonObject) record = stored_record (data, task);
  static const char * const moved_members[] = {
    "created_at", "started_at", "response", "finished_at", "elapsed", NULL
  };
  JsonObject *rendered;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  double now;
  double created, started, finished;
  Phase phase;

  phase = task_phase (data, task, &now);
  if (phase == PHASE_AS_STORED)
    return json_node_init_object (json_node_alloc (), record);

  /* A task that moves was, for the demo, submitted just before the start. */
  created = round_ms (data->start_wallclock - 3.0 - task->index % 10);
  started = round_ms (data->start_wallclock + task->processing_at);
  finished = round_ms (data->start_wallclock + task->finished_at);

  /* The stored members in their order; the moving ones replaced in place,
   * or added at the end when the stored record lacks them. */
  rendered = json_object_new ();
  json_object_iter_init_ordered (&iter, record);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      if (!g_strv_contains (moved_members, name))
        json_object_set_member (rendered, name, json_node_copy (member));
      else if (g_str_equal (name, "created_at"))
        json_object_set_double_member (rendered, name, created);
      else if (g_str_equal (name, "started_at"))
        json_object_set_double_member (rendered, name, started);
      else if (g_str_equal (name, "response"))
        json_object_set_member (rendered, name, moved_response (data, task, record, phase));
      else if (g_str_equal (name, "finished_at"))
        {
          if (phase == PHASE_FINISHED)
            json_object_set_double_member (rendered, name, finished);
          else
            json_object_set_null_member (rendered, name);
        }
      else if (g_str_equal (name, "elapsed"))
        {
          if (phase == PHASE_FINISHED)
            json_object_set_double_member (rendered, name, round_ms (finished - started));
          else
            json_object_set_null_member (rendered, name);
        }
    }

  if (!json_object_has_member (rendered, "started_at"))
    json_object_set_double_member (rendered, "started_at", started);
  if (!json_object_has_member (rendered, "response"))
    json_object_set_member (rendered, "response", moved_response (data, task, record, phase));
  if (phase == PHASE_FINISHED && !json_object_has_member (rendered, "finished_at"))
    json_object_set_double_member (rendered, "finished_at", finished);
  if (phase == PHASE_FINISHED && !json_object_has_member (rendered, "elapsed"))
    json_object_set_double_member (rendered, "elapsed", round_ms (finished - started));

  member = json_node_init_object (json_node_alloc (), rendered);
  json_object_unref (rendered);

  return member;
}

/* JSON out */

/* The shortest text that reads back as @value, as the service's
 * JavaScript writes numbers (json-glib would write 17 digits). */
static void
append_double (GString *out,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }

  static const char * const formats[] = {
    "%.1g", "%.2g", "%.3g", "%.4g", "%.5g", "%.6g", "%.7g", "%.8g", "%.9g",
    "%.10g", "%.11g", "%.12g", "%.13g", "%.14g", "%.15g", "%.16g", "%.17g",
  };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buffer, sizeof buffer, formats[i], value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }
  g_string_append (out, buffer);
}

static void
append_string (GString    *out,
               const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = *p;

      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, c);
        }
    }
  g_string_append_c (out, '"');
}

static void
append_node (GString  *out,
             JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            append_string (out, name);
            g_string_append_c (out, ':');
            append_node (out, member);
          }
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;

    case JSON_NODE_VALUE:
    default:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          append_string (out, json_node_get_string (node));
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;
    }
}

/**
 * sim_json_to_string:
 *
 * Returns: (transfer full): @node as compact JSON
 */
char *
sim_json_to_string (JsonNode *node,
                    gsize    *length)
{
  GString *out = g_string_sized_new (1024);

  append_node (out, node);
  if (length != NULL)
    *length = out->len;

  return g_string_free (out, FALSE);
}
