/* luma-task.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-task"

#include "config.h"

#include <math.h>
#include <string.h>

#include "luma-json-private.h"
#include "luma-task-private.h"
#include "luma-task-state-private.h"
#include "luma-task.h"

/* One task as the window lists it. To hold 100,000 of them in a few KiB
 * each, a task keeps the compact JSON text of its record and the fields it
 * shows, never a parsed JsonObject; repeated short words are interned.
 * Every other string is a GRefString, so an export or the store can keep
 * one (g_ref_string_acquire) for another thread without copying. */
struct _LumaTask
{
  GObject        parent_instance;

  char          *id;
  char          *record_json;
  const char    *state_word;       /* interned */
  char          *failure_reason;
  char          *prompt;
  const char    *action;           /* interned */
  const char    *aspect_ratio;     /* interned */
  char          *video_id;
  char          *video_url;
  char          *thumbnail_url;
  char          *trace_id;
  GError        *fetch_error;

  double         created_at;
  double         started_at;
  double         finished_at;
  double         elapsed_given;    /* the record's own "elapsed", or -1 */
  gint64         added_at;

  guint          video_width;
  guint          video_height;
  guint          thumbnail_width;
  guint          thumbnail_height;

  LumaTaskState  state;

  LumaTaskWatch *watches;
};

G_DEFINE_FINAL_TYPE (LumaTask, luma_task, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_STATE,
  PROP_STATE_WORD,
  PROP_FAILURE_REASON,
  PROP_UNFINISHED,
  PROP_PROMPT,
  PROP_ACTION,
  PROP_ASPECT_RATIO,
  PROP_VIDEO_ID,
  PROP_VIDEO_URL,
  PROP_VIDEO_WIDTH,
  PROP_VIDEO_HEIGHT,
  PROP_THUMBNAIL_URL,
  PROP_THUMBNAIL_WIDTH,
  PROP_THUMBNAIL_HEIGHT,
  PROP_TRACE_ID,
  PROP_CREATED_AT,
  PROP_STARTED_AT,
  PROP_FINISHED_AT,
  PROP_ELAPSED,
  PROP_ADDED_AT,
  PROP_RECORD_JSON,
  PROP_FETCH_ERROR,
  PROP_FETCH_ERROR_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* While a task is being built nobody listens: skip the notifications. */
typedef struct
{
  LumaTask *self;
  gboolean  quiet;
  gboolean  changed;
} Update;

static void
update_notify (Update *u,
               guint   prop)
{
  u->changed = TRUE;
  if (!u->quiet)
    g_object_notify_by_pspec (G_OBJECT (u->self), properties[prop]);
}

static void
clear_ref_string (char **field)
{
  if (*field != NULL)
    {
      g_ref_string_release (*field);
      *field = NULL;
    }
}

/* @value is a GRefString (or NULL), acquired rather than copied. */
static void
update_string (Update      *u,
               char       **field,
               const char  *value,
               guint        prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  clear_ref_string (field);
  if (value != NULL)
    *field = g_ref_string_acquire ((char *) value);
  update_notify (u, prop);
}

/* Compact, and allocated to its exact size: a GString's doubling would
 * waste up to half of the largest part of a task. */
static char *
record_to_ref_string (JsonObject *record)
{
  GString *out = g_string_sized_new (2048);
  char *str;

  _luma_json_append_object (out, record, -1);
  str = g_ref_string_new_len (out->str, out->len);
  g_string_free (out, TRUE);

  return str;
}

/* @value is interned already (or NULL): interning takes a global lock. */
static void
update_interned (Update      *u,
                 const char **field,
                 const char  *value,
                 guint        prop)
{
  if (*field == value)
    return;

  *field = value;
  update_notify (u, prop);
}

static void
update_uint (Update *u,
             guint  *field,
             guint   value,
             guint   prop)
{
  if (*field == value)
    return;

  *field = value;
  update_notify (u, prop);
}

static void
update_time (Update *u,
             double *field,
             double  value,
             guint   prop)
{
  if (*field == value)
    return;

  *field = value;
  update_notify (u, prop);
}

static double
read_time (JsonObject *object,
           const char *member)
{
  double value;

  if (!_luma_json_get_number (object, member, &value) || value < 0)
    return -1;

  return value;
}

/* Sets the state and everything that follows from it. @word is interned,
 * @reason is a GRefString or NULL. */
static void
update_state (Update        *u,
              LumaTaskState  state,
              const char    *word,
              const char    *reason)
{
  LumaTask *self = u->self;
  gboolean was_unfinished = luma_task_state_is_unfinished (self->state);

  if (self->state != state)
    {
      self->state = state;
      update_notify (u, PROP_STATE);
    }
  update_interned (u, &self->state_word, word, PROP_STATE_WORD);
  update_string (u, &self->failure_reason, reason, PROP_FAILURE_REASON);
  if (was_unfinished != luma_task_state_is_unfinished (state))
    update_notify (u, PROP_UNFINISHED);
}

/* ------------------------------------------------------------------------ */
/* Prepared records                                                         */

struct _LumaPreparedRecord
{
  gconstpointer  source;
  char          *id;               /* GRefString */
  char          *json;             /* GRefString */
  const char    *state_word;       /* interned */
  char          *failure_reason;   /* GRefStrings, or NULL */
  char          *prompt;
  char          *video_id;
  char          *video_url;
  char          *thumbnail_url;
  char          *trace_id;
  const char    *action;           /* interned */
  const char    *aspect_ratio;     /* interned */
  double         created_at;
  double         started_at;
  double         finished_at;
  double         elapsed;
  guint          video_width;
  guint          video_height;
  guint          thumbnail_width;
  guint          thumbnail_height;
  LumaTaskState  state;
};

static char *
ref_string_or_null (const char *str)
{
  return str != NULL ? g_ref_string_new (str) : NULL;
}

static void
prepared_record_clear (gpointer data)
{
  LumaPreparedRecord *prepared = data;

  clear_ref_string (&prepared->id);
  clear_ref_string (&prepared->json);
  clear_ref_string (&prepared->failure_reason);
  clear_ref_string (&prepared->prompt);
  clear_ref_string (&prepared->video_id);
  clear_ref_string (&prepared->video_url);
  clear_ref_string (&prepared->thumbnail_url);
  clear_ref_string (&prepared->trace_id);
}

LumaPreparedRecord *
_luma_prepared_record_new (JsonObject *record,
                           const char *json,
                           gssize      json_len)
{
  LumaPreparedRecord *prepared;
  JsonObject *request;
  JsonObject *response;
  const char *id;
  const char *word;
  const char *reason;
  const char *prompt;

  g_return_val_if_fail (record != NULL, NULL);

  id = _luma_json_get_string (record, "id");
  if (id == NULL || *id == '\0')
    return NULL;

  if (json != NULL && json_len < 0)
    json_len = strlen (json);

  prepared = g_atomic_rc_box_new0 (LumaPreparedRecord);
  prepared->source = record;
  prepared->id = g_ref_string_new (id);

  /* Kept as given when compact (a raw newline or CR is whitespace, or a
   * control character json-glib lets through in a string): exports write
   * it line by line. Written out again, it always parses: a string
   * json-glib read from an escape that is not UTF-8 gets U+FFFD in the
   * text, which leaves the state it gives as it was. */
  if (json != NULL && memchr (json, '\n', json_len) == NULL && memchr (json, '\r', json_len) == NULL)
    prepared->json = g_ref_string_new_len (json, json_len);
  else
    prepared->json = record_to_ref_string (record);

  prepared->state = _luma_task_state_derive_borrowed (record, &word, &reason);
  prepared->state_word = g_intern_string (word);
  prepared->failure_reason = ref_string_or_null (reason);

  request = _luma_json_get_object (record, "request");
  response = _luma_json_get_object (record, "response");

  prompt = _luma_json_get_string (request, "prompt");
  if (prompt == NULL)
    prompt = _luma_json_get_string (response, "prompt");
  prepared->prompt = ref_string_or_null (prompt);
  prepared->action = g_intern_string (_luma_json_get_string (request, "action"));
  prepared->aspect_ratio = g_intern_string (_luma_json_get_string (request, "aspect_ratio"));

  prepared->video_id = ref_string_or_null (_luma_json_get_string (response, "video_id"));
  prepared->video_url = ref_string_or_null (_luma_json_get_string (response, "video_url"));
  prepared->video_width = _luma_json_get_uint (response, "video_width");
  prepared->video_height = _luma_json_get_uint (response, "video_height");
  prepared->thumbnail_url = ref_string_or_null (_luma_json_get_string (response, "thumbnail_url"));
  prepared->thumbnail_width = _luma_json_get_uint (response, "thumbnail_width");
  prepared->thumbnail_height = _luma_json_get_uint (response, "thumbnail_height");

  prepared->trace_id = ref_string_or_null (_luma_json_get_string (record, "trace_id"));
  prepared->created_at = read_time (record, "created_at");
  prepared->started_at = read_time (record, "started_at");
  prepared->finished_at = read_time (record, "finished_at");
  prepared->elapsed = read_time (record, "elapsed");

  return prepared;
}

LumaPreparedRecord *
_luma_prepared_record_ref (LumaPreparedRecord *prepared)
{
  g_return_val_if_fail (prepared != NULL, NULL);
  return g_atomic_rc_box_acquire (prepared);
}

void
_luma_prepared_record_unref (LumaPreparedRecord *prepared)
{
  if (prepared != NULL)
    g_atomic_rc_box_release_full (prepared, prepared_record_clear);
}

const char *
_luma_prepared_record_get_id (LumaPreparedRecord *prepared)
{
  g_return_val_if_fail (prepared != NULL, NULL);
  return prepared->id;
}

const char *
_luma_prepared_record_get_json (LumaPreparedRecord *prepared)
{
  g_return_val_if_fail (prepared != NULL, NULL);
  return prepared->json;
}

gconstpointer
_luma_prepared_record_get_source (LumaPreparedRecord *prepared)
{
  g_return_val_if_fail (prepared != NULL, NULL);
  return prepared->source;
}

/* After the notifications, as a notify::state handler would run. */
static void
run_watches (LumaTask      *self,
             LumaTaskState  old_state)
{
  if (self->state == old_state)
    return;

  for (LumaTaskWatch *watch = self->watches; watch != NULL; watch = watch->next)
    watch->state_changed (self, watch->data);
}

static gboolean
apply_record (LumaTask           *self,
              LumaPreparedRecord *p,
              gboolean            quiet)
{
  Update u = { self, quiet, FALSE };
  LumaTaskState old_state = self->state;
  double old_elapsed;

  if (!quiet)
    g_object_freeze_notify (G_OBJECT (self));

  old_elapsed = luma_task_get_elapsed (self);

  if (g_strcmp0 (self->record_json, p->json) != 0)
    {
      clear_ref_string (&self->record_json);
      self->record_json = g_ref_string_acquire (p->json);
      update_notify (&u, PROP_RECORD_JSON);
    }

  update_state (&u, p->state, p->state_word, p->failure_reason);

  update_string (&u, &self->prompt, p->prompt, PROP_PROMPT);
  update_interned (&u, &self->action, p->action, PROP_ACTION);
  update_interned (&u, &self->aspect_ratio, p->aspect_ratio, PROP_ASPECT_RATIO);

  update_string (&u, &self->video_id, p->video_id, PROP_VIDEO_ID);
  update_string (&u, &self->video_url, p->video_url, PROP_VIDEO_URL);
  update_uint (&u, &self->video_width, p->video_width, PROP_VIDEO_WIDTH);
  update_uint (&u, &self->video_height, p->video_height, PROP_VIDEO_HEIGHT);
  update_string (&u, &self->thumbnail_url, p->thumbnail_url, PROP_THUMBNAIL_URL);
  update_uint (&u, &self->thumbnail_width, p->thumbnail_width, PROP_THUMBNAIL_WIDTH);
  update_uint (&u, &self->thumbnail_height, p->thumbnail_height, PROP_THUMBNAIL_HEIGHT);

  update_string (&u, &self->trace_id, p->trace_id, PROP_TRACE_ID);
  update_time (&u, &self->created_at, p->created_at, PROP_CREATED_AT);
  update_time (&u, &self->started_at, p->started_at, PROP_STARTED_AT);
  update_time (&u, &self->finished_at, p->finished_at, PROP_FINISHED_AT);
  self->elapsed_given = p->elapsed;
  if (old_elapsed != luma_task_get_elapsed (self))
    update_notify (&u, PROP_ELAPSED);

  if (!quiet)
    {
      g_object_thaw_notify (G_OBJECT (self));
      run_watches (self, old_state);
    }

  return u.changed;
}

static gboolean
record_matches (LumaTask   *self,
                JsonObject *record)
{
  const char *id = _luma_json_get_string (record, "id");

  if (id == NULL || g_ascii_strcasecmp (id, self->id) != 0)
    {
      /* Not a warning: a misbehaving server must not abort a test run. */
      g_debug ("Ignoring a record for task %s: its id is %s",
               self->id, id != NULL ? id : "missing");
      return FALSE;
    }

  return TRUE;
}

static void
luma_task_finalize (GObject *object)
{
  LumaTask *self = (LumaTask *) object;

  clear_ref_string (&self->id);
  clear_ref_string (&self->record_json);
  clear_ref_string (&self->failure_reason);
  clear_ref_string (&self->prompt);
  clear_ref_string (&self->video_id);
  clear_ref_string (&self->video_url);
  clear_ref_string (&self->thumbnail_url);
  clear_ref_string (&self->trace_id);
  g_clear_error (&self->fetch_error);
  g_assert (self->watches == NULL);

  G_OBJECT_CLASS (luma_task_parent_class)->finalize (object);
}

static void
luma_task_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  LumaTask *self = LUMA_TASK (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_STATE_WORD: g_value_set_string (value, self->state_word); break;
    case PROP_FAILURE_REASON: g_value_set_string (value, self->failure_reason); break;
    case PROP_UNFINISHED: g_value_set_boolean (value, luma_task_is_unfinished (self)); break;
    case PROP_PROMPT: g_value_set_string (value, self->prompt); break;
    case PROP_ACTION: g_value_set_string (value, self->action); break;
    case PROP_ASPECT_RATIO: g_value_set_string (value, self->aspect_ratio); break;
    case PROP_VIDEO_ID: g_value_set_string (value, self->video_id); break;
    case PROP_VIDEO_URL: g_value_set_string (value, self->video_url); break;
    case PROP_VIDEO_WIDTH: g_value_set_uint (value, self->video_width); break;
    case PROP_VIDEO_HEIGHT: g_value_set_uint (value, self->video_height); break;
    case PROP_THUMBNAIL_URL: g_value_set_string (value, self->thumbnail_url); break;
    case PROP_THUMBNAIL_WIDTH: g_value_set_uint (value, self->thumbnail_width); break;
    case PROP_THUMBNAIL_HEIGHT: g_value_set_uint (value, self->thumbnail_height); break;
    case PROP_TRACE_ID: g_value_set_string (value, self->trace_id); break;
    case PROP_CREATED_AT: g_value_set_double (value, self->created_at); break;
    case PROP_STARTED_AT: g_value_set_double (value, self->started_at); break;
    case PROP_FINISHED_AT: g_value_set_double (value, self->finished_at); break;
    case PROP_ELAPSED: g_value_set_double (value, luma_task_get_elapsed (self)); break;
    case PROP_ADDED_AT: g_value_set_int64 (value, self->added_at); break;
    case PROP_RECORD_JSON: g_value_set_string (value, self->record_json); break;
    case PROP_FETCH_ERROR: g_value_set_boxed (value, self->fetch_error); break;
    case PROP_FETCH_ERROR_MESSAGE:
      g_value_set_string (value, self->fetch_error != NULL ? self->fetch_error->message : NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_task_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  LumaTask *self = LUMA_TASK (object);

  switch (prop_id)
    {
    case PROP_ID:
      if (g_value_get_string (value) != NULL)
        self->id = g_ref_string_new (g_value_get_string (value));
      break;
    case PROP_ADDED_AT:
      luma_task_set_added_at (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
uint_property (const char *name)
{
  return g_param_spec_uint (name, NULL, NULL, 0, G_MAXUINT, 0,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
time_property (const char *name)
{
  return g_param_spec_double (name, NULL, NULL, -1, G_MAXDOUBLE, -1,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
luma_task_class_init (LumaTaskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = luma_task_finalize;
  object_class->get_property = luma_task_get_property;
  object_class->set_property = luma_task_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, LUMA_TYPE_TASK_STATE, LUMA_TASK_STATE_LOADING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE_WORD] = string_property ("state-word");
  properties[PROP_FAILURE_REASON] = string_property ("failure-reason");
  properties[PROP_UNFINISHED] =
    g_param_spec_boolean ("unfinished", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROMPT] = string_property ("prompt");
  properties[PROP_ACTION] = string_property ("action");
  properties[PROP_ASPECT_RATIO] = string_property ("aspect-ratio");
  properties[PROP_VIDEO_ID] = string_property ("video-id");
  properties[PROP_VIDEO_URL] = string_property ("video-url");
  properties[PROP_VIDEO_WIDTH] = uint_property ("video-width");
  properties[PROP_VIDEO_HEIGHT] = uint_property ("video-height");
  properties[PROP_THUMBNAIL_URL] = string_property ("thumbnail-url");
  properties[PROP_THUMBNAIL_WIDTH] = uint_property ("thumbnail-width");
  properties[PROP_THUMBNAIL_HEIGHT] = uint_property ("thumbnail-height");
  properties[PROP_TRACE_ID] = string_property ("trace-id");
  properties[PROP_CREATED_AT] = time_property ("created-at");
  properties[PROP_STARTED_AT] = time_property ("started-at");
  properties[PROP_FINISHED_AT] = time_property ("finished-at");
  properties[PROP_ELAPSED] = time_property ("elapsed");
  properties[PROP_ADDED_AT] =
    g_param_spec_int64 ("added-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECORD_JSON] = string_property ("record-json");
  properties[PROP_FETCH_ERROR] =
    g_param_spec_boxed ("fetch-error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FETCH_ERROR_MESSAGE] = string_property ("fetch-error-message");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
luma_task_init (LumaTask *self)
{
  self->state = LUMA_TASK_STATE_LOADING;
  self->state_word = g_intern_static_string ("loading");
  self->created_at = -1;
  self->started_at = -1;
  self->finished_at = -1;
  self->elapsed_given = -1;
  self->added_at = g_get_real_time ();
}

LumaTask *
luma_task_new (const char *id)
{
  LumaTask *self;

  g_return_val_if_fail (id != NULL && *id != '\0', NULL);

  /* Set directly rather than through the property: adding 100,000 IDs
   * at once spends its time here. */
  self = g_object_new (LUMA_TYPE_TASK, NULL);
  self->id = g_ref_string_new (id);

  return self;
}

/* Shares the prepared record's ID rather than copying it. */
static LumaTask *
task_new_with_ref_id (char *id)
{
  LumaTask *self = g_object_new (LUMA_TYPE_TASK, NULL);

  self->id = g_ref_string_acquire (id);

  return self;
}

LumaTask *
luma_task_new_from_record (JsonObject *record)
{
  g_autoptr(LumaPreparedRecord) prepared = NULL;

  g_return_val_if_fail (record != NULL, NULL);

  prepared = _luma_prepared_record_new (record, NULL, 0);
  if (prepared == NULL)
    return NULL;

  return _luma_task_new_from_prepared (prepared);
}

LumaTask *
_luma_task_new_from_prepared (LumaPreparedRecord *prepared)
{
  LumaTask *self;

  g_return_val_if_fail (prepared != NULL, NULL);

  self = task_new_with_ref_id (prepared->id);
  apply_record (self, prepared, TRUE);

  return self;
}

/**
 * luma_task_new_from_json:
 *
 * The store's load path: one parse of @record_json (which may be NULL, or
 * text that does not parse, giving a task without a record), no
 * notifications. @record_json is kept as given, since it came from
 * luma_task_get_record_json(), unless it spans several lines (then it is
 * made compact). A record for another ID is ignored.
 */
LumaTask *
luma_task_new_from_json (const char *id,
                         gint64      added_at,
                         const char *record_json,
                         gboolean    not_found)
{
  LumaTask *self;

  g_return_val_if_fail (id != NULL && *id != '\0', NULL);

  self = luma_task_new (id);
  self->added_at = added_at;

  if (record_json != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonNode *root;

      if (!json_parser_load_from_data (parser, record_json, -1, &error))
        g_debug ("Ignoring the stored record of task %s: %s", id, error->message);
      else if ((root = json_parser_get_root (parser)) == NULL ||
               JSON_NODE_TYPE (root) != JSON_NODE_OBJECT)
        g_debug ("Ignoring the stored record of task %s: not an object", id);
      else if (record_matches (self, json_node_get_object (root)))
        {
          g_autoptr(LumaPreparedRecord) prepared =
            _luma_prepared_record_new (json_node_get_object (root), record_json, -1);

          apply_record (self, prepared, TRUE);
        }
    }

  if (not_found)
    {
      Update u = { self, TRUE, FALSE };

      update_state (&u, LUMA_TASK_STATE_NOT_FOUND, g_intern_static_string ("not_found"), NULL);
    }

  return self;
}

gboolean
luma_task_update_from_record (LumaTask   *self,
                              JsonObject *record)
{
  g_autoptr(LumaPreparedRecord) prepared = NULL;

  g_return_val_if_fail (LUMA_IS_TASK (self), FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  if (!record_matches (self, record))
    return FALSE;

  prepared = _luma_prepared_record_new (record, NULL, 0);
  return _luma_task_update_from_prepared (self, prepared);
}

gboolean
_luma_task_update_from_prepared (LumaTask           *self,
                                 LumaPreparedRecord *prepared)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), FALSE);
  g_return_val_if_fail (prepared != NULL, FALSE);

  if (g_ascii_strcasecmp (prepared->id, self->id) != 0)
    {
      g_debug ("Ignoring a record for task %s: its id is %s", self->id, prepared->id);
      return FALSE;
    }

  /* The same record as before: every field follows from it, so nothing
   * changed (unless the task was marked not found meanwhile). This is
   * what most polls bring. */
  if (self->state != LUMA_TASK_STATE_NOT_FOUND && self->record_json != NULL &&
      strcmp (self->record_json, prepared->json) == 0)
    return FALSE;

  return apply_record (self, prepared, FALSE);
}

/**
 * luma_task_set_not_found:
 *
 * The service no longer knows the task. The state becomes NOT_FOUND (and a
 * failure reason goes, as the task is not failed), but whatever the task
 * showed before — fields and record — is kept: the user loses nothing they
 * saw, and an export still carries the last record the service gave.
 */
void
luma_task_set_not_found (LumaTask *self)
{
  Update u = { self, FALSE, FALSE };
  LumaTaskState old_state;

  g_return_if_fail (LUMA_IS_TASK (self));

  old_state = self->state;
  g_object_freeze_notify (G_OBJECT (self));
  update_state (&u, LUMA_TASK_STATE_NOT_FOUND, g_intern_static_string ("not_found"), NULL);
  g_object_thaw_notify (G_OBJECT (self));
  run_watches (self, old_state);
}

static gboolean
errors_equal (const GError *a,
              const GError *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return a->domain == b->domain && a->code == b->code &&
         g_strcmp0 (a->message, b->message) == 0;
}

void
luma_task_set_fetch_error (LumaTask     *self,
                           const GError *error)
{
  g_return_if_fail (LUMA_IS_TASK (self));

  if (errors_equal (self->fetch_error, error))
    return;

  g_clear_error (&self->fetch_error);
  if (error != NULL)
    self->fetch_error = g_error_copy (error);

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FETCH_ERROR]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FETCH_ERROR_MESSAGE]);
  g_object_thaw_notify (G_OBJECT (self));
}

const GError *
luma_task_get_fetch_error (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), NULL);
  return self->fetch_error;
}

const char *
luma_task_get_id (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), NULL);
  return self->id;
}

LumaTaskState
luma_task_get_state (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), LUMA_TASK_STATE_LOADING);
  return self->state;
}

const char *
luma_task_get_state_word (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), NULL);
  return self->state_word;
}

const char *
luma_task_get_failure_reason (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), NULL);
  return self->failure_reason;
}

gboolean
luma_task_is_unfinished (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), FALSE);
  return luma_task_state_is_unfinished (self->state);
}

const char *
luma_task_get_prompt (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), NULL);
  return self->prompt;
}

const char *
luma_task_get_action (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), NULL);
  return self->action;
}

const char *
luma_task_get_aspect_ratio (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), NULL);
  return self->aspect_ratio;
}

const char *
luma_task_get_video_id (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), NULL);
  return self->video_id;
}

const char *
luma_task_get_video_url (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), NULL);
  return self->video_url;
}

guint
luma_task_get_video_width (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), 0);
  return self->video_width;
}

guint
luma_task_get_video_height (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), 0);
  return self->video_height;
}

const char *
luma_task_get_thumbnail_url (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), NULL);
  return self->thumbnail_url;
}

guint
luma_task_get_thumbnail_width (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), 0);
  return self->thumbnail_width;
}

guint
luma_task_get_thumbnail_height (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), 0);
  return self->thumbnail_height;
}

const char *
luma_task_get_trace_id (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), NULL);
  return self->trace_id;
}

double
luma_task_get_created_at (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), -1);
  return self->created_at;
}

double
luma_task_get_started_at (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), -1);
  return self->started_at;
}

double
luma_task_get_finished_at (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), -1);
  return self->finished_at;
}

double
luma_task_get_elapsed (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), -1);

  if (self->elapsed_given >= 0)
    return self->elapsed_given;
  if (self->created_at >= 0 && self->finished_at >= self->created_at)
    return self->finished_at - self->created_at;
  return -1;
}

gint64
luma_task_get_added_at (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), 0);
  return self->added_at;
}

void
luma_task_set_added_at (LumaTask *self,
                        gint64    added_at)
{
  g_return_if_fail (LUMA_IS_TASK (self));

  if (self->added_at == added_at)
    return;

  self->added_at = added_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDED_AT]);
}

const char *
luma_task_get_record_json (LumaTask *self)
{
  g_return_val_if_fail (LUMA_IS_TASK (self), NULL);
  return self->record_json;
}

JsonObject *
luma_task_dup_record (LumaTask *self)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  g_return_val_if_fail (LUMA_IS_TASK (self), NULL);

  if (self->record_json == NULL)
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, self->record_json, -1, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || JSON_NODE_TYPE (root) != JSON_NODE_OBJECT)
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

/* ------------------------------------------------------------------------ */
/* Stored fields                                                            */

/* What a task shows, packed beside its record in the store, so that
 * loading 100,000 tasks reads them instead of parsing 100,000 records:
 *
 *   u8 version (STORED_FIELDS_VERSION), u8 state,
 *   9 strings (state word, failure reason, prompt, action, aspect ratio,
 *     video ID, video URL, thumbnail URL, trace ID), each a u32 length
 *     (G_MAXUINT32 for none) and its bytes,
 *   4 u32 (video width and height, thumbnail width and height),
 *   4 doubles (created, started, finished, the record's elapsed),
 *
 * little-endian. A packing this build cannot read (another version, a
 * damaged row) is not an error: the store parses the record instead. */
#define STORED_FIELDS_VERSION 1
#define STORED_NO_STRING G_MAXUINT32

static void
pack_u32 (GByteArray *out,
          guint32     value)
{
  value = GUINT32_TO_LE (value);
  g_byte_array_append (out, (const guint8 *) &value, sizeof value);
}

static void
pack_string (GByteArray *out,
             const char *str)
{
  gsize len;

  if (str == NULL)
    {
      pack_u32 (out, STORED_NO_STRING);
      return;
    }

  len = strlen (str);
  pack_u32 (out, (guint32) len);
  g_byte_array_append (out, (const guint8 *) str, len);
}

static void
pack_double (GByteArray *out,
             double      value)
{
  guint64 bits;

  memcpy (&bits, &value, sizeof bits);
  bits = GUINT64_TO_LE (bits);
  g_byte_array_append (out, (const guint8 *) &bits, sizeof bits);
}

gboolean
_luma_task_append_fields (LumaTask   *self,
                          GByteArray *out)
{
  guint8 header[2];

  g_return_val_if_fail (LUMA_IS_TASK (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (self->record_json == NULL)
    return FALSE;

  header[0] = STORED_FIELDS_VERSION;
  /* A task the service lost keeps the state its record gave: "not found"
   * is stored as its own column. */
  header[1] = (guint8) self->state;
  g_byte_array_append (out, header, sizeof header);

  pack_string (out, self->state_word);
  pack_string (out, self->failure_reason);
  pack_string (out, self->prompt);
  pack_string (out, self->action);
  pack_string (out, self->aspect_ratio);
  pack_string (out, self->video_id);
  pack_string (out, self->video_url);
  pack_string (out, self->thumbnail_url);
  pack_string (out, self->trace_id);

  pack_u32 (out, self->video_width);
  pack_u32 (out, self->video_height);
  pack_u32 (out, self->thumbnail_width);
  pack_u32 (out, self->thumbnail_height);

  pack_double (out, self->created_at);
  pack_double (out, self->started_at);
  pack_double (out, self->finished_at);
  pack_double (out, self->elapsed_given);

  return TRUE;
}

typedef struct
{
  const guint8 *pos;
  const guint8 *end;
  gboolean      ok;
} Unpack;

static gboolean
unpack_bytes (Unpack  *in,
              gpointer dest,
              gsize    len)
{
  if (!in->ok || (gsize) (in->end - in->pos) < len)
    {
      in->ok = FALSE;
      return FALSE;
    }

  memcpy (dest, in->pos, len);
  in->pos += len;

  return TRUE;
}

static guint32
unpack_u32 (Unpack *in)
{
  guint32 value = 0;

  unpack_bytes (in, &value, sizeof value);

  return GUINT32_FROM_LE (value);
}

static double
unpack_double (Unpack *in)
{
  guint64 bits = 0;
  double value;

  unpack_bytes (in, &bits, sizeof bits);
  bits = GUINT64_FROM_LE (bits);
  memcpy (&value, &bits, sizeof value);

  return value;
}

/* The next string's bytes (@len of them, no NUL), or NULL for none, or
 * when the packing is damaged: a string with a NUL or invalid UTF-8
 * inside is. */
static const char *
unpack_span (Unpack *in,
             gsize  *len)
{
  guint32 n = unpack_u32 (in);
  const char *str = (const char *) in->pos;

  if (!in->ok || n == STORED_NO_STRING)
    return NULL;

  if ((gsize) (in->end - in->pos) < n ||
      memchr (str, '\0', n) != NULL ||
      !g_utf8_validate_len (str, n, NULL))
    {
      in->ok = FALSE;
      return NULL;
    }

  in->pos += n;
  *len = n;

  return str;
}

/* A GRefString, or NULL. */
static char *
unpack_string (Unpack *in)
{
  gsize len = 0;
  const char *str = unpack_span (in, &len);

  return str != NULL ? g_ref_string_new_len (str, len) : NULL;
}

static const char *
unpack_interned (Unpack *in)
{
  g_autofree char *copy = NULL;
  gsize len = 0;
  const char *str = unpack_span (in, &len);

  if (str == NULL)
    return NULL;

  copy = g_strndup (str, len);

  return g_intern_string (copy);
}

static double
checked_time (Unpack *in,
              double  value)
{
  /* Times are -1 (none) or a non-negative number of seconds. */
  if (isnan (value) || isinf (value) || (value < 0 && value != -1))
    in->ok = FALSE;

  return value;
}

/**
 * _luma_task_new_from_stored:
 *
 * The store's load path for a row with packed fields: no JSON parse, no
 * notifications. @record_json (@record_len bytes) is the task's record as
 * it was saved. NULL when @fields is not a packing this build reads; the
 * caller then falls back to luma_task_new_from_json().
 */
LumaTask *
_luma_task_new_from_stored (const char   *id,
                            gint64        added_at,
                            const char   *record_json,
                            gsize         record_len,
                            gboolean      not_found,
                            const guint8 *fields,
                            gsize         fields_len)
{
  g_autoptr(LumaTask) self = NULL;
  Unpack in = { fields, fields + fields_len, TRUE };
  guint8 header[2] = { 0, 0 };

  g_return_val_if_fail (id != NULL && *id != '\0', NULL);

  if (record_json == NULL || fields == NULL ||
      !unpack_bytes (&in, header, sizeof header) ||
      header[0] != STORED_FIELDS_VERSION ||
      header[1] > LUMA_TASK_STATE_OTHER)
    return NULL;

  self = luma_task_new (id);
  self->added_at = added_at;
  self->record_json = g_ref_string_new_len (record_json, record_len);

  self->state = header[1];
  self->state_word = unpack_interned (&in);
  self->failure_reason = unpack_string (&in);
  self->prompt = unpack_string (&in);
  self->action = unpack_interned (&in);
  self->aspect_ratio = unpack_interned (&in);
  self->video_id = unpack_string (&in);
  self->video_url = unpack_string (&in);
  self->thumbnail_url = unpack_string (&in);
  self->trace_id = unpack_string (&in);

  self->video_width = unpack_u32 (&in);
  self->video_height = unpack_u32 (&in);
  self->thumbnail_width = unpack_u32 (&in);
  self->thumbnail_height = unpack_u32 (&in);

  self->created_at = checked_time (&in, unpack_double (&in));
  self->started_at = checked_time (&in, unpack_double (&in));
  self->finished_at = checked_time (&in, unpack_double (&in));
  self->elapsed_given = checked_time (&in, unpack_double (&in));

  /* Every packing has a state word; anything after the last field, or a
   * state that a record cannot give, means this is not one of ours. */
  if (!in.ok || in.pos != in.end || self->state_word == NULL ||
      self->state == LUMA_TASK_STATE_LOADING ||
      (self->state == LUMA_TASK_STATE_NOT_FOUND && !not_found))
    return NULL;

  if (not_found)
    {
      Update u = { self, TRUE, FALSE };

      update_state (&u, LUMA_TASK_STATE_NOT_FOUND, g_intern_static_string ("not_found"), NULL);
    }

  return g_steal_pointer (&self);
}

/* ------------------------------------------------------------------------ */
/* Watches                                                                  */

void
_luma_task_add_watch (LumaTask      *self,
                      LumaTaskWatch *watch)
{
  g_return_if_fail (LUMA_IS_TASK (self));
  g_return_if_fail (watch != NULL && watch->state_changed != NULL);

  watch->next = self->watches;
  self->watches = watch;
}

void
_luma_task_remove_watch (LumaTask      *self,
                         LumaTaskWatch *watch)
{
  g_return_if_fail (LUMA_IS_TASK (self));

  for (LumaTaskWatch **link = &self->watches; *link != NULL; link = &(*link)->next)
    {
      if (*link == watch)
        {
          *link = watch->next;
          watch->next = NULL;
          return;
        }
    }

  g_critical ("%s: watch %p is not on task %s", G_STRFUNC, (gpointer) watch, self->id);
}
