/* luma-sim.c: luma-tasks-sim, a simulator of the Luma Tasks API
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real HTTP server on loopback that answers like the service of
 * DESIGN.md §2, serves real media, and misbehaves on request (faults) so
 * the client's error paths can be tested. Everything runs in one thread
 * on the main loop: nothing here may block or sleep.
 */

#define G_LOG_DOMAIN "luma-sim"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib-unix.h>

#include "luma-sim.h"

/* A body above the client's 64 MiB limit, by 1 MiB. */
#define HUGE_BODY_SIZE ((guint64) 65 * 1024 * 1024)
#define HUGE_CHUNK_SIZE (64 * 1024)

/* The log keeps the newest requests only. */
#define LOG_LIMIT 100000

/* RFC 6585; libsoup 3.2 has no name for it. */
#define SIM_STATUS_TOO_MANY_REQUESTS 429

static const char * const fault_kinds[] = {
  "http429", "http429-date", "http500", "http504", "http502-html",
  "cut-body", "close", "slow-drip", "huge-body", "huge-body-chunked",
  "redirect", "http401", "http403", "empty-object",
  NULL
};

typedef struct
{
  char *kind;
  int count;                 /* requests left; -1: every request */
  int retry_after;           /* seconds, for http429* */
  int drip_ms;               /* for slow-drip */
} SimFault;

typedef struct _Sim Sim;

/* An answer that is still being written out over time, or held back. */
typedef struct
{
  Sim *sim;
  SoupServerMessage *msg;
  guint timeout_id;
  gulong finished_id;
  gulong wrote_chunk_id;
  GBytes *body;              /* slow-drip: the whole answer */
  gsize offset;              /* slow-drip: bytes handed over so far */
  guint64 remaining;         /* huge-body: padding bytes still to send */
  gboolean huge;             /* huge-body or huge-body-chunked */
  gboolean chunked;          /* huge-body-chunked */
} SimStream;

struct _Sim
{
  GMainLoop *loop;
  SoupServer *server;
  guint main_port;
  guint other_port;
  char *token;
  guint batch_limit;
  guint latency_ms;
  guint rate_limit;
  int rate_retry_after;      /* seconds of Retry-After past the rate limit */
  gint64 rate_second;
  guint rate_count;
  SimData *data;
  SimMediaStore *media;
  GQueue faults;             /* SimFault*, applied to the next API requests */
  SimFault *every;           /* --fault: applied to every API request */
  GQueue log;                /* JsonObject*, oldest first */
  GHashTable *streams;       /* SimStream* set */
  GHashTable *live;          /* SoupServerMessage* not yet finalized (borrowed) */
  int exit_status;
};

static char huge_padding[HUGE_CHUNK_SIZE];

static void
sim_fault_free (SimFault *fault)
{
  g_free (fault->kind);
  g_free (fault);
}

static SimFault *
sim_fault_new (const char *kind,
               int         count,
               int         retry_after,
               int         drip_ms)
{
  SimFault *fault = g_new0 (SimFault, 1);

  fault->kind = g_strdup (kind);
  fault->count = count;
  fault->retry_after = retry_after;
  fault->drip_ms = drip_ms;

  return fault;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SimFault, sim_fault_free)

static gboolean
fault_kind_is_known (const char *kind)
{
  return kind != NULL && g_strv_contains (fault_kinds, kind);
}

static void
sim_stream_free (SimStream *stream)
{
  g_clear_handle_id (&stream->timeout_id, g_source_remove);
  g_clear_signal_handler (&stream->finished_id, stream->msg);
  g_clear_signal_handler (&stream->wrote_chunk_id, stream->msg);
  g_clear_object (&stream->msg);
  g_clear_pointer (&stream->body, g_bytes_unref);
  g_free (stream);
}

static void
stream_finished_cb (SoupServerMessage *msg,
                    SimStream         *stream)
{
  /* The answer is out or the client went away: never touch msg again. */
  g_hash_table_remove (stream->sim->streams, stream);
}

static SimStream *
sim_stream_new (Sim               *sim,
                SoupServerMessage *msg)
{
  SimStream *stream = g_new0 (SimStream, 1);

  stream->sim = sim;
  stream->msg = g_object_ref (msg);
  stream->finished_id = g_signal_connect (msg, "finished",
                                          G_CALLBACK (stream_finished_cb), stream);
  g_hash_table_add (sim->streams, stream);

  return stream;
}

/* Answers and log */

static JsonNode *
error_body (const char *code,
            const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *trace_id = g_uuid_string_random ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "trace_id");
  json_builder_add_string_value (builder, trace_id);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
set_json (SoupServerMessage *msg,
          guint              status,
          JsonNode          *node)
{
  gsize length;
  g_autofree char *text = sim_json_to_string (node, &length);

  soup_server_message_set_status (msg, status,
                                  status == SIM_STATUS_TOO_MANY_REQUESTS ? "Too Many Requests" : NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&text), length);
}

static void
set_error (SoupServerMessage *msg,
           guint              status,
           const char        *code,
           const char        *message)
{
  g_autoptr(JsonNode) node = error_body (code, message);

  set_json (msg, status, node);
}

static guint
message_port (SoupServerMessage *msg)
{
  GSocketAddress *address = soup_server_message_get_local_address (msg);

  if (G_IS_INET_SOCKET_ADDRESS (address))
    return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
  return 0;
}

static JsonObject *
log_entry_new (Sim               *sim,
               SoupServerMessage *msg,
               const char        *path)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  const char *range = soup_message_headers_get_one (headers, "Range");
  g_autofree char *expected = g_strconcat ("Bearer ", sim->token, NULL);
  JsonObject *entry = json_object_new ();
  guint port = message_port (msg);

  json_object_set_double_member (entry, "time", g_get_real_time () / 1e6);
  json_object_set_string_member (entry, "method", soup_server_message_get_method (msg));
  json_object_set_string_member (entry, "path", path);
  json_object_set_int_member (entry, "port", port);
  json_object_set_string_member (entry, "origin", port == sim->other_port ? "other" : "main");
  json_object_set_boolean_member (entry, "authorization", authorization != NULL);
  json_object_set_boolean_member (entry, "token_ok",
                                  authorization != NULL && g_str_equal (authorization, expected));
  if (range != NULL)
    json_object_set_string_member (entry, "range", range);
  else
    json_object_set_null_member (entry, "range");
  json_object_set_null_member (entry, "action");
  json_object_set_null_member (entry, "fault");
  json_object_set_int_member (entry, "status", 0);

  /* Bounded, so long benchmarks don't grow the simulator without end. */
  g_queue_push_tail (&sim->log, entry);
  if (sim->log.length > LOG_LIMIT)
    json_object_unref (g_queue_pop_head (&sim->log));

  return entry;
}

/* Faults */

static SimFault *
take_fault (Sim *sim)
{
  SimFault *fault = g_queue_peek_head (&sim->faults);

  if (fault != NULL)
    {
      /* The caller gets its own copy: the queued one may be used up now. */
      SimFault *copy = sim_fault_new (fault->kind, 1, fault->retry_after, fault->drip_ms);

      if (--fault->count <= 0)
        sim_fault_free (g_queue_pop_head (&sim->faults));
      return copy;
    }

  if (sim->every != NULL)
    return sim_fault_new (sim->every->kind, 1, sim->every->retry_after, sim->every->drip_ms);

  return NULL;
}

static void
answer_too_many (SoupServerMessage *msg,
                 int                retry_after,
                 gboolean           as_date)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (as_date)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) then = g_date_time_add_seconds (now, retry_after);
      g_autofree char *date = soup_date_time_to_string (then, SOUP_DATE_HTTP);

      soup_message_headers_replace (headers, "Retry-After", date);
    }
  else
    {
      g_autofree char *seconds = g_strdup_printf ("%d", retry_after);

      soup_message_headers_replace (headers, "Retry-After", seconds);
    }
  set_error (msg, SIM_STATUS_TOO_MANY_REQUESTS, "too_many_requests",
             "Too many requests, you have exceeded the rate limit.");
}

/* Answers with a fault that replaces the service's answer; FALSE when
 * @fault changes how the real answer is delivered instead. */
static gboolean
answer_replacing_fault (Sim               *sim,
                        SoupServerMessage *msg,
                        const char        *path,
                        SimFault          *fault)
{
  const char *kind = fault->kind;

  if (g_str_equal (kind, "http429"))
    answer_too_many (msg, fault->retry_after, FALSE);
  else if (g_str_equal (kind, "http429-date"))
    answer_too_many (msg, fault->retry_after, TRUE);
  else if (g_str_equal (kind, "http500"))
    set_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "api_error", "fetch failed");
  else if (g_str_equal (kind, "http504"))
    set_error (msg, SOUP_STATUS_GATEWAY_TIMEOUT, "timeout", "The upstream service timed out.");
  else if (g_str_equal (kind, "http401"))
    set_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_token",
               "Unauthorized, invalid or missing authorization token.");
  else if (g_str_equal (kind, "http403"))
    set_error (msg, SOUP_STATUS_FORBIDDEN, "forbidden",
               "The content you submitted has been flagged by content moderation.");
  else if (g_str_equal (kind, "http502-html"))
    {
      static const char page[] =
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
        "<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
        "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

      soup_server_message_set_status (msg, SOUP_STATUS_BAD_GATEWAY, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                        page, strlen (page));
    }
  else if (g_str_equal (kind, "empty-object"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
    }
  else if (g_str_equal (kind, "redirect"))
    {
      g_autofree char *location = g_strconcat (sim->data->other_url, path, NULL);

      soup_server_message_set_redirect (msg, SOUP_STATUS_TEMPORARY_REDIRECT, location);
    }
  else
    return FALSE;

  return TRUE;
}

/* The Luma Tasks API */

static gboolean
token_is_valid (Sim               *sim,
                SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    return FALSE;

  return g_str_equal (authorization + 7, sim->token);
}

static void
answer_retrieve (Sim               *sim,
                 SoupServerMessage *msg,
                 JsonObject        *request,
                 JsonObject        *entry)
{
  JsonNode *id_node = json_object_get_member (request, "id");
  g_autoptr(JsonNode) answer = NULL;
  SimTask *task;

  if (id_node == NULL || !JSON_NODE_HOLDS_VALUE (id_node) ||
      json_node_get_value_type (id_node) != G_TYPE_STRING)
    {
      set_error (msg, SOUP_STATUS_BAD_REQUEST, "bad_request",
                 "The field id is required and must be a string.");
      return;
    }

  json_object_set_int_member (entry, "ids", 1);
  json_object_set_string_member (entry, "id", json_node_get_string (id_node));

  task = sim_data_lookup (sim->data, json_node_get_string (id_node));
  if (task != NULL)
    answer = sim_data_render (sim->data, task);
  else
    {
      g_autoptr(JsonObject) empty = json_object_new ();

      answer = json_node_init_object (json_node_alloc (), empty);
    }

  set_json (msg, SOUP_STATUS_OK, answer);
}

static void
answer_retrieve_batch (Sim               *sim,
                       SoupServerMessage *msg,
                       JsonObject        *request,
                       JsonObject        *entry)
{
  JsonNode *ids_node = json_object_get_member (request, "ids");
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *object;
  JsonArray *ids;
  JsonArray *items;
  guint length;

  if (ids_node == NULL || !JSON_NODE_HOLDS_ARRAY (ids_node))
    {
      set_error (msg, SOUP_STATUS_BAD_REQUEST, "bad_request",
                 "The field ids is required and must be an array of strings.");
      return;
    }

  ids = json_node_get_array (ids_node);
  length = json_array_get_length (ids);
  json_object_set_int_member (entry, "ids", length);

  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (ids, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          set_error (msg, SOUP_STATUS_BAD_REQUEST, "bad_request",
                     "The field ids must be an array of strings.");
          return;
        }
    }

  if (length > sim->batch_limit)
    {
      g_autofree char *message =
        g_strdup_printf ("Too many ids: at most %u can be retrieved at once.", sim->batch_limit);

      set_error (msg, SOUP_STATUS_BAD_REQUEST, "bad_request", message);
      return;
    }

  /* Like a database query on the IDs: each known task once, unknown ones left out. */
  seen = g_hash_table_new (NULL, NULL);
  items = json_array_new ();
  for (guint i = 0; i < length; i++)
    {
      SimTask *task = sim_data_lookup (sim->data, json_array_get_string_element (ids, i));

      if (task == NULL || !g_hash_table_add (seen, task))
        continue;
      json_array_add_element (items, sim_data_render (sim->data, task));
    }

  object = json_object_new ();
  json_object_set_array_member (object, "items", items);
  json_object_set_int_member (object, "count", json_array_get_length (items));

  answer = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  set_json (msg, SOUP_STATUS_OK, answer);
}

static void
answer_api (Sim               *sim,
            SoupServerMessage *msg,
            JsonObject        *entry)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *request;
  JsonNode *action;
  const char *name;

  if (!token_is_valid (sim, msg))
    {
      set_error (msg, SOUP_STATUS_UNAUTHORIZED, "invalid_token",
                 "Unauthorized, invalid or missing authorization token.");
      return;
    }

  bytes = soup_message_body_flatten (body);
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), NULL) ||
      (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_error (msg, SOUP_STATUS_BAD_REQUEST, "bad_request",
                 "The request body must be a JSON object.");
      return;
    }

  request = json_node_get_object (root);
  action = json_object_get_member (request, "action");
  if (action == NULL || !JSON_NODE_HOLDS_VALUE (action) ||
      json_node_get_value_type (action) != G_TYPE_STRING)
    {
      set_error (msg, SOUP_STATUS_BAD_REQUEST, "bad_request",
                 "The field action is required and must be a string.");
      return;
    }

  name = json_node_get_string (action);
  json_object_set_string_member (entry, "action", name);

  if (g_str_equal (name, "retrieve"))
    answer_retrieve (sim, msg, request, entry);
  else if (g_str_equal (name, "retrieve_batch"))
    answer_retrieve_batch (sim, msg, request, entry);
  else
    set_error (msg, SOUP_STATUS_BAD_REQUEST, "api_not_implemented",
               "This action is not offered by the Luma Tasks API.");
}

/* Ways of delivering an answer badly */

static gboolean
latency_done_cb (gpointer user_data)
{
  SimStream *stream = user_data;
  SoupServerMessage *msg = stream->msg;

  stream->timeout_id = 0;
  soup_server_message_unpause (msg);
  g_hash_table_remove (stream->sim->streams, stream);

  return G_SOURCE_REMOVE;
}

static void
deliver_late (Sim               *sim,
              SoupServerMessage *msg)
{
  SimStream *stream = sim_stream_new (sim, msg);

  soup_server_message_pause (msg);
  stream->timeout_id = g_timeout_add (sim->latency_ms, latency_done_cb, stream);
}

static gboolean
drip_cb (gpointer user_data)
{
  SimStream *stream = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (stream->msg);
  gsize size = g_bytes_get_size (stream->body);

  if (stream->offset < size)
    {
      g_autoptr(GBytes) piece = g_bytes_new_from_bytes (stream->body, stream->offset, 1);

      soup_message_body_append_bytes (body, piece);
      stream->offset++;
      soup_server_message_unpause (stream->msg);
    }

  if (stream->offset >= size)
    {
      stream->timeout_id = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/* One byte every drip_ms, with the full Content-Length announced. */
static void
deliver_slow_drip (Sim               *sim,
                   SoupServerMessage *msg,
                   int                drip_ms)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SimStream *stream;

  stream = sim_stream_new (sim, msg);
  stream->body = soup_message_body_flatten (body);
  soup_message_body_truncate (body);
  soup_message_headers_set_content_length (headers, g_bytes_get_size (stream->body));
  stream->timeout_id = g_timeout_add (MAX (drip_ms, 1), drip_cb, stream);
}

static void
huge_wrote_chunk_cb (SoupServerMessage *msg,
                     SimStream         *stream)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  if (stream->remaining > 0)
    {
      gsize size = MIN (stream->remaining, sizeof huge_padding);

      soup_message_body_append (body, SOUP_MEMORY_STATIC, huge_padding, size);
      stream->remaining -= size;
    }
  else if (stream->body != NULL)
    {
      /* The closing of the JSON document, once. */
      soup_message_body_append_bytes (body, stream->body);
      g_clear_pointer (&stream->body, g_bytes_unref);
      if (stream->chunked)
        soup_message_body_complete (body);
    }
}

/* A valid JSON answer of HUGE_BODY_SIZE bytes, written chunk by chunk so
 * that only one chunk is ever held. */
static void
deliver_huge (Sim               *sim,
              SoupServerMessage *msg,
              gboolean           chunked)
{
  static const char head[] = "{\"items\":[],\"count\":0,\"padding\":\"";
  static const char tail[] = "\"}";
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SimStream *stream;

  stream = sim_stream_new (sim, msg);
  stream->huge = TRUE;
  stream->chunked = chunked;
  stream->remaining = HUGE_BODY_SIZE - strlen (head) - strlen (tail);
  stream->body = g_bytes_new_static (tail, strlen (tail));

  /* In place of the answer already made. */
  soup_message_body_truncate (body);
  soup_message_body_set_accumulate (body, FALSE);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (headers, "Content-Type", "application/json");
  if (chunked)
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  else
    soup_message_headers_set_content_length (headers, HUGE_BODY_SIZE);
  soup_message_body_append (body, SOUP_MEMORY_STATIC, head, strlen (head));
  stream->wrote_chunk_id = g_signal_connect (msg, "wrote-chunk",
                                             G_CALLBACK (huge_wrote_chunk_cb), stream);
}

typedef struct
{
  GIOStream *connection;
  GBytes *data;
} RawWrite;

static void
raw_written_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  RawWrite *write = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  g_io_stream_close (write->connection, NULL, NULL);
  g_object_unref (write->connection);
  g_bytes_unref (write->data);
  g_free (write);
}

/* Headers that promise the whole answer, half the body, then the
 * connection closes: what a proxy dying mid-answer looks like. */
static void
deliver_cut (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  g_autoptr(GString) raw = g_string_new (NULL);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  guint status = soup_server_message_get_status (msg);
  gsize size = g_bytes_get_size (body);
  gsize half = size / 2;
  RawWrite *write;

  g_string_append_printf (raw, "HTTP/1.1 %u %s\r\n", status, soup_status_get_phrase (status));
  g_string_append_printf (raw, "Content-Type: %s\r\n", content_type ? content_type : "application/json");
  g_string_append_printf (raw, "Content-Length: %" G_GSIZE_FORMAT "\r\n", size);
  g_string_append (raw, "Connection: close\r\n\r\n");
  g_string_append_len (raw, g_bytes_get_data (body, NULL), half);

  write = g_new0 (RawWrite, 1);
  write->connection = soup_server_message_steal_connection (msg);
  write->data = g_string_free_to_bytes (g_steal_pointer (&raw));
  g_output_stream_write_all_async (g_io_stream_get_output_stream (write->connection),
                                   g_bytes_get_data (write->data, NULL),
                                   g_bytes_get_size (write->data),
                                   G_PRIORITY_DEFAULT, NULL, raw_written_cb, write);
}

static void
deliver_close (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) connection = soup_server_message_steal_connection (msg);

  g_io_stream_close (connection, NULL, NULL);
}

/* Shutting down */

/* Ends an answer still held back or being written, so libsoup can finish
 * the message (on a socket about to be shut down) and free it. */
static void
sim_stream_abandon (SimStream *stream)
{
  SoupMessageBody *body = soup_server_message_get_response_body (stream->msg);

  g_clear_handle_id (&stream->timeout_id, g_source_remove);
  g_clear_signal_handler (&stream->wrote_chunk_id, stream->msg);
  if (stream->body != NULL && !stream->huge && stream->offset < g_bytes_get_size (stream->body))
    {
      g_autoptr(GBytes) rest = g_bytes_new_from_bytes (stream->body, stream->offset,
                                                       g_bytes_get_size (stream->body) - stream->offset);

      soup_message_body_append_bytes (body, rest);
    }
  soup_message_body_complete (body);
  soup_server_message_unpause (stream->msg);
}

static void
message_finalized_cb (gpointer  user_data,
                      GObject  *where_the_object_was)
{
  Sim *sim = user_data;

  if (sim->live != NULL)
    g_hash_table_remove (sim->live, where_the_object_was);
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    Sim               *sim)
{
  g_hash_table_add (sim->live, msg);
  g_object_weak_ref (G_OBJECT (msg), message_finalized_cb, sim);
}

static gboolean
keep_ticking_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* libsoup 3.2's soup_server_disconnect() leaks the message waiting on an
 * idle keep-alive connection; shutting every client socket down first
 * lets each message fail its read and be freed the normal way. */
static void
close_client_connections (Sim *sim)
{
  GHashTableIter iter;
  gpointer msg;
  gint64 deadline = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  guint tick_id;

  g_hash_table_iter_init (&iter, sim->streams);
  while (g_hash_table_iter_next (&iter, (gpointer *) &msg, NULL))
    sim_stream_abandon ((SimStream *) msg);
  g_hash_table_remove_all (sim->streams);

  g_hash_table_iter_init (&iter, sim->live);
  while (g_hash_table_iter_next (&iter, &msg, NULL))
    {
      GSocket *socket = soup_server_message_get_socket (msg);

      if (socket != NULL)
        g_socket_shutdown (socket, TRUE, TRUE, NULL);
    }

  /* A wake-up every 50 ms bounds each blocking iteration. */
  tick_id = g_timeout_add (50, keep_ticking_cb, NULL);
  while (g_hash_table_size (sim->live) > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick_id);
}

/* Request routing */

static void
handle_api_request (Sim               *sim,
                    SoupServerMessage *msg,
                    const char        *path,
                    JsonObject        *entry)
{
  g_autoptr(SimFault) fault = NULL;
  gboolean main_origin = message_port (msg) == sim->main_port;

  if (main_origin && sim->rate_limit > 0)
    {
      gint64 second = g_get_monotonic_time () / G_USEC_PER_SEC;

      if (second != sim->rate_second)
        {
          sim->rate_second = second;
          sim->rate_count = 0;
        }
      if (++sim->rate_count > sim->rate_limit)
        {
          json_object_set_string_member (entry, "fault", "rate-limit");
          answer_too_many (msg, sim->rate_retry_after, FALSE);
          json_object_set_int_member (entry, "status", SIM_STATUS_TOO_MANY_REQUESTS);
          return;
        }
    }

  /* Faults stand for the service's or a proxy's trouble on the API origin;
   * the other origin only ever answers as the service. */
  if (main_origin)
    fault = take_fault (sim);
  if (fault != NULL)
    json_object_set_string_member (entry, "fault", fault->kind);

  if (fault != NULL && answer_replacing_fault (sim, msg, path, fault))
    {
      json_object_set_int_member (entry, "status", soup_server_message_get_status (msg));
      if (sim->latency_ms > 0)
        deliver_late (sim, msg);
      return;
    }

  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "POST");
      set_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                 "Only POST is allowed here.");
    }
  else
    answer_api (sim, msg, entry);

  json_object_set_int_member (entry, "status", soup_server_message_get_status (msg));

  if (fault == NULL)
    {
      if (sim->latency_ms > 0)
        deliver_late (sim, msg);
    }
  else if (g_str_equal (fault->kind, "cut-body"))
    deliver_cut (msg);
  else if (g_str_equal (fault->kind, "close"))
    {
      json_object_set_int_member (entry, "status", 0);
      deliver_close (msg);
    }
  else if (g_str_equal (fault->kind, "slow-drip"))
    deliver_slow_drip (sim, msg, fault->drip_ms);
  else if (g_str_equal (fault->kind, "huge-body"))
    deliver_huge (sim, msg, FALSE);
  else if (g_str_equal (fault->kind, "huge-body-chunked"))
    deliver_huge (sim, msg, TRUE);
  else
    g_assert_not_reached ();
}

static JsonNode *
faults_state (Sim *sim)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "every");
  if (sim->every != NULL)
    json_builder_add_string_value (builder, sim->every->kind);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "queue");
  json_builder_begin_array (builder);
  for (GList *l = sim->faults.head; l != NULL; l = l->next)
    {
      SimFault *fault = l->data;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, fault->kind);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, fault->count);
      json_builder_set_member_name (builder, "retry_after");
      json_builder_add_int_value (builder, fault->retry_after);
      json_builder_set_member_name (builder, "drip_ms");
      json_builder_add_int_value (builder, fault->drip_ms);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gint64
member_int (JsonObject *object,
            const char *name,
            gint64      fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return (gint64) json_node_get_double (node);
  return fallback;
}

/* Reads a string member without trusting its type. */
static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
handle_faults_post (Sim               *sim,
                    SoupServerMessage *msg)
{
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) state = NULL;
  JsonObject *request;
  JsonNode *root;
  const char *kind;
  gint64 count;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), NULL) ||
      (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_error (msg, SOUP_STATUS_BAD_REQUEST, "bad_request", "Send a JSON object.");
      return;
    }

  request = json_node_get_object (root);
  kind = member_string (request, "next");
  count = member_int (request, "count", 1);

  if (kind != NULL && g_str_equal (kind, "none"))
    {
      g_queue_clear_full (&sim->faults, (GDestroyNotify) sim_fault_free);
      g_clear_pointer (&sim->every, sim_fault_free);
    }
  else if (!fault_kind_is_known (kind) || count < 1 || count > G_MAXINT)
    {
      set_error (msg, SOUP_STATUS_BAD_REQUEST, "bad_request",
                 "Give a known fault kind as \"next\" and a positive \"count\".");
      return;
    }
  else
    {
      g_queue_push_tail (&sim->faults,
                         sim_fault_new (kind, count,
                                        member_int (request, "retry_after", 1),
                                        member_int (request, "drip_ms", 1000)));
    }

  state = faults_state (sim);
  set_json (msg, SOUP_STATUS_OK, state);
}

static void
handle_control (Sim               *sim,
                SoupServerMessage *msg,
                const char        *path)
{
  const char *method = soup_server_message_get_method (msg);

  if (g_str_equal (path, "/_sim/log") && g_str_equal (method, "GET"))
    {
      g_autoptr(JsonArray) array = json_array_sized_new (sim->log.length);
      g_autoptr(JsonNode) node = NULL;

      for (GList *l = sim->log.head; l != NULL; l = l->next)
        json_array_add_object_element (array, json_object_ref (l->data));
      node = json_node_init_array (json_node_alloc (), array);

      set_json (msg, SOUP_STATUS_OK, node);
    }
  else if (g_str_equal (path, "/_sim/log") && g_str_equal (method, "DELETE"))
    {
      g_queue_clear_full (&sim->log, (GDestroyNotify) json_object_unref);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "[]", 2);
    }
  else if (g_str_equal (path, "/_sim/faults") && g_str_equal (method, "GET"))
    {
      g_autoptr(JsonNode) node = faults_state (sim);

      set_json (msg, SOUP_STATUS_OK, node);
    }
  else if (g_str_equal (path, "/_sim/faults") && g_str_equal (method, "POST"))
    handle_faults_post (sim, msg);
  else if (g_str_equal (path, "/_sim/ids") && g_str_equal (method, "GET"))
    {
      g_autoptr(JsonNode) node = NULL;
      JsonArray *ids = json_array_sized_new (sim->data->tasks->len);

      for (guint i = 0; i < sim->data->tasks->len; i++)
        {
          SimTask *task = g_ptr_array_index (sim->data->tasks, i);

          json_array_add_string_element (ids, task->id);
        }
      node = json_node_init_array (json_node_alloc (), ids);
      json_array_unref (ids);
      set_json (msg, SOUP_STATUS_OK, node);
    }
  else
    set_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "No such control endpoint.");
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Sim *sim = user_data;
  const char *method = soup_server_message_get_method (msg);
  JsonObject *entry;

  /* Control requests are not logged: the log is what a client did. */
  if (g_str_has_prefix (path, "/_sim/"))
    {
      handle_control (sim, msg, path);
      return;
    }

  entry = log_entry_new (sim, msg, path);

  if (g_str_equal (path, "/luma/tasks"))
    {
      handle_api_request (sim, msg, path, entry);
      return;
    }

  if (g_str_has_prefix (path, "/media/") &&
      (g_str_equal (method, "GET") || g_str_equal (method, "HEAD")))
    {
      guint status = sim_media_serve (sim->media, sim->data, msg, path);

      json_object_set_int_member (entry, "status", status);
      return;
    }

  set_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "Not found.");
  json_object_set_int_member (entry, "status", SOUP_STATUS_NOT_FOUND);
}

static gboolean
quit_cb (gpointer user_data)
{
  Sim *sim = user_data;

  g_main_loop_quit (sim->loop);

  return G_SOURCE_CONTINUE;
}

static guint
listen_loopback (SoupServer  *server,
                 guint        port,
                 GError     **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSList) before = soup_server_get_listeners (server);
  GSList *after;
  guint bound = 0;

  if (!soup_server_listen (server, address, 0, error))
    return 0;

  /* The port of the listener just added. */
  after = soup_server_get_listeners (server);
  for (GSList *l = after; l != NULL; l = l->next)
    {
      if (g_slist_find (before, l->data) == NULL)
        {
          g_autoptr(GSocketAddress) local = g_socket_get_local_address (l->data, NULL);

          if (G_IS_INET_SOCKET_ADDRESS (local))
            bound = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
        }
    }
  g_slist_free (after);

  return bound;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *fixtures = NULL;
  g_autofree char *media_dir = NULL;
  g_autofree char *fault = NULL;
  int port = 0;
  int batch_limit = 100;
  int latency = 0;
  int rate_limit = 0;
  int generate = -1;
  int retry_after = 1;
  int drip_ms = 1000;
  double progress = 0;
  gboolean list_ids = FALSE;
  guint sigterm_id;
  guint sigint_id;
  Sim sim = { 0 };
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      "Port to listen on at 127.0.0.1; 0 takes a free one (default)", "PORT" },
    { "token", 't', 0, G_OPTION_ARG_STRING, &token,
      "The API token accepted as \"Bearer TOKEN\" (default demo-token)", "TOKEN" },
    { "batch-limit", 0, 0, G_OPTION_ARG_INT, &batch_limit,
      "Most IDs one retrieve_batch may ask for; more is a 400 bad_request (default 100)", "N" },
    { "fixtures", 0, 0, G_OPTION_ARG_FILENAME, &fixtures,
      "Serve the task records of this JSON file (an array of records, or "
      "{\"tasks\": [...], \"media\": {ID: KIND}}) instead of the demo set; "
      "\"{base}\" and \"{other}\" at the start of a string become the "
      "simulator's two origins", "FILE" },
    { "generate", 0, 0, G_OPTION_ARG_INT, &generate,
      "Serve N synthetic tasks with deterministic IDs instead of the demo set", "N" },
    { "list-ids", 0, 0, G_OPTION_ARG_NONE, &list_ids,
      "Print the IDs of the tasks served, one a line, and exit", NULL },
    { "progress", 0, 0, G_OPTION_ARG_DOUBLE, &progress,
      "Unfinished tasks move pending, then processing, then completed or failed "
      "within SECONDS of the start (default 0: they stay as they are)", "SECONDS" },
    { "media-dir", 0, 0, G_OPTION_ARG_FILENAME, &media_dir,
      "Folder of the media files (default " LUMA_SIM_MEDIA_DIR ")", "DIR" },
    { "fault", 0, 0, G_OPTION_ARG_STRING, &fault,
      "Misbehave on every API request: http429, http429-date, http500, http504, "
      "http502-html, cut-body, close, slow-drip, huge-body, huge-body-chunked, "
      "redirect, http401, http403, empty-object", "KIND" },
    { "retry-after", 0, 0, G_OPTION_ARG_INT, &retry_after,
      "Seconds of Retry-After for --fault http429 and --rate-limit (default 1)", "SECONDS" },
    { "drip-ms", 0, 0, G_OPTION_ARG_INT, &drip_ms,
      "Milliseconds between the bytes of --fault slow-drip (default 1000)", "MS" },
    { "latency", 0, 0, G_OPTION_ARG_INT, &latency,
      "Delay every API answer by MS milliseconds", "MS" },
    { "rate-limit", 0, 0, G_OPTION_ARG_INT, &rate_limit,
      "Answer 429 to API requests past N in one second", "N" },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
    "A simulator of the Luma Tasks API (POST /luma/tasks) for tests and demos.\n"
    "It listens on 127.0.0.1 and prints its base URL as the first line of\n"
    "standard output; a second port, the \"other origin\", is the target of\n"
    "the redirect fault.");
  g_option_context_set_description (context,
    "Endpoints:\n"
    "  POST /luma/tasks            retrieve and retrieve_batch, as the service\n"
    "  GET|HEAD /media/ID.mp4|jpg  the task's video and thumbnail, with Range\n"
    "  GET /_sim/ids               the IDs served, as a JSON array\n"
    "  GET|DELETE /_sim/log        the requests received (method, path, port,\n"
    "                              authorization, token_ok, action, ids, range,\n"
    "                              fault, status), the last 100000; DELETE\n"
    "                              clears it\n"
    "  GET|POST /_sim/faults       POST {\"next\": KIND, \"count\": N,\n"
    "                              \"retry_after\": S, \"drip_ms\": MS} queues a fault\n"
    "                              for the next N API requests; {\"next\": \"none\"}\n"
    "                              clears the queue and --fault\n");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("luma-tasks-sim: %s\n", error->message);
      return 2;
    }

  if (port < 0 || port > 65535 || batch_limit < 1 || latency < 0 || rate_limit < 0 ||
      progress < 0 || retry_after < 0 || drip_ms < 1)
    {
      g_printerr ("luma-tasks-sim: an option has a value out of range\n");
      return 2;
    }
  if (fault != NULL && !fault_kind_is_known (fault))
    {
      g_printerr ("luma-tasks-sim: unknown fault kind \"%s\"\n", fault);
      return 2;
    }

  memset (huge_padding, 'x', sizeof huge_padding);

  sim.token = token != NULL ? g_steal_pointer (&token) : g_strdup ("demo-token");
  sim.batch_limit = batch_limit;
  sim.latency_ms = latency;
  sim.rate_limit = rate_limit;
  sim.rate_retry_after = retry_after;
  g_queue_init (&sim.log);
  sim.streams = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) sim_stream_free, NULL);
  g_queue_init (&sim.faults);
  if (fault != NULL)
    sim.every = sim_fault_new (fault, -1, retry_after, drip_ms);
  sim.data = sim_data_new ();

  if (fixtures != NULL && generate >= 0)
    {
      g_printerr ("luma-tasks-sim: --fixtures and --generate exclude each other\n");
      sim.exit_status = 2;
      goto out;
    }

  sim.server = soup_server_new ("server-header", "luma-tasks-sim ", NULL);
  soup_server_add_handler (sim.server, NULL, server_cb, &sim, NULL);
  sim.live = g_hash_table_new (NULL, NULL);
  g_signal_connect (sim.server, "request-started", G_CALLBACK (request_started_cb), &sim);

  if (!list_ids)
    {
      sim.main_port = listen_loopback (sim.server, port, &error);
      if (sim.main_port != 0)
        sim.other_port = listen_loopback (sim.server, 0, &error);
      if (sim.main_port == 0 || sim.other_port == 0)
        {
          g_printerr ("luma-tasks-sim: cannot listen: %s\n", error->message);
          sim.exit_status = 1;
          goto out;
        }
    }

  sim.data->base_url = g_strdup_printf ("http://127.0.0.1:%u", sim.main_port);
  sim.data->other_url = g_strdup_printf ("http://127.0.0.1:%u", sim.other_port);

  if (fixtures != NULL)
    sim_data_load_file (sim.data, fixtures, &error);
  else if (generate >= 0)
    sim_data_generate (sim.data, generate);
  else
    sim_data_load_demo (sim.data, &error);
  if (error != NULL)
    {
      g_printerr ("luma-tasks-sim: %s\n", error->message);
      sim.exit_status = 1;
      goto out;
    }
  sim_data_plan_progress (sim.data, progress);

  if (list_ids)
    {
      for (guint i = 0; i < sim.data->tasks->len; i++)
        {
          SimTask *task = g_ptr_array_index (sim.data->tasks, i);

          fputs (task->id, stdout);
          fputc ('\n', stdout);
        }
      fflush (stdout);
      goto out;
    }

  sim.media = sim_media_store_new (media_dir != NULL ? media_dir : LUMA_SIM_MEDIA_DIR);

  /* Before the base URL is out: a reader may signal as soon as it has it. */
  sim.loop = g_main_loop_new (NULL, FALSE);
  sigterm_id = g_unix_signal_add (SIGTERM, quit_cb, &sim);
  sigint_id = g_unix_signal_add (SIGINT, quit_cb, &sim);

  /* The first line of standard output: readers wait for it. */
  printf ("%s\n", sim.data->base_url);
  fflush (stdout);
  g_printerr ("luma-tasks-sim: serving %u tasks at %s (other origin %s)\n",
              sim.data->tasks->len, sim.data->base_url, sim.data->other_url);

  g_main_loop_run (sim.loop);
  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);

out:
  if (sim.server != NULL)
    {
      close_client_connections (&sim);
      soup_server_disconnect (sim.server);
    }
  g_hash_table_remove_all (sim.streams);
  g_clear_object (&sim.server);
  /* Messages still alive now go with the server: stop watching them. */
  if (sim.live != NULL)
    {
      GHashTableIter iter;
      gpointer msg;

      g_hash_table_iter_init (&iter, sim.live);
      while (g_hash_table_iter_next (&iter, &msg, NULL))
        g_object_weak_unref (msg, message_finalized_cb, &sim);
    }
  g_clear_pointer (&sim.live, g_hash_table_unref);
  g_clear_pointer (&sim.loop, g_main_loop_unref);
  g_clear_pointer (&sim.media, sim_media_store_free);
  g_clear_pointer (&sim.data, sim_data_free);
  g_clear_pointer (&sim.streams, g_hash_table_unref);
  g_queue_clear_full (&sim.log, (GDestroyNotify) json_object_unref);
  g_clear_pointer (&sim.every, sim_fault_free);
  g_queue_clear_full (&sim.faults, (GDestroyNotify) sim_fault_free);
  g_free (sim.token);

  return sim.exit_status;
}
