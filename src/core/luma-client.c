/* luma-client.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-client"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "luma-client-private.h"
#include "luma-error.h"
#include "luma-json-private.h"
#include "luma-task-private.h"

#define READ_CHUNK_SIZE        (256 * 1024)
#define MAX_RATE_LIMIT_RETRIES 5
#define MAX_OTHER_RETRIES      3
#define MAX_BACKOFF_MS         (60 * 1000)
#define MAX_RETRY_AFTER_S      600.0
#define MAX_CONNS              32
#define DEFAULT_BACKOFF_BASE_MS 1000

struct _LumaClient
{
  GObject      parent_instance;

  SoupSession *session;
  GUri        *endpoint;      /* {base}/luma/tasks */
  char        *base_url;      /* as given, without trailing slashes */
  char        *token;

  guint        batch_size;
  guint        max_in_flight;
  guint        timeout;
  guint        backoff_base_ms;
};

G_DEFINE_FINAL_TYPE (LumaClient, luma_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_BATCH_SIZE,
  PROP_MAX_IN_FLIGHT,
  PROP_TIMEOUT,
  N_PROPS
};

enum {
  RETRYING,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------ */
/* LumaBatchResult                                                          */

G_DEFINE_BOXED_TYPE (LumaBatchResult, luma_batch_result,
                     luma_batch_result_copy, luma_batch_result_free)

/* Every LumaBatchResult is one of these: the prepared records stay out of
 * the public struct. */
typedef struct
{
  LumaBatchResult  result;
  GPtrArray       *prepared;       /* LumaPreparedRecord*, or NULL */
  gboolean         prepared_only;  /* the records were not kept: result.records is empty */
} BatchResultReal;

LumaBatchResult *
luma_batch_result_new (void)
{
  LumaBatchResult *result = (LumaBatchResult *) g_new0 (BatchResultReal, 1);

  result->records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  result->not_found = g_ptr_array_new_with_free_func (g_free);
  result->failed = g_ptr_array_new_with_free_func (g_free);

  return result;
}

LumaBatchResult *
luma_batch_result_copy (LumaBatchResult *result)
{
  LumaBatchResult *copy;
  GPtrArray *prepared;

  g_return_val_if_fail (result != NULL, NULL);

  copy = luma_batch_result_new ();
  for (guint i = 0; i < result->records->len; i++)
    g_ptr_array_add (copy->records, json_object_ref (g_ptr_array_index (result->records, i)));
  for (guint i = 0; i < result->not_found->len; i++)
    g_ptr_array_add (copy->not_found, g_strdup (g_ptr_array_index (result->not_found, i)));
  for (guint i = 0; i < result->failed->len; i++)
    g_ptr_array_add (copy->failed, g_strdup (g_ptr_array_index (result->failed, i)));
  copy->error = result->error != NULL ? g_error_copy (result->error) : NULL;
  copy->n_skipped = result->n_skipped;

  prepared = _luma_batch_result_get_prepared (result);
  if (prepared != NULL)
    ((BatchResultReal *) copy)->prepared = g_ptr_array_ref (prepared);
  ((BatchResultReal *) copy)->prepared_only = ((BatchResultReal *) result)->prepared_only;

  return copy;
}

void
luma_batch_result_free (LumaBatchResult *result)
{
  if (result == NULL)
    return;

  g_clear_pointer (&result->records, g_ptr_array_unref);
  g_clear_pointer (&result->not_found, g_ptr_array_unref);
  g_clear_pointer (&result->failed, g_ptr_array_unref);
  g_clear_error (&result->error);
  g_clear_pointer (&((BatchResultReal *) result)->prepared, g_ptr_array_unref);
  g_free (result);
}

GPtrArray *
_luma_batch_result_get_prepared (LumaBatchResult *result)
{
  GPtrArray *prepared;

  g_return_val_if_fail (result != NULL, NULL);

  prepared = ((BatchResultReal *) result)->prepared;
  if (((BatchResultReal *) result)->prepared_only)
    return prepared;
  if (prepared == NULL || result->records == NULL || prepared->len != result->records->len)
    return NULL;

  /* Whoever changed the records left the prepared ones behind. */
  for (guint i = 0; i < prepared->len; i++)
    {
      LumaPreparedRecord *p = g_ptr_array_index (prepared, i);

      if (p == NULL || _luma_prepared_record_get_source (p) != g_ptr_array_index (result->records, i))
        return NULL;
    }

  return prepared;
}

/* Beyond this many records, a result is freed in slices. */
#define FREE_LATER_MIN_RECORDS 1000
/* Time one slice may take, in µs. */
#define FREE_LATER_SLICE_US 2000

static guint
result_length (LumaBatchResult *result)
{
  GPtrArray *prepared = ((BatchResultReal *) result)->prepared;

  return MAX (result->records->len, prepared != NULL ? prepared->len : 0);
}

guint
_luma_batch_result_get_n_records (LumaBatchResult *result)
{
  g_return_val_if_fail (result != NULL, 0);

  return ((BatchResultReal *) result)->prepared_only ? result_length (result) : result->records->len;
}

const char *
_luma_batch_result_get_id (LumaBatchResult *result,
                           guint            index)
{
  GPtrArray *prepared;
  LumaPreparedRecord *p;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (index < _luma_batch_result_get_n_records (result), NULL);

  prepared = _luma_batch_result_get_prepared (result);
  p = prepared != NULL ? g_ptr_array_index (prepared, index) : NULL;
  if (p != NULL)
    return _luma_prepared_record_get_id (p);

  return _luma_json_get_string (g_ptr_array_index (result->records, index), "id");
}

static gboolean
free_later_cb (gpointer user_data)
{
  LumaBatchResult *result = user_data;
  GPtrArray *prepared = ((BatchResultReal *) result)->prepared;
  gint64 deadline = g_get_monotonic_time () + FREE_LATER_SLICE_US;
  guint length;

  while ((length = result_length (result)) > 0)
    {
      for (guint n = 0; n < 64 && length > 0; n++)
        {
          length--;
          if (result->records->len > length)
            g_ptr_array_set_size (result->records, length);
          if (prepared != NULL && prepared->len > length)
            g_ptr_array_set_size (prepared, length);
        }
      if (g_get_monotonic_time () >= deadline)
        return G_SOURCE_CONTINUE;
    }

  /* The rest goes with the source. */
  return G_SOURCE_REMOVE;
}

void
_luma_batch_result_free_later (LumaBatchResult *result)
{
  g_autoptr(GSource) source = NULL;

  if (result == NULL)
    return;

  if (result->records == NULL || result_length (result) < FREE_LATER_MIN_RECORDS)
    {
      luma_batch_result_free (result);
      return;
    }

  /* Not an idle source: those starve while the window keeps redrawing. */
  source = g_timeout_source_new (5);
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, free_later_cb, result, (GDestroyNotify) luma_batch_result_free);
  g_source_set_static_name (source, "[luma] free a batch result");
  g_source_attach (source, g_main_context_get_thread_default ());
}

/* ------------------------------------------------------------------------ */
/* URLs                                                                     */

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (host, "localhost") == 0 ||
      g_ascii_strcasecmp (host, "localhost.") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static int
uri_effective_port (GUri *uri)
{
  int port = g_uri_get_port (uri);

  if (port > 0)
    return port;

  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
}

/* The token may only travel to the API base URL's origin. */
static gboolean
uri_same_origin (GUri *a,
                 GUri *b)
{
  const char *host_a = g_uri_get_host (a);
  const char *host_b = g_uri_get_host (b);

  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         host_a != NULL && host_b != NULL &&
         g_ascii_strcasecmp (host_a, host_b) == 0 &&
         uri_effective_port (a) == uri_effective_port (b);
}

static GUri *
parse_base_url (const char  *base_url,
                char       **normalized,
                GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *path = NULL;
  g_autofree char *endpoint = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme;
  const char *host;
  gsize len;

  trimmed = g_strstrip (g_strdup (base_url != NULL ? base_url : ""));
  uri = g_uri_parse (trimmed, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL)
    {
      g_set_error (error, LUMA_ERROR, LUMA_ERROR_INSECURE_URL,
                   _("“%s” is not a web address the app can use for the API."), trimmed);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0' ||
      (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0) ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, LUMA_ERROR, LUMA_ERROR_INSECURE_URL,
                   _("“%s” is not a web address the app can use for the API."), trimmed);
      return NULL;
    }

  if (g_ascii_strcasecmp (scheme, "http") == 0 && !host_is_loopback (host))
    {
      g_set_error (error, LUMA_ERROR, LUMA_ERROR_INSECURE_URL,
                   _("The API address must start with https:// (plain http:// is only allowed for this computer): “%s”."),
                   trimmed);
      return NULL;
    }

  path = g_strdup (g_uri_get_path (uri));
  len = strlen (path);
  while (len > 0 && path[len - 1] == '/')
    path[--len] = '\0';

  if (normalized != NULL)
    *normalized = g_uri_join (G_URI_FLAGS_ENCODED, scheme, NULL, host,
                              g_uri_get_port (uri), path, NULL, NULL);

  endpoint = g_strconcat (path, "/luma/tasks", NULL);
  return g_uri_build (G_URI_FLAGS_ENCODED, scheme, NULL, host,
                      g_uri_get_port (uri), endpoint, NULL, NULL);
}

/* ------------------------------------------------------------------------ */
/* Retry-After                                                              */

double
luma_client_parse_retry_after (const char *value,
                               GDateTime  *now)
{
  g_autofree char *trimmed = NULL;
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GDateTime) local_now = NULL;
  double delta;

  if (value == NULL)
    return -1.0;

  trimmed = g_strstrip (g_strdup (value));
  if (*trimmed == '\0')
    return -1.0;

  if (g_ascii_isdigit (*trimmed))
    {
      guint64 seconds;
      const char *p;

      for (p = trimmed; *p != '\0'; p++)
        {
          if (!g_ascii_isdigit (*p))
            break;
        }

      /* Only a plain number of seconds is a delay; "1.5" or "10abc" are not. */
      if (*p == '\0' && g_ascii_string_to_unsigned (trimmed, 10, 0, G_MAXUINT32, &seconds, NULL))
        return (double) seconds;
    }

  date = soup_date_time_new_from_http_string (trimmed);
  if (date == NULL)
    return -1.0;

  if (now == NULL)
    now = local_now = g_date_time_new_now_utc ();

  delta = g_date_time_difference (date, now) / (double) G_USEC_PER_SEC;

  /* A date in the past means "now". */
  return MAX (delta, 0.0);
}

/* ------------------------------------------------------------------------ */
/* Answers: parsed off the calling thread                                   */

typedef enum
{
  ANSWER_SINGLE,
  ANSWER_BATCH,
  ANSWER_BATCH_PREPARED,  /* a batch answer whose records are only read into prepared ones */
} AnswerKind;

typedef struct
{
  JsonObject *root;        /* single answers only */
  GPtrArray  *items;       /* JsonObject*, ANSWER_BATCH only (else empty) */
  GPtrArray  *prepared;    /* LumaPreparedRecord*, parallel to items if any */
  GHashTable *index;       /* id → index in prepared + 1, the first of each id */
  guint       n_skipped;
} Answer;

static void
answer_free (Answer *answer)
{
  g_clear_pointer (&answer->root, json_object_unref);
  /* Its keys live in the items. */
  g_clear_pointer (&answer->index, g_hash_table_unref);
  g_clear_pointer (&answer->items, g_ptr_array_unref);
  g_clear_pointer (&answer->prepared, g_ptr_array_unref);
  g_free (answer);
}

typedef struct
{
  GBytes     *bytes;
  char       *content_type;
  guint       status;
  AnswerKind  kind;
} ParseData;

static void
parse_data_free (ParseData *data)
{
  g_clear_pointer (&data->bytes, g_bytes_unref);
  g_clear_pointer (&data->content_type, g_free);
  g_free (data);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_node_get_object (node);
}

static const char *
sentence_for_api_code (LumaErrorCode code)
{
  switch (code)
    {
    case LUMA_ERROR_BAD_REQUEST:
      return _("The service did not understand the request.");
    case LUMA_ERROR_TOKEN_MISMATCHED:
      return _("The API token does not match this service.");
    case LUMA_ERROR_NOT_IMPLEMENTED:
      return _("The service does not offer this operation.");
    case LUMA_ERROR_INVALID_TOKEN:
      return _("The API token was refused.");
    case LUMA_ERROR_FORBIDDEN:
      return _("The service refused the request.");
    case LUMA_ERROR_TOO_MANY_REQUESTS:
      return _("The service is receiving too many requests.");
    case LUMA_ERROR_SERVER:
      return _("The service had an internal error.");
    case LUMA_ERROR_TIMEOUT:
      return _("The service took too long to answer.");
    case LUMA_ERROR_NOT_FOUND:
      return _("The service does not know this address.");
    case LUMA_ERROR_TOO_LARGE:
      return _("The request was too large for the service.");
    case LUMA_ERROR_FAILED:
    case LUMA_ERROR_NETWORK:
    case LUMA_ERROR_BAD_RESPONSE:
    case LUMA_ERROR_INSECURE_URL:
    case LUMA_ERROR_REDIRECT:
    case LUMA_ERROR_NO_TOKEN:
    case LUMA_ERROR_INVALID_DATA:
    default:
      return _("The service answered with an error.");
    }
}

/* An error body of the API: {"success": false, "error": {code, message}, "trace_id"}. */
static GError *
error_from_api_object (JsonObject *root,
                       guint       status)
{
  JsonObject *error_object = member_object (root, "error");
  const char *api_code = member_string (error_object, "code");
  const char *api_message = member_string (error_object, "message");
  const char *trace_id = member_string (root, "trace_id");
  LumaErrorCode code = luma_error_code_for_status (status, api_code);
  const char *sentence = sentence_for_api_code (code);

  if (api_message != NULL && *api_message != '\0')
    return luma_error_new_api (code, status, api_code, trace_id,
                               _("%s The service said: “%s”"), sentence, api_message);

  return luma_error_new_api (code, status, api_code, trace_id, "%s", sentence);
}

static gboolean
body_looks_like_html (GBytes     *bytes,
                      const char *content_type)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  if (content_type != NULL &&
      (g_ascii_strncasecmp (content_type, "text/html", 9) == 0 ||
       g_ascii_strncasecmp (content_type, "application/xhtml", 17) == 0))
    return TRUE;

  for (gsize i = 0; i < size; i++)
    {
      if (g_ascii_isspace (data[i]))
        continue;
      return data[i] == '<';
    }

  return FALSE;
}

/* What a batch answer's "items" become: the records, each prepared, and
 * the first index of each ID. Without @items, each record's tree is freed
 * once it is prepared. */
typedef struct
{
  GPtrArray  *items;       /* JsonObject*, or NULL when not kept */
  GPtrArray  *prepared;    /* LumaPreparedRecord*, parallel to items if kept */
  GHashTable *index;       /* id → index in prepared + 1, the first of each id */
  guint       n_elements;  /* of "items", those skipped included */
  guint       n_skipped;
} BatchItems;

static BatchItems *
batch_items_new (guint    n_items,
                 gboolean keep_records)
{
  BatchItems *b = g_new0 (BatchItems, 1);

  if (keep_records)
    b->items = g_ptr_array_new_full (n_items, (GDestroyNotify) json_object_unref);
  b->prepared = g_ptr_array_new_full (n_items, (GDestroyNotify) _luma_prepared_record_unref);
  b->index = g_hash_table_new (g_str_hash, g_str_equal);

  return b;
}

static void
batch_items_free (BatchItems *b)
{
  /* Its keys live in the prepared records. */
  g_clear_pointer (&b->index, g_hash_table_unref);
  g_clear_pointer (&b->items, g_ptr_array_unref);
  g_clear_pointer (&b->prepared, g_ptr_array_unref);
  g_free (b);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BatchItems, batch_items_free)

/* @json is the element's own text, or NULL to write it out again. */
static void
batch_items_add (BatchItems *b,
                 JsonNode   *item,
                 const char *json,
                 gsize       json_len)
{
  JsonObject *object;
  LumaPreparedRecord *prepared;
  const char *id;

  b->n_elements++;

  /* Not an object, or no usable ID (none, or an empty one): no task has it. */
  if (!JSON_NODE_HOLDS_OBJECT (item) ||
      (prepared = _luma_prepared_record_new (json_node_get_object (item), json,
                                             json != NULL ? (gssize) json_len : 0)) == NULL)
    {
      b->n_skipped++;
      return;
    }

  object = json_node_get_object (item);

  /* The first answer for an ID wins. */
  id = _luma_prepared_record_get_id (prepared);
  if (!g_hash_table_contains (b->index, id))
    g_hash_table_insert (b->index, (char *) id, GUINT_TO_POINTER (b->prepared->len + 1));

  if (b->items != NULL)
    g_ptr_array_add (b->items, json_object_ref (object));
  g_ptr_array_add (b->prepared, prepared);
}

/* The records of a batch answer, read apart from the rest of it: the scan
 * gave each one's text, so json-glib parses them one by one, each read
 * into its prepared fields right after, while its nodes are still in the
 * CPU caches (read after a parse of the whole answer, the members of
 * 10,000 records miss the caches one by one). Unless they are kept, each
 * record's tree is freed before the next is parsed, and so reuses the
 * same memory. Then the answer is parsed into @parser with each record
 * replaced by a 0: what is left (the root, items that are no objects,
 * which are skipped) is read in its own context.
 *
 * Returns NULL when any of that might not give what a parse of the whole
 * answer gives: a record that does not parse alone, a root that is not an
 * object, a list json-glib finds other than the one scanned, or a
 * backslash outside the records (the scan reads keys as they are written,
 * json-glib with their escapes). The caller parses the whole answer then. */
static BatchItems *
read_records_apart (JsonParser   *parser,
                    const char   *bytes,
                    gsize         size,
                    const GArray *ranges,
                    gboolean      keep_records)
{
  g_autoptr(GString) rest = NULL;
  g_autoptr(BatchItems) items = NULL;
  JsonNode *root;
  JsonNode *items_node;
  JsonArray *array;
  gsize done = 0;
  gsize kept = size;

  /* The rest's size, to write it without growing it. */
  for (guint i = 0; i < ranges->len; i++)
    kept -= g_array_index (ranges, LumaJsonRange, i).length - 1;
  rest = g_string_sized_new (kept);

  items = batch_items_new (ranges->len, keep_records);
  for (guint i = 0; i < ranges->len; i++)
    {
      const LumaJsonRange *range = &g_array_index (ranges, LumaJsonRange, i);
      const char *json = bytes + range->offset;

      /* Anything else stays in place: how json-glib reads a scalar can
       * depend on what follows it ("$" alone is a number, "$]" an error),
       * while an object's last token is its own "}". */
      if (json[0] != '{')
        {
          items->n_elements++;
          items->n_skipped++;
          continue;
        }

      if (!json_parser_load_from_data (parser, json, range->length, NULL) ||
          (root = json_parser_get_root (parser)) == NULL)
        return NULL;
      batch_items_add (items, root, json, range->length);

      g_string_append_len (rest, bytes + done, range->offset - done);
      g_string_append_c (rest, '0');
      done = range->offset + range->length;
    }
  g_string_append_len (rest, bytes + done, size - done);

  if (memchr (rest->str, '\\', rest->len) != NULL)
    return NULL;

  /* The list json-glib finds must be the one scanned, a 0 at each
   * record's place. */
  if (!json_parser_load_from_data (parser, rest->str, rest->len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (items_node = json_object_get_member (json_node_get_object (root), "items")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (items_node) ||
      json_array_get_length (array = json_node_get_array (items_node)) != ranges->len)
    return NULL;

  for (guint i = 0; i < ranges->len; i++)
    {
      const LumaJsonRange *range = &g_array_index (ranges, LumaJsonRange, i);
      JsonNode *element = json_array_get_element (array, i);

      if (bytes[range->offset] == '{' &&
          (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_INT64 ||
           json_node_get_int (element) != 0))
        return NULL;
    }

  return g_steal_pointer (&items);
}

static Answer *
parse_answer (ParseData  *data,
              GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GArray) ranges = NULL;
  g_autoptr(BatchItems) batch = NULL;
  JsonObject *root;
  JsonNode *node;
  JsonNode *items_node;
  guint n_items;
  Answer *answer;
  gsize size;
  const char *bytes = g_bytes_get_data (data->bytes, &size);
  gboolean success_status = data->status >= 200 && data->status < 300;

  if (size == 0)
    {
      if (success_status)
        *error = luma_error_new_api (LUMA_ERROR_BAD_RESPONSE, data->status, NULL, NULL,
                                     _("The server sent an empty answer instead of the API's JSON (HTTP %u)."),
                                     data->status);
      else
        *error = luma_error_new_api (luma_error_code_for_status (data->status, NULL), data->status, NULL, NULL,
                                     "%s", sentence_for_api_code (luma_error_code_for_status (data->status, NULL)));
      return NULL;
    }

  if (body_looks_like_html (data->bytes, data->content_type))
    {
      *error = luma_error_new_api (LUMA_ERROR_BAD_RESPONSE, data->status, NULL, NULL,
                                   _("The server answered with an HTML page instead of the API's JSON (HTTP %u)."),
                                   data->status);
      return NULL;
    }

  /* Not immutable: sealed records would refuse changes made further on. */
  parser = json_parser_new ();

  /* Each record's own text, sliced from the body: faithful to the
   * service's bytes, and far cheaper than writing the tree out again. */
  if (data->kind != ANSWER_SINGLE)
    {
      /* Room for records of 512 bytes, a third of the service's: growing
       * the array by copies costs more than the scan. */
      ranges = g_array_sized_new (FALSE, FALSE, sizeof (LumaJsonRange), MIN (size / 512 + 16, 1 << 20));
      if (_luma_json_scan_items (bytes, size, ranges) && ranges->len > 0)
        batch = read_records_apart (parser, bytes, size, ranges, data->kind == ANSWER_BATCH);
    }

  /* Otherwise the whole answer, each record written out again below. */
  if (batch == NULL)
    json_parser_load_from_data (parser, bytes, size, &local_error);

  if (local_error != NULL)
    {
      if (success_status)
        *error = luma_error_new_api (LUMA_ERROR_BAD_RESPONSE, data->status, NULL, NULL,
                                     _("The server's answer is not valid JSON (HTTP %u)."),
                                     data->status);
      else
        *error = luma_error_new_api (luma_error_code_for_status (data->status, NULL), data->status, NULL, NULL,
                                     "%s", sentence_for_api_code (luma_error_code_for_status (data->status, NULL)));
      return NULL;
    }

  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      *error = luma_error_new_api (LUMA_ERROR_BAD_RESPONSE, data->status, NULL, NULL,
                                   _("The server's answer is not a JSON object (HTTP %u)."),
                                   data->status);
      return NULL;
    }

  root = json_node_get_object (node);

  /* An error body, whatever the status said. */
  if (!success_status || member_object (root, "error") != NULL ||
      (json_object_has_member (root, "success") &&
       JSON_NODE_HOLDS_VALUE (json_object_get_member (root, "success")) &&
       json_node_get_value_type (json_object_get_member (root, "success")) == G_TYPE_BOOLEAN &&
       !json_object_get_boolean_member (root, "success")))
    {
      *error = error_from_api_object (root, data->status);
      return NULL;
    }

  if (data->kind != ANSWER_SINGLE)
    {
      JsonArray *array;

      items_node = json_object_get_member (root, "items");
      if (items_node == NULL || !JSON_NODE_HOLDS_ARRAY (items_node))
        {
          *error = luma_error_new_api (LUMA_ERROR_BAD_RESPONSE, data->status, NULL, member_string (root, "trace_id"),
                                       _("The server's answer has no list of tasks (HTTP %u)."),
                                       data->status);
          return NULL;
        }

      array = json_node_get_array (items_node);
      n_items = json_array_get_length (array);

      /* Records the scan could not slice are written out again. */
      if (batch == NULL)
        {
          batch = batch_items_new (n_items, data->kind == ANSWER_BATCH);
          for (guint i = 0; i < n_items; i++)
            batch_items_add (batch, json_array_get_element (array, i), NULL, 0);
        }
    }

  answer = g_new0 (Answer, 1);
  /* A batch answer's tree goes with the parser, here: only its records
   * travel to the main thread. */
  if (data->kind == ANSWER_SINGLE)
    answer->root = json_object_ref (root);
  if (batch != NULL)
    {
      answer->items = batch->items != NULL ? g_steal_pointer (&batch->items) : g_ptr_array_new ();
      answer->prepared = g_steal_pointer (&batch->prepared);
      answer->index = g_steal_pointer (&batch->index);
      answer->n_skipped = batch->n_skipped;
    }

  return answer;
}

static void
parse_answer_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  Answer *answer = parse_answer (task_data, &error);

  if (answer != NULL)
    g_task_return_pointer (task, answer, (GDestroyNotify) answer_free);
  else
    g_task_return_error (task, error);
}

LumaBatchResult *
_luma_client_parse_batch_body (GBytes    *body,
                               gboolean   keep_records,
                               GError   **error)
{
  ParseData data = { body, NULL, SOUP_STATUS_OK, keep_records ? ANSWER_BATCH : ANSWER_BATCH_PREPARED };
  GError *local_error = NULL;
  LumaBatchResult *result;
  Answer *answer;

  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* parse_answer() always sets its error. */
  answer = parse_answer (&data, &local_error);
  if (answer == NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  result = luma_batch_result_new ();
  g_ptr_array_extend_and_steal (result->records, g_steal_pointer (&answer->items));
  ((BatchResultReal *) result)->prepared = g_steal_pointer (&answer->prepared);
  ((BatchResultReal *) result)->prepared_only = !keep_records;
  result->n_skipped = answer->n_skipped;
  answer_free (answer);

  return result;
}

/* ------------------------------------------------------------------------ */
/* One API request, with its retries                                        */

typedef enum
{
  RETRY_NONE,
  RETRY_RATE_LIMIT,
  RETRY_OTHER,
} RetryClass;

typedef struct
{
  GBytes       *body;
  AnswerKind    kind;
  GUri         *uri;                  /* where the current attempt goes */

  SoupMessage  *msg;
  GInputStream *stream;
  GByteArray   *buffer;

  GCancellable *attempt_cancellable;  /* cancelled by the caller's or by the deadline */
  gulong        cancelled_id;
  GSource      *deadline;
  GSource      *wait;
  GSource      *wait_cancelled;

  guint         status;
  goffset       expected_length;      /* Content-Length, or -1 */
  gboolean      timed_out;
  gboolean      transport_failed;     /* no (complete) answer: worth another try */
  char         *retry_after;

  guint         n_rate_retries;
  guint         n_other_retries;
  guint         n_redirects;
} Request;

static void
discard_stream (GInputStream *stream)
{
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();

  /* Closing a response stream that was not read to its end would wait for
   * the rest of the body: close it with a cancelled cancellable instead, so
   * libsoup drops the connection. */
  g_cancellable_cancel (cancelled);
  if (!g_input_stream_is_closed (stream) && !g_input_stream_has_pending (stream))
    g_input_stream_close_async (stream, G_PRIORITY_DEFAULT, cancelled, NULL, NULL);
  g_object_unref (stream);
}

static void
request_clear_attempt (Request      *req,
                       GCancellable *cancellable)
{
  if (req->deadline != NULL)
    {
      g_source_destroy (req->deadline);
      g_clear_pointer (&req->deadline, g_source_unref);
    }

  if (req->cancelled_id != 0 && cancellable != NULL)
    g_cancellable_disconnect (cancellable, req->cancelled_id);
  req->cancelled_id = 0;

  g_clear_pointer (&req->stream, discard_stream);
  g_clear_object (&req->msg);
  g_clear_object (&req->attempt_cancellable);
  g_clear_pointer (&req->buffer, g_byte_array_unref);
  g_clear_pointer (&req->retry_after, g_free);
}

static void
request_clear_wait (Request *req)
{
  if (req->wait != NULL)
    {
      g_source_destroy (req->wait);
      g_clear_pointer (&req->wait, g_source_unref);
    }
  if (req->wait_cancelled != NULL)
    {
      g_source_destroy (req->wait_cancelled);
      g_clear_pointer (&req->wait_cancelled, g_source_unref);
    }
}

static void
request_free (Request *req)
{
  g_assert (req->cancelled_id == 0);

  request_clear_wait (req);
  if (req->deadline != NULL)
    {
      g_source_destroy (req->deadline);
      g_clear_pointer (&req->deadline, g_source_unref);
    }
  g_clear_pointer (&req->stream, discard_stream);
  g_clear_object (&req->msg);
  g_clear_object (&req->attempt_cancellable);
  g_clear_pointer (&req->buffer, g_byte_array_unref);
  g_clear_pointer (&req->retry_after, g_free);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_clear_pointer (&req->uri, g_uri_unref);
  g_free (req);
}

static void request_send (GTask *task);

/* Removes the token from anything that may be shown, should a server echo it. */
static void
redact_token (LumaClient *self,
              GError     *error)
{
  char *found;

  if (self->token == NULL || *self->token == '\0' || error == NULL || error->message == NULL)
    return;

  while ((found = strstr (error->message, self->token)) != NULL)
    {
      g_autofree char *before = g_strndup (error->message, found - error->message);
      char *message = g_strconcat (before, "…", found + strlen (self->token), NULL);

      g_free (error->message);
      error->message = message;
    }
}

static RetryClass
request_retry_class (Request      *req,
                     const GError *error)
{
  if (error->domain != LUMA_ERROR)
    return RETRY_NONE;

  if (req->status == 429 || error->code == LUMA_ERROR_TOO_MANY_REQUESTS)
    return RETRY_RATE_LIMIT;

  switch (req->status)
    {
    case 500: case 502: case 503: case 504:
      return RETRY_OTHER;
    default:
      break;
    }

  if (req->transport_failed)
    return RETRY_OTHER;

  if (req->status == 0 && luma_error_is_retryable (error))
    return RETRY_OTHER;

  return RETRY_NONE;
}

static gboolean
request_wait_done_cb (gpointer user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  request_clear_wait (req);
  request_send (task);

  return G_SOURCE_REMOVE;
}

static gboolean
request_wait_cancelled_cb (GCancellable *cancellable,
                           gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  request_clear_wait (req);
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

static double
backoff_delay (LumaClient *self,
               guint       n_retries_before)
{
  double base = self->backoff_base_ms * (double) (1u << MIN (n_retries_before, 16u));
  /* ±20 % jitter, so many clients rate-limited at once do not come back together. */
  double delay_ms = MIN (base, (double) MAX_BACKOFF_MS) * g_random_double_range (0.8, 1.2);

  return MIN (delay_ms, (double) MAX_BACKOFF_MS) / 1000.0;
}

/* Ends the current attempt with @error: waits and tries again, or fails. */
static void
request_fail (GTask  *task,
              GError *error)
{
  LumaClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  RetryClass retry;
  double delay = -1.0;

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_clear_error (&error);
      request_clear_attempt (req, cancellable);
      g_task_return_error_if_cancelled (task);
      g_object_unref (task);
      return;
    }

  redact_token (self, error);
  retry = request_retry_class (req, error);

  if (retry == RETRY_RATE_LIMIT && req->n_rate_retries < MAX_RATE_LIMIT_RETRIES)
    {
      delay = luma_client_parse_retry_after (req->retry_after, NULL);
      if (delay < 0)
        delay = backoff_delay (self, req->n_rate_retries);
      delay = MIN (delay, MAX_RETRY_AFTER_S);
      req->n_rate_retries++;
    }
  else if (retry == RETRY_OTHER && req->n_other_retries < MAX_OTHER_RETRIES)
    {
      delay = backoff_delay (self, req->n_other_retries);
      req->n_other_retries++;
    }

  request_clear_attempt (req, cancellable);

  if (delay < 0)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  g_debug ("Retrying in %.1f s: %s", delay, error->message);
  g_signal_emit (self, signals[RETRYING], 0, error, delay);
  g_clear_error (&error);

  /* Whichever source fires first carries the request on. */
  req->wait = g_timeout_source_new ((guint) (delay * 1000.0));
  g_source_set_callback (req->wait, request_wait_done_cb, task, NULL);
  g_source_attach (req->wait, g_task_get_context (task));

  if (cancellable != NULL)
    {
      req->wait_cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (req->wait_cancelled, G_SOURCE_FUNC (request_wait_cancelled_cb), task, NULL);
      g_source_attach (req->wait_cancelled, g_task_get_context (task));
    }
}

static void
request_parsed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  GError *error = NULL;
  Answer *answer;

  answer = g_task_propagate_pointer (G_TASK (result), &error);
  if (answer == NULL)
    {
      request_fail (task, error);
      return;
    }

  request_clear_attempt (req, g_task_get_cancellable (task));
  g_task_return_pointer (task, answer, (GDestroyNotify) answer_free);
  g_object_unref (task);
}

static void
request_body_done (GTask *task)
{
  Request *req = g_task_get_task_data (task);
  g_autoptr(GTask) parse_task = NULL;
  ParseData *data;

  /* The answer is complete: the deadline no longer applies. */
  if (req->deadline != NULL)
    {
      g_source_destroy (req->deadline);
      g_clear_pointer (&req->deadline, g_source_unref);
    }

  /* Read to its end: a plain close lets libsoup reuse the connection. */
  g_input_stream_close_async (req->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&req->stream);

  data = g_new0 (ParseData, 1);
  data->bytes = g_byte_array_free_to_bytes (g_steal_pointer (&req->buffer));
  data->content_type = g_strdup (soup_message_headers_get_content_type (soup_message_get_response_headers (req->msg), NULL));
  data->status = req->status;
  data->kind = req->kind;

  /* No source object: the thread pool lets go of a task only after its
   * result is handed over, and the client must be free to go by then. */
  parse_task = g_task_new (NULL, NULL, request_parsed_cb, task);
  g_task_set_source_tag (parse_task, request_body_done);
  g_task_set_task_data (parse_task, data, (GDestroyNotify) parse_data_free);
  g_task_run_in_thread (parse_task, parse_answer_thread);
}

static GError *
error_from_transport (GTask        *task,
                      const GError *error,
                      gboolean      reading_body)
{
  LumaClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  guint timeout = self->timeout;

  req->transport_failed = TRUE;

  if (req->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      return luma_error_new_api (LUMA_ERROR_TIMEOUT, req->status, NULL, NULL,
                                 g_dngettext (GETTEXT_PACKAGE,
                                              "The server did not answer within %u second.",
                                              "The server did not answer within %u seconds.",
                                              timeout),
                                 timeout);
    }

  if (reading_body)
    return luma_error_new_api (LUMA_ERROR_BAD_RESPONSE, req->status, NULL, NULL,
                               _("The server's answer was cut off before its end (HTTP %u): %s"),
                               req->status, error->message);

  return luma_error_new_api (LUMA_ERROR_NETWORK, 0, NULL, NULL,
                             _("Could not reach the service: %s"), error->message);
}

static void
request_read_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (bytes == NULL)
    {
      request_fail (task, error_from_transport (task, error, TRUE));
      return;
    }

  if (g_bytes_get_size (bytes) == 0)
    {
      /* libsoup reports a connection closed early as the end of the body. */
      if (req->expected_length > 0 && req->buffer->len < (guint64) req->expected_length)
        {
          req->transport_failed = TRUE;
          request_fail (task, luma_error_new_api (LUMA_ERROR_BAD_RESPONSE, req->status, NULL, NULL,
                                                  _("The server's answer was cut off before its end (HTTP %u): %u of %u bytes came."),
                                                  req->status, req->buffer->len, (guint) req->expected_length));
          return;
        }

      request_body_done (task);
      return;
    }

  if (req->buffer->len + g_bytes_get_size (bytes) > LUMA_CLIENT_MAX_BODY_SIZE)
    {
      request_fail (task, luma_error_new_api (LUMA_ERROR_TOO_LARGE, req->status, NULL, NULL,
                                              _("The server's answer is larger than %u MiB and was refused."),
                                              LUMA_CLIENT_MAX_BODY_SIZE / (1024 * 1024)));
      return;
    }

  g_byte_array_append (req->buffer, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_input_stream_read_bytes_async (req->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   req->attempt_cancellable, request_read_cb, task);
}

static gboolean
status_is_redirect (guint status)
{
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static void
request_sent_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  goffset content_length;

  req->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (req->stream == NULL)
    {
      request_fail (task, error_from_transport (task, error, FALSE));
      return;
    }

  req->status = soup_message_get_status (req->msg);
  headers = soup_message_get_response_headers (req->msg);
  req->retry_after = g_strdup (soup_message_headers_get_one (headers, "Retry-After"));

  if (status_is_redirect (req->status))
    {
      const char *location = soup_message_headers_get_one (headers, "Location");
      g_autoptr(GUri) target = NULL;

      if (location != NULL)
        target = g_uri_parse_relative (req->uri, location, G_URI_FLAGS_ENCODED, NULL);

      /* The token goes to the API's origin only: follow a redirect there
       * once, refuse any other. */
      if (target != NULL && uri_same_origin (target, req->uri) && req->n_redirects == 0)
        {
          GCancellable *cancellable = g_task_get_cancellable (task);

          req->n_redirects++;
          g_clear_pointer (&req->uri, g_uri_unref);
          req->uri = g_steal_pointer (&target);
          request_clear_attempt (req, cancellable);
          request_send (task);
          return;
        }

      request_fail (task, luma_error_new_api (LUMA_ERROR_REDIRECT, req->status, NULL, NULL,
                                              _("The server sent the request elsewhere (HTTP %u); the app does not follow it, to keep the API token safe."),
                                              req->status));
      return;
    }

  content_length = soup_message_headers_get_content_length (headers);
  if (content_length > LUMA_CLIENT_MAX_BODY_SIZE)
    {
      request_fail (task, luma_error_new_api (LUMA_ERROR_TOO_LARGE, req->status, NULL, NULL,
                                              _("The server's answer is larger than %u MiB and was refused."),
                                              LUMA_CLIENT_MAX_BODY_SIZE / (1024 * 1024)));
      return;
    }

  /* A compressed body's length says nothing about the decoded one. */
  req->expected_length = soup_message_headers_get_one (headers, "Content-Encoding") == NULL ? content_length : -1;
  req->buffer = g_byte_array_sized_new (content_length > 0 ? (guint) content_length : 4096);
  g_input_stream_read_bytes_async (req->stream, READ_CHUNK_SIZE, G_PRIORITY_DEFAULT,
                                   req->attempt_cancellable, request_read_cb, task);
}

static gboolean
request_deadline_cb (gpointer user_data)
{
  GTask *task = user_data;
  Request *req = g_task_get_task_data (task);

  req->timed_out = TRUE;
  g_clear_pointer (&req->deadline, g_source_unref);
  g_cancellable_cancel (req->attempt_cancellable);

  return G_SOURCE_REMOVE;
}

static void
cancel_attempt_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
request_send (GTask *task)
{
  LumaClient *self = g_task_get_source_object (task);
  Request *req = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autofree char *authorization = NULL;
  SoupMessageHeaders *headers;

  g_assert (req->msg == NULL);

  if (self->token == NULL || *self->token == '\0')
    {
      g_task_return_new_error (task, LUMA_ERROR, LUMA_ERROR_NO_TOKEN,
                               _("No API token is set. Add your AceData Cloud token first."));
      g_object_unref (task);
      return;
    }

  req->status = 0;
  req->timed_out = FALSE;
  req->transport_failed = FALSE;

  req->attempt_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    req->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_attempt_cb),
                                               g_object_ref (req->attempt_cancellable),
                                               g_object_unref);

  req->msg = soup_message_new_from_uri (SOUP_METHOD_POST, req->uri);
  /* Redirects are checked by hand: the token must not follow one elsewhere. */
  soup_message_add_flags (req->msg, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (req->msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  authorization = g_strconcat ("Bearer ", self->token, NULL);
  soup_message_headers_replace (headers, "Authorization", authorization);
  soup_message_set_request_body_from_bytes (req->msg, "application/json", req->body);

  /* Method, address and attempt only: headers (the token) are never logged. */
  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN) == FALSE)
    {
      g_autofree char *uri = g_uri_to_string_partial (req->uri, G_URI_HIDE_PASSWORD);

      g_debug ("POST %s (%s, attempt %u)", uri,
               req->kind != ANSWER_SINGLE ? "retrieve_batch" : "retrieve",
               1 + req->n_rate_retries + req->n_other_retries);
    }

  req->deadline = g_timeout_source_new (self->timeout * 1000);
  g_source_set_callback (req->deadline, request_deadline_cb, task, NULL);
  g_source_attach (req->deadline, g_task_get_context (task));

  soup_session_send_async (self->session, req->msg, G_PRIORITY_DEFAULT,
                           req->attempt_cancellable, request_sent_cb, task);
}

static void
luma_client_request_async (LumaClient          *self,
                           JsonNode            *body,
                           AnswerKind           kind,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  GTask *task;
  Request *req;
  char *data;
  gsize length;

  json_generator_set_root (generator, body);
  data = json_generator_to_data (generator, &length);

  req = g_new0 (Request, 1);
  req->body = g_bytes_new_take (data, length);
  req->kind = kind;
  req->uri = g_uri_ref (self->endpoint);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, luma_client_request_async);
  g_task_set_task_data (task, req, (GDestroyNotify) request_free);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  request_send (task);
}

static Answer *
luma_client_request_finish (LumaClient    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* retrieve                                                                 */

static JsonNode *
build_retrieve_body (const char *id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, "retrieve");
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
build_batch_body (const char * const *ids,
                  guint               n_ids)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ids");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_ids; i++)
    json_builder_add_string_value (builder, ids[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, "retrieve_batch");
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
retrieve_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  Answer *answer;

  answer = luma_client_request_finish (LUMA_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The service answers {} for an ID it does not know. */
  if (json_object_get_size (answer->root) == 0 || member_string (answer->root, "id") == NULL)
    g_task_return_error (task, luma_error_new_api (LUMA_ERROR_NOT_FOUND, 0, NULL,
                                                   member_string (answer->root, "trace_id"),
                                                   _("The service does not know the task %s."),
                                                   (const char *) g_task_get_task_data (task)));
  else
    g_task_return_pointer (task, json_object_ref (answer->root), (GDestroyNotify) json_object_unref);

  answer_free (answer);
}

void
luma_client_retrieve_async (LumaClient          *self,
                            const char          *id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;
  GTask *task;

  g_return_if_fail (LUMA_IS_CLIENT (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, luma_client_retrieve_async);
  g_task_set_task_data (task, g_strdup (id), g_free);

  body = build_retrieve_body (id);
  luma_client_request_async (self, body, ANSWER_SINGLE, cancellable, retrieve_cb, task);
}

JsonObject *
luma_client_retrieve_finish (LumaClient    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (LUMA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* retrieve_batch                                                           */

typedef struct
{
  guint       start;
  guint       length;
  Answer     *answer;     /* NULL until answered */
  GHashTable *records;    /* id → index in answer->prepared + 1 */
  GError     *error;
  guint       n_skipped;
  gboolean    done;
} Chunk;

typedef struct
{
  char       **ids;
  guint        n_ids;
  AnswerKind   kind;
  Chunk       *chunks;
  guint        n_chunks;
  guint        next_chunk;
  guint        in_flight;
} BatchData;

static void
batch_data_free (BatchData *data)
{
  for (guint i = 0; i < data->n_chunks; i++)
    {
      g_clear_pointer (&data->chunks[i].records, g_hash_table_unref);
      g_clear_pointer (&data->chunks[i].answer, answer_free);
      g_clear_error (&data->chunks[i].error);
    }
  g_free (data->chunks);
  g_strfreev (data->ids);
  g_free (data);
}

typedef struct
{
  GTask *task;
  guint  chunk;
} ChunkCall;

static void batch_send_next (GTask *task);

static void
batch_finish (GTask *task)
{
  BatchData *data = g_task_get_task_data (task);
  g_autoptr(LumaBatchResult) result = NULL;
  GPtrArray *prepared;

  if (g_task_return_error_if_cancelled (task))
    return;

  result = luma_batch_result_new ();
  prepared = g_ptr_array_new_full (data->n_ids, (GDestroyNotify) _luma_prepared_record_unref);
  ((BatchResultReal *) result)->prepared = prepared;
  ((BatchResultReal *) result)->prepared_only = data->kind == ANSWER_BATCH_PREPARED;
  for (guint c = 0; c < data->n_chunks; c++)
    {
      Chunk *chunk = &data->chunks[c];

      result->n_skipped += chunk->n_skipped;

      for (guint i = chunk->start; i < chunk->start + chunk->length; i++)
        {
          const char *id = data->ids[i];
          LumaPreparedRecord *p;
          guint index;

          if (chunk->error != NULL)
            {
              g_ptr_array_add (result->failed, g_strdup (id));
              continue;
            }

          index = GPOINTER_TO_UINT (g_hash_table_lookup (chunk->records, id));
          if (index > 0)
            {
              if (data->kind == ANSWER_BATCH)
                g_ptr_array_add (result->records,
                                 json_object_ref (g_ptr_array_index (chunk->answer->items, index - 1)));
              p = g_ptr_array_index (chunk->answer->prepared, index - 1);
              g_ptr_array_add (prepared, p != NULL ? _luma_prepared_record_ref (p) : NULL);
            }
          else
            g_ptr_array_add (result->not_found, g_strdup (id));
        }

      if (chunk->error != NULL && result->error == NULL)
        result->error = g_error_copy (chunk->error);

      /* The result holds the only references now: whoever frees it frees
       * the records, when and how it chooses. */
      g_clear_pointer (&chunk->records, g_hash_table_unref);
      g_clear_pointer (&chunk->answer, answer_free);
    }

  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) luma_batch_result_free);
}

static void
batch_chunk_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ChunkCall *call = user_data;
  g_autoptr(GTask) task = call->task;
  BatchData *data = g_task_get_task_data (task);
  Chunk *chunk = &data->chunks[call->chunk];
  GError *error = NULL;
  Answer *answer;

  g_free (call);

  answer = luma_client_request_finish (LUMA_CLIENT (object), result, &error);
  chunk->done = TRUE;
  data->in_flight--;

  if (answer == NULL)
    {
      chunk->error = error;
    }
  else
    {
      /* Indexed in the parse thread. */
      chunk->records = g_steal_pointer (&answer->index);
      chunk->n_skipped = answer->n_skipped;
      chunk->answer = answer;
    }

  batch_send_next (task);
}

static void
batch_send_next (GTask *task)
{
  LumaClient *self = g_task_get_source_object (task);
  BatchData *data = g_task_get_task_data (task);

  while (data->in_flight < self->max_in_flight && data->next_chunk < data->n_chunks)
    {
      Chunk *chunk = &data->chunks[data->next_chunk];
      g_autoptr(JsonNode) body = build_batch_body ((const char * const *) data->ids + chunk->start, chunk->length);
      ChunkCall *call = g_new0 (ChunkCall, 1);

      call->task = g_object_ref (task);
      call->chunk = data->next_chunk++;
      data->in_flight++;
      luma_client_request_async (self, body, data->kind, g_task_get_cancellable (task),
                                 batch_chunk_cb, call);
    }

  if (data->in_flight == 0 && data->next_chunk == data->n_chunks)
    batch_finish (task);
}

static void
retrieve_batch (LumaClient          *self,
                const char * const  *ids,
                guint                n_ids,
                AnswerKind           kind,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  BatchData *data;

  g_return_if_fail (LUMA_IS_CLIENT (self));
  g_return_if_fail (ids != NULL || n_ids == 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, luma_client_retrieve_batch_async);

  data = g_new0 (BatchData, 1);
  data->kind = kind;
  data->ids = g_new0 (char *, n_ids + 1);
  for (guint i = 0; i < n_ids; i++)
    data->ids[i] = g_strdup (ids[i]);
  data->n_ids = n_ids;
  data->n_chunks = (n_ids + self->batch_size - 1) / self->batch_size;
  data->chunks = g_new0 (Chunk, MAX (data->n_chunks, 1));
  for (guint c = 0; c < data->n_chunks; c++)
    {
      data->chunks[c].start = c * self->batch_size;
      data->chunks[c].length = MIN (self->batch_size, n_ids - c * self->batch_size);
    }
  g_task_set_task_data (task, data, (GDestroyNotify) batch_data_free);

  if (g_task_return_error_if_cancelled (task))
    return;

  batch_send_next (task);
}

void
luma_client_retrieve_batch_async (LumaClient          *self,
                                  const char * const  *ids,
                                  guint                n_ids,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  retrieve_batch (self, ids, n_ids, ANSWER_BATCH, cancellable, callback, user_data);
}

void
_luma_client_retrieve_prepared_async (LumaClient          *self,
                                      const char * const  *ids,
                                      guint                n_ids,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  retrieve_batch (self, ids, n_ids, ANSWER_BATCH_PREPARED, cancellable, callback, user_data);
}

LumaBatchResult *
luma_client_retrieve_batch_finish (LumaClient    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (LUMA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* fetch                                                                    */

static void
fetch_single_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(LumaBatchResult) batch = luma_batch_result_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *record;
  const char *id = g_task_get_task_data (task);

  record = luma_client_retrieve_finish (LUMA_CLIENT (object), result, &error);
  if (record != NULL)
    {
      g_ptr_array_add (batch->records, record);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  else if (g_error_matches (error, LUMA_ERROR, LUMA_ERROR_NOT_FOUND))
    {
      g_ptr_array_add (batch->not_found, g_strdup (id));
    }
  else
    {
      g_ptr_array_add (batch->failed, g_strdup (id));
      batch->error = g_steal_pointer (&error);
    }

  g_task_return_pointer (task, g_steal_pointer (&batch), (GDestroyNotify) luma_batch_result_free);
}

static void
fetch_batch_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  LumaBatchResult *batch;

  batch = luma_client_retrieve_batch_finish (LUMA_CLIENT (object), result, &error);
  if (batch == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, batch, (GDestroyNotify) luma_batch_result_free);
}

static void
fetch (LumaClient          *self,
       const char * const  *ids,
       guint                n_ids,
       AnswerKind           batch_kind,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (LUMA_IS_CLIENT (self));
  g_return_if_fail (ids != NULL || n_ids == 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, luma_client_fetch_async);

  if (n_ids == 1)
    {
      g_task_set_task_data (task, g_strdup (ids[0]), g_free);
      luma_client_retrieve_async (self, ids[0], cancellable, fetch_single_cb, task);
    }
  else
    {
      retrieve_batch (self, ids, n_ids, batch_kind, cancellable, fetch_batch_cb, task);
    }
}

void
luma_client_fetch_async (LumaClient          *self,
                         const char * const  *ids,
                         guint                n_ids,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  fetch (self, ids, n_ids, ANSWER_BATCH, cancellable, callback, user_data);
}

void
_luma_client_fetch_prepared_async (LumaClient          *self,
                                   const char * const  *ids,
                                   guint                n_ids,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  fetch (self, ids, n_ids, ANSWER_BATCH_PREPARED, cancellable, callback, user_data);
}

LumaBatchResult *
luma_client_fetch_finish (LumaClient    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (LUMA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* check_token                                                              */

static void
check_token_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonObject) record = NULL;
  GError *error = NULL;

  record = luma_client_retrieve_finish (LUMA_CLIENT (object), result, &error);

  /* Any answer about the task, "not found" included, means the token was accepted. */
  if (record != NULL || g_error_matches (error, LUMA_ERROR, LUMA_ERROR_NOT_FOUND))
    {
      g_clear_error (&error);
      g_task_return_boolean (task, TRUE);
    }
  else
    {
      g_task_return_error (task, error);
    }
}

void
luma_client_check_token_async (LumaClient          *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autofree char *id = NULL;
  GTask *task;

  g_return_if_fail (LUMA_IS_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, luma_client_check_token_async);

  /* A task nobody has: the cheapest request the service authenticates. */
  id = g_uuid_string_random ();
  luma_client_retrieve_async (self, id, cancellable, check_token_cb, task);
}

gboolean
luma_client_check_token_finish (LumaClient    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (LUMA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
luma_client_finalize (GObject *object)
{
  LumaClient *self = (LumaClient *) object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->endpoint, g_uri_unref);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->token, g_free);

  G_OBJECT_CLASS (luma_client_parent_class)->finalize (object);
}

static void
luma_client_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  LumaClient *self = LUMA_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_BATCH_SIZE:
      g_value_set_uint (value, self->batch_size);
      break;
    case PROP_MAX_IN_FLIGHT:
      g_value_set_uint (value, self->max_in_flight);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_client_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  LumaClient *self = LUMA_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BATCH_SIZE:
      luma_client_set_batch_size (self, g_value_get_uint (value));
      break;
    case PROP_MAX_IN_FLIGHT:
      luma_client_set_max_in_flight (self, g_value_get_uint (value));
      break;
    case PROP_TIMEOUT:
      luma_client_set_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_client_class_init (LumaClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = luma_client_finalize;
  object_class->get_property = luma_client_get_property;
  object_class->set_property = luma_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_BATCH_SIZE] =
    g_param_spec_uint ("batch-size", NULL, NULL,
                       1, 1000, LUMA_CLIENT_DEFAULT_BATCH_SIZE,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_MAX_IN_FLIGHT] =
    g_param_spec_uint ("max-in-flight", NULL, NULL,
                       1, MAX_CONNS, LUMA_CLIENT_DEFAULT_MAX_IN_FLIGHT,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       1, 3600, LUMA_CLIENT_DEFAULT_TIMEOUT,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LumaClient::retrying:
   * @error: why the last attempt failed
   * @delay: seconds before the next attempt
   *
   * Emitted before each wait between two attempts of a request.
   */
  signals[RETRYING] =
    g_signal_new ("retrying",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_ERROR, G_TYPE_DOUBLE);
}

static void
luma_client_init (LumaClient *self)
{
  self->batch_size = LUMA_CLIENT_DEFAULT_BATCH_SIZE;
  self->max_in_flight = LUMA_CLIENT_DEFAULT_MAX_IN_FLIGHT;
  self->timeout = LUMA_CLIENT_DEFAULT_TIMEOUT;
  self->backoff_base_ms = DEFAULT_BACKOFF_BASE_MS;

  /* One session for every request; enough connections per host for the
   * largest max-in-flight allowed. */
  self->session = g_object_new (SOUP_TYPE_SESSION,
                                "user-agent", "luma-tasks/" PACKAGE_VERSION,
                                "timeout", LUMA_CLIENT_DEFAULT_TIMEOUT,
                                "idle-timeout", 60,
                                "max-conns", MAX_CONNS * 2,
                                "max-conns-per-host", MAX_CONNS,
                                NULL);
}

LumaClient *
luma_client_new (const char  *base_url,
                 const char  *token,
                 GError     **error)
{
  g_autoptr(LumaClient) self = NULL;
  g_autofree char *normalized = NULL;
  GUri *endpoint;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  endpoint = parse_base_url (base_url, &normalized, error);
  if (endpoint == NULL)
    return NULL;

  self = g_object_new (LUMA_TYPE_CLIENT, NULL);
  self->endpoint = endpoint;

  /* This computer is reached directly, never through a proxy. */
  if (host_is_loopback (g_uri_get_host (endpoint)))
    soup_session_set_proxy_resolver (self->session, NULL);
  self->base_url = g_steal_pointer (&normalized);
  luma_client_set_token (self, token);

  return g_steal_pointer (&self);
}

const char *
luma_client_get_base_url (LumaClient *self)
{
  g_return_val_if_fail (LUMA_IS_CLIENT (self), NULL);

  return self->base_url;
}

void
luma_client_set_token (LumaClient *self,
                       const char *token)
{
  g_autofree char *trimmed = NULL;

  g_return_if_fail (LUMA_IS_CLIENT (self));

  if (token != NULL)
    trimmed = g_strstrip (g_strdup (token));

  /* A token with control characters cannot go in a header: treat it as none. */
  if (trimmed != NULL)
    {
      for (const char *p = trimmed; *p != '\0'; p++)
        {
          if (g_ascii_iscntrl (*p))
            {
              g_clear_pointer (&trimmed, g_free);
              break;
            }
        }
    }

  g_free (self->token);
  self->token = g_steal_pointer (&trimmed);
}

guint
luma_client_get_batch_size (LumaClient *self)
{
  g_return_val_if_fail (LUMA_IS_CLIENT (self), 0);

  return self->batch_size;
}

void
luma_client_set_batch_size (LumaClient *self,
                            guint       batch_size)
{
  g_return_if_fail (LUMA_IS_CLIENT (self));

  batch_size = CLAMP (batch_size, 1, 1000);
  if (self->batch_size == batch_size)
    return;

  self->batch_size = batch_size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BATCH_SIZE]);
}

guint
luma_client_get_max_in_flight (LumaClient *self)
{
  g_return_val_if_fail (LUMA_IS_CLIENT (self), 0);

  return self->max_in_flight;
}

void
luma_client_set_max_in_flight (LumaClient *self,
                               guint       max_in_flight)
{
  g_return_if_fail (LUMA_IS_CLIENT (self));

  max_in_flight = CLAMP (max_in_flight, 1, MAX_CONNS);
  if (self->max_in_flight == max_in_flight)
    return;

  self->max_in_flight = max_in_flight;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_IN_FLIGHT]);
}

guint
luma_client_get_timeout (LumaClient *self)
{
  g_return_val_if_fail (LUMA_IS_CLIENT (self), 0);

  return self->timeout;
}

void
luma_client_set_timeout (LumaClient *self,
                         guint       seconds)
{
  g_return_if_fail (LUMA_IS_CLIENT (self));

  seconds = CLAMP (seconds, 1, 3600);
  if (self->timeout == seconds)
    return;

  self->timeout = seconds;
  soup_session_set_timeout (self->session, seconds);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

void
luma_client_set_backoff_base_ms (LumaClient *self,
                                 guint       base_ms)
{
  g_return_if_fail (LUMA_IS_CLIENT (self));

  self->backoff_base_ms = MAX (base_ms, 1);
}
