/* test-export.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "luma-export.h"

#define ID1 "50fc6182-fa86-4c7d-ac12-2fa27ec2f151"
#define ID2 "76a05f61-68ad-4c1a-838f-a00cd08cf65b"

/* DESIGN §6 on the seed's two records, written out by hand. */
#define SEED_CSV \
  LUMA_EXPORT_CSV_HEADER "\r\n" \
  ID1 ",completed,Astronauts shuttle from space to volcano,4b088fc8-2bbc-4706-80a6-a0fb118adc1a," \
  "https://platform.cdn.acedata.cloud/luma/" ID1 ".mp4," \
  "https://platform.cdn.acedata.cloud/luma/" ID1 ".jpg," \
  "1360,752,2024-08-31T04:10:11.961Z,2024-08-31T04:12:46.241Z,154.28,,," \
  "0b7c1c1a-045c-4145-a434-609cba88f0a9\r\n" \
  ID2 ",completed,la la la,5a638d6a-7481-4c5e-8843-36c9d1b5bcd5," \
  "https://platform.cdn.acedata.cloud/luma/" ID2 ".mp4," \
  "https://platform.cdn.acedata.cloud/luma/" ID2 ".jpg," \
  "1360,752,2024-08-31T04:40:50.921Z,2024-08-31T04:43:26.710Z,155.789,,," \
  "338f1616-741d-40b6-8d62-c025434024c6\r\n"

/* Records that test the CSV writer's edges, and their rows. */
static const char *tricky_records[] = {
  /* Quotes, commas, CR LF and non-Latin text; elapsed given. */
  "{\"id\": \"11111111-1111-4111-8111-111111111111\", \"elapsed\": 3.5,"
  " \"request\": {\"prompt\": \"宇航员, \\\"火山\\\"\\r\\nzweite Zeile: ünïcødé\"},"
  " \"response\": {\"state\": \"processing\"}, \"trace_id\": \"t,1\"}",
  /* Absent and null times, prompt from the response. */
  "{\"id\": \"22222222-2222-4222-8222-222222222222\", \"created_at\": null, \"finished_at\": 1725077566.241,"
  " \"response\": {\"success\": true, \"prompt\": \"from response\", \"video_url\": \"https://v/2.mp4\"}}",
  /* Wrong types everywhere: left empty. */
  "{\"id\": \"33333333-3333-4333-8333-333333333333\", \"created_at\": \"2024-08-31\", \"elapsed\": \"long\","
  " \"trace_id\": 12, \"request\": {\"prompt\": 42},"
  " \"response\": {\"state\": \"dreaming\", \"video_width\": \"1360\", \"video_height\": 752.5,"
  " \"video_url\": 5, \"video_id\": [\"x\"], \"thumbnail_url\": {}, \"prompt\": null}}",
  /* A failure, with its code and message. */
  "{\"id\": \"44444444-4444-4444-8444-444444444444\", \"created_at\": 0, \"finished_at\": 154,"
  " \"response\": {\"success\": false, \"error\": {\"code\": \"forbidden\","
  " \"message\": \"Blocked by \\\"moderation\\\"\"}}}",
  /* The response is not an object. */
  "{\"id\": \"55555555-5555-4555-8555-555555555555\", \"response\": [1, 2],"
  " \"request\": {\"prompt\": \"\\n\"}}",
};

#define TRICKY_CSV \
  LUMA_EXPORT_CSV_HEADER "\r\n" \
  "11111111-1111-4111-8111-111111111111,processing,\"宇航员, \"\"火山\"\"\r\nzweite Zeile: ünïcødé\"" \
  ",,,,,,,,3.5,,,\"t,1\"\r\n" \
  "22222222-2222-4222-8222-222222222222,completed,from response,,https://v/2.mp4,,,,," \
  "2024-08-31T04:12:46.241Z,,,,\r\n" \
  "33333333-3333-4333-8333-333333333333,dreaming,,,,,,,,,,,,\r\n" \
  "44444444-4444-4444-8444-444444444444,failed,,,,,,,1970-01-01T00:00:00.000Z," \
  "1970-01-01T00:02:34.000Z,154,forbidden,\"Blocked by \"\"moderation\"\"\",\r\n" \
  "55555555-5555-4555-8555-555555555555,pending,\"\n\",,,,,,,,,,,\r\n"

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_object_ref (json_node_get_object (root));
}

static GPtrArray *
load_seed_records (void)
{
  const char *dir = g_getenv ("LUMA_TASKS_SEED_DIR");
  g_autofree char *path = g_build_filename (dir, "retrieve_batch-two-completed.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) batch = NULL;
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  JsonArray *items;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  batch = parse_object (text);
  items = json_object_get_array_member (batch, "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_ptr_array_add (records, json_object_ref (json_array_get_object_element (items, i)));

  return records;
}

static GPtrArray *
load_tricky_records (void)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; i < G_N_ELEMENTS (tricky_records); i++)
    g_ptr_array_add (records, parse_object (tricky_records[i]));

  return records;
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  g_assert_null (memchr (data, '\0', size));
  return g_strndup (data, size);
}

static char *
export_to_string (GPtrArray        *records,
                  LumaExportFormat  format)
{
  g_autoptr(GBytes) bytes = luma_export_records_to_bytes (records, format);

  g_assert_nonnull (bytes);
  return bytes_to_string (bytes);
}

/* Member names in order, then values, recursively. */
static void
assert_same_json (JsonNode *a,
                  JsonNode *b)
{
  g_assert_cmpint (JSON_NODE_TYPE (a), ==, JSON_NODE_TYPE (b));

  if (JSON_NODE_HOLDS_OBJECT (a))
    {
      g_autoptr(GList) names_a = json_object_get_members (json_node_get_object (a));
      g_autoptr(GList) names_b = json_object_get_members (json_node_get_object (b));
      GList *l, *m;

      g_assert_cmpuint (g_list_length (names_a), ==, g_list_length (names_b));
      for (l = names_a, m = names_b; l != NULL; l = l->next, m = m->next)
        {
          g_assert_cmpstr (l->data, ==, m->data);
          assert_same_json (json_object_get_member (json_node_get_object (a), l->data),
                            json_object_get_member (json_node_get_object (b), m->data));
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (a))
    {
      JsonArray *x = json_node_get_array (a);
      JsonArray *y = json_node_get_array (b);

      g_assert_cmpuint (json_array_get_length (x), ==, json_array_get_length (y));
      for (guint i = 0; i < json_array_get_length (x); i++)
        assert_same_json (json_array_get_element (x, i), json_array_get_element (y, i));
    }
  else if (JSON_NODE_HOLDS_VALUE (a))
    {
      g_assert_true (json_node_get_value_type (a) == json_node_get_value_type (b));
      g_assert_true (json_node_equal (a, b));
      if (json_node_get_value_type (a) == G_TYPE_DOUBLE)
        g_assert_cmpfloat (json_node_get_double (a), ==, json_node_get_double (b));
    }
}

static void
assert_same_record (JsonObject *a,
                    JsonObject *b)
{
  g_autoptr(JsonNode) x = json_node_init_object (json_node_alloc (), a);
  g_autoptr(JsonNode) y = json_node_init_object (json_node_alloc (), b);

  assert_same_json (x, y);
}

static void
test_export_seed_csv (void)
{
  g_autoptr(GPtrArray) records = load_seed_records ();
  g_autofree char *csv = export_to_string (records, LUMA_EXPORT_CSV);

  g_assert_cmpstr (csv, ==, SEED_CSV);
}

static void
test_export_tricky_csv (void)
{
  g_autoptr(GPtrArray) records = load_tricky_records ();
  g_autofree char *csv = export_to_string (records, LUMA_EXPORT_CSV);
  g_autoptr(GPtrArray) empty = g_ptr_array_new ();
  g_autofree char *header_only = export_to_string (empty, LUMA_EXPORT_CSV);

  g_assert_cmpstr (csv, ==, TRICKY_CSV);
  g_assert_cmpstr (header_only, ==, LUMA_EXPORT_CSV_HEADER "\r\n");
}

static void
test_export_json_round_trip (void)
{
  g_autoptr(GPtrArray) records = load_seed_records ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GPtrArray) empty = g_ptr_array_new ();
  g_autofree char *empty_json = NULL;
  JsonObject *root;
  JsonArray *items;

  /* Unknown members, nesting, every JSON type and awkward text. */
  g_ptr_array_add (records, parse_object (
    "{\"id\": \"66666666-6666-4666-8666-666666666666\", \"zeta\": 1, \"alpha\": [1, 2.5, -3e-7, null,"
    " true, false, \"\", {}, []], \"big\": 9007199254740993, \"float\": 1e300, \"whole\": 5.0,"
    " \"text\": \"line\\nbreak \\\"quoted\\\" \\\\ tab\\t \\u0001 é 火 😀\", \"response\": null,"
    " \"nested\": {\"z\": {\"y\": [{\"x\": null}]}}}"));

  json = export_to_string (records, LUMA_EXPORT_JSON);
  g_assert_true (g_str_has_prefix (json, "{\n  \"items\": [\n    {\n      \"_id\": "));
  g_assert_true (g_str_has_suffix (json, "\n  ],\n  \"count\": 3\n}\n"));
  /* Numbers as the service wrote them, not 1725077411.9609999657. */
  g_assert_nonnull (strstr (json, "\"created_at\": 1725077411.961,"));
  g_assert_nonnull (strstr (json, "\"finished_at\": 1725079406.71\n"));
  g_assert_true (g_utf8_validate (json, -1, NULL));

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "count"), ==, 3);
  items = json_object_get_array_member (root, "items");
  g_assert_cmpuint (json_array_get_length (items), ==, records->len);
  for (guint i = 0; i < records->len; i++)
    assert_same_record (g_ptr_array_index (records, i), json_array_get_object_element (items, i));

  empty_json = export_to_string (empty, LUMA_EXPORT_JSON);
  g_assert_cmpstr (empty_json, ==, "{\n  \"items\": [],\n  \"count\": 0\n}\n");
}

static void
test_export_jsonl (void)
{
  g_autoptr(GPtrArray) records = load_seed_records ();
  g_autofree char *jsonl = NULL;
  g_auto(GStrv) lines = NULL;

  g_ptr_array_extend_and_steal (records, load_tricky_records ());
  jsonl = export_to_string (records, LUMA_EXPORT_JSONL);
  g_assert_true (g_str_has_suffix (jsonl, "}\n"));

  lines = g_strsplit (jsonl, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, records->len + 1);
  g_assert_cmpstr (lines[records->len], ==, "");
  for (guint i = 0; i < records->len; i++)
    {
      g_autoptr(JsonObject) parsed = parse_object (lines[i]);

      g_assert_null (strchr (lines[i], '\r'));
      assert_same_record (g_ptr_array_index (records, i), parsed);
    }
  g_assert_true (g_str_has_prefix (lines[0], "{\"_id\":\"66d297a3550a4144a5a5db42\",\"id\":\"" ID1 "\","));
}

static void
test_export_format_time (void)
{
  static const struct {
    double      t;
    const char *text;
  } cases[] = {
    { 1725077411.961, "2024-08-31T04:10:11.961Z" },
    { 1725079406.71, "2024-08-31T04:43:26.710Z" },
    { 0, "1970-01-01T00:00:00.000Z" },
    { 0.9996, "1970-01-01T00:00:01.000Z" },
    { 951782400, "2000-02-29T00:00:00.000Z" },
    { 4107542399.999, "2100-02-28T23:59:59.999Z" },
    { 253402300799.0, "9999-12-31T23:59:59.000Z" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = luma_export_format_time (cases[i].t);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  g_assert_null (luma_export_format_time (-1));
  g_assert_null (luma_export_format_time (NAN));
  g_assert_null (luma_export_format_time (INFINITY));
  g_assert_null (luma_export_format_time (1e20));
}

static void
test_export_format_names (void)
{
  LumaExportFormat format = LUMA_EXPORT_JSON;

  g_assert_true (luma_export_format_from_string ("csv", &format));
  g_assert_cmpint (format, ==, LUMA_EXPORT_CSV);
  g_assert_true (luma_export_format_from_string ("jsonl", &format));
  g_assert_cmpint (format, ==, LUMA_EXPORT_JSONL);
  g_assert_true (luma_export_format_from_string ("json", &format));
  g_assert_cmpint (format, ==, LUMA_EXPORT_JSON);
  g_assert_false (luma_export_format_from_string ("xml", &format));
  g_assert_false (luma_export_format_from_string ("CSV", &format));
  g_assert_false (luma_export_format_from_string (NULL, &format));
  g_assert_cmpint (format, ==, LUMA_EXPORT_JSON);
  g_assert_cmpstr (luma_export_format_to_string (LUMA_EXPORT_CSV), ==, "csv");
  g_assert_cmpstr (luma_export_format_to_string (LUMA_EXPORT_JSONL), ==, "jsonl");
  g_assert_cmpstr (luma_export_format_to_string (LUMA_EXPORT_JSON), ==, "json");
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;

  return n;
}

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("luma-export-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_export_to_file (void)
{
  g_autoptr(GPtrArray) records = load_seed_records ();
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "tasks.csv", NULL);
  g_autofree char *missing_path = g_build_filename (dir, "no-such-folder", "tasks.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *old_contents = NULL;

  g_assert_true (luma_export_records_to_file (records, LUMA_EXPORT_CSV, file, NULL, &error));
  g_assert_no_error (error);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, SEED_CSV);
  /* The temporary file was renamed into place: nothing else is left. */
  g_assert_cmpuint (count_entries (dir), ==, 1);

  /* Replacing the file. */
  g_assert_true (luma_export_records_to_file (records, LUMA_EXPORT_JSONL, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_entries (dir), ==, 1);

  /* A missing folder fails cleanly, and creates nothing. */
  g_assert_false (luma_export_records_to_file (records, LUMA_EXPORT_CSV, missing, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "no-such-folder"));
  g_clear_error (&error);
  g_assert_cmpuint (count_entries (dir), ==, 1);

  /* Cancelled before writing: the old file stays as it was. */
  g_file_get_contents (path, &old_contents, NULL, &error);
  g_assert_no_error (error);
  g_cancellable_cancel (cancelled);
  g_assert_false (luma_export_records_to_file (records, LUMA_EXPORT_CSV, file, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_pointer (&contents, g_free);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, old_contents);
  g_assert_cmpuint (count_entries (dir), ==, 1);

  remove_dir (dir);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
  guint     n_progress;
  guint     last_done;
  guint     last_total;
} AsyncResult;

static void
on_exported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->ok = luma_export_tasks_finish (result, &r->error);
  r->done = TRUE;
}

static void
on_progress (guint    n_done,
             guint    n_total,
             gpointer user_data)
{
  AsyncResult *r = user_data;

  g_assert_false (r->done);
  g_assert_cmpuint (n_done, >=, r->last_done);
  g_assert_cmpuint (n_done, <=, n_total);
  r->n_progress++;
  r->last_done = n_done;
  r->last_total = n_total;
}

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_for (AsyncResult *r)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (30, on_timeout, &timed_out);

  while (!r->done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);

  /* Let queued progress reports run: none may reach the caller now. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static char *
export_tasks (GPtrArray        *tasks,
              LumaExportFormat  format,
              const char       *dir)
{
  g_autofree char *path = g_build_filename (dir, "tasks.out", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  AsyncResult r = { 0, };
  char *contents = NULL;

  luma_export_tasks_with_progress_async (tasks, format, file, on_progress, &r, NULL, on_exported, &r);
  g_assert_false (r.done);
  wait_for (&r);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_cmpuint (r.n_progress, >, 0);
  g_assert_cmpuint (r.last_done, ==, tasks->len);
  g_assert_cmpuint (r.last_total, ==, tasks->len);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_entries (dir), ==, 1);

  return contents;
}

static GPtrArray *
tasks_from_records (GPtrArray *records)
{
  GPtrArray *tasks = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (tasks, luma_task_new_from_record (g_ptr_array_index (records, i)));

  return tasks;
}

static void
free_tasks (GPtrArray *tasks)
{
  while (tasks->len > 0)
    {
      LumaTask *task = g_ptr_array_steal_index (tasks, tasks->len - 1);

      g_assert_finalize_object (task);
    }
  g_ptr_array_unref (tasks);
}

static void
test_export_tasks_async (void)
{
  g_autoptr(GPtrArray) records = load_seed_records ();
  GPtrArray *tasks = tasks_from_records (records);
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *csv = NULL;
  g_autofree char *json = NULL;
  g_autofree char *jsonl = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(JsonObject) third = NULL;
  g_autoptr(JsonObject) third_line = NULL;
  g_auto(GStrv) lines = NULL;
  JsonArray *items;
  LumaTask *loading = luma_task_new ("77777777-7777-4777-8777-777777777777");
  LumaTask *gone = luma_task_new ("88888888-8888-4888-8888-888888888888");

  luma_task_set_not_found (gone);
  g_ptr_array_add (tasks, loading);
  g_ptr_array_add (tasks, gone);

  csv = export_tasks (tasks, LUMA_EXPORT_CSV, dir);
  g_assert_cmpstr (csv, ==,
                   SEED_CSV
                   "77777777-7777-4777-8777-777777777777,loading,,,,,,,,,,,,\r\n"
                   "88888888-8888-4888-8888-888888888888,not_found,,,,,,,,,,,,\r\n");

  json = export_tasks (tasks, LUMA_EXPORT_JSON, dir);
  root = parse_object (json);
  g_assert_cmpint (json_object_get_int_member (root, "count"), ==, 4);
  items = json_object_get_array_member (root, "items");
  for (guint i = 0; i < records->len; i++)
    assert_same_record (g_ptr_array_index (records, i), json_array_get_object_element (items, i));
  third = parse_object ("{\"id\": \"77777777-7777-4777-8777-777777777777\"}");
  assert_same_record (third, json_array_get_object_element (items, 2));

  jsonl = export_tasks (tasks, LUMA_EXPORT_JSONL, dir);
  lines = g_strsplit (jsonl, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  third_line = parse_object (lines[2]);
  assert_same_record (third, third_line);
  for (guint i = 0; i < records->len; i++)
    {
      g_autoptr(JsonObject) parsed = parse_object (lines[i]);

      assert_same_record (g_ptr_array_index (records, i), parsed);
    }

  remove_dir (dir);
  free_tasks (tasks);
}

/* The tasks' path builds CSV from the tasks' fields and re-indents their
 * record text for json: it must agree with the records' path byte for
 * byte. */
static void
test_export_tasks_match_records (void)
{
  g_autoptr(GPtrArray) records = load_tricky_records ();
  GPtrArray *tasks = NULL;
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *from_tasks = NULL;

  g_ptr_array_extend_and_steal (records, load_seed_records ());
  tasks = tasks_from_records (records);
  from_tasks = export_tasks (tasks, LUMA_EXPORT_CSV, dir);
  g_assert_true (g_str_has_prefix (from_tasks, TRICKY_CSV));
  g_assert_true (g_str_has_suffix (from_tasks, SEED_CSV + strlen (LUMA_EXPORT_CSV_HEADER "\r\n")));
  {
    g_autofree char *from_records = export_to_string (records, LUMA_EXPORT_CSV);

    g_assert_cmpstr (from_tasks, ==, from_records);
  }

  /* json and jsonl too, text for text. */
  for (LumaExportFormat format = LUMA_EXPORT_JSON; format <= LUMA_EXPORT_JSONL; format++)
    {
      g_autofree char *text_tasks = export_tasks (tasks, format, dir);
      g_autofree char *text_records = export_to_string (records, format);

      g_assert_cmpstr (text_tasks, ==, text_records);
    }

  remove_dir (dir);
  free_tasks (tasks);
}

/* A stored record with spaces between tokens (kept as given) still
 * exports like the record itself. Its numbers are written as stored, so
 * this one uses a number both paths spell alike. */
static void
test_export_tasks_spaced_record (void)
{
  const char *spaced = "{ \"id\" : \"" ID1 "\" , \"a\" :[ 1 , { } ,[ ], \"x , y : [z]\" ] ,"
                       "\"response\": {\"state\": \"completed\", \"n\": -0.0015 } }";
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  GPtrArray *tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *json = NULL;
  g_autofree char *expected = NULL;

  g_ptr_array_add (records, parse_object (spaced));
  g_ptr_array_add (tasks, luma_task_new_from_json (ID1, 1, spaced, FALSE));
  g_assert_cmpstr (luma_task_get_record_json (g_ptr_array_index (tasks, 0)), ==, spaced);

  json = export_tasks (tasks, LUMA_EXPORT_JSON, dir);
  expected = export_to_string (records, LUMA_EXPORT_JSON);
  g_assert_cmpstr (json, ==, expected);

  remove_dir (dir);
  free_tasks (tasks);
}

static void
test_export_tasks_cancelled (void)
{
  g_autoptr(GPtrArray) records = load_seed_records ();
  GPtrArray *tasks = tasks_from_records (records);
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "tasks.csv", NULL);
  g_autofree char *missing_path = g_build_filename (dir, "missing", "tasks.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncResult r = { 0, };

  g_cancellable_cancel (cancellable);
  luma_export_tasks_async (tasks, LUMA_EXPORT_CSV, file, cancellable, on_exported, &r);
  wait_for (&r);
  g_assert_false (r.ok);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
  g_assert_cmpuint (count_entries (dir), ==, 0);

  memset (&r, 0, sizeof r);
  luma_export_tasks_async (tasks, LUMA_EXPORT_JSON, missing, NULL, on_exported, &r);
  wait_for (&r);
  g_assert_false (r.ok);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&r.error);
  g_assert_cmpuint (count_entries (dir), ==, 0);

  remove_dir (dir);
  free_tasks (tasks);
}

static ino_t
inode_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_ino;
}

/* Many copies of the seed's records: far more than @limit bytes. */
static GPtrArray *
many_records (GPtrArray *seed,
              gsize      limit)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GBytes) bytes = NULL;

  while (records->len < 8 || (bytes == NULL || g_bytes_get_size (bytes) < limit * 4))
    {
      for (guint i = 0; i < seed->len; i++)
        g_ptr_array_add (records, json_object_ref (g_ptr_array_index (seed, i)));
      g_clear_pointer (&bytes, g_bytes_unref);
      bytes = luma_export_records_to_bytes (records, LUMA_EXPORT_JSON);
    }

  return records;
}

/* Writes with the size of files limited to @limit bytes: the kernel
 * refuses the write past it (EFBIG), as a full disk would. */
static gboolean
export_with_size_limit (GPtrArray         *records,
                        LumaExportFormat   format,
                        GFile             *file,
                        rlim_t             limit,
                        GError           **error)
{
  struct rlimit old_limit, new_limit;
  void (*old_handler) (int);
  gboolean ok;

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  new_limit = old_limit;
  new_limit.rlim_cur = limit;
  /* Past the limit the kernel also sends SIGXFSZ, which would end us. */
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &new_limit), ==, 0);

  ok = luma_export_records_to_file (records, format, file, NULL, error);

  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &old_limit), ==, 0);
  signal (SIGXFSZ, old_handler);

  return ok;
}

/* Replacing, failing and cancelled writes, with an unnamed temporary file
 * (O_TMPFILE) and with the hidden named one: the folder only ever holds
 * the old file or the new one. */
static void
check_atomic_writes (gboolean unnamed)
{
  g_autoptr(GPtrArray) seed = load_seed_records ();
  g_autoptr(GPtrArray) big = many_records (seed, 16384);
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "tasks.json", NULL);
  g_autofree char *sub_path = g_build_filename (dir, "a-folder", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) sub = g_file_new_for_path (sub_path);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = export_to_string (seed, LUMA_EXPORT_JSONL);
  g_autofree char *contents = NULL;
  mode_t mask;
  GStatBuf st;
  ino_t inode;

  luma_export_set_unnamed_temporaries (unnamed);

  /* A new file, with the mode any new file gets. */
  g_assert_true (luma_export_records_to_file (seed, LUMA_EXPORT_CSV, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  mask = umask (022);
  umask (mask);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0666 & ~mask);

  /* Replaced by a new file (a new inode): readers of the old one keep it. */
  inode = inode_of (path);
  g_assert_true (luma_export_records_to_file (seed, LUMA_EXPORT_JSONL, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_assert_cmpuint (inode_of (path), !=, inode);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, expected);
  inode = inode_of (path);

  /* A write that fails half-way leaves the old file whole, and nothing else. */
  g_assert_false (export_with_size_limit (big, LUMA_EXPORT_JSON, file, 4096, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "tasks.json"));
  g_clear_error (&error);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_assert_cmpuint (inode_of (path), ==, inode);
  g_clear_pointer (&contents, g_free);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, expected);

  /* The same when the file did not exist: no file at all. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_false (export_with_size_limit (big, LUMA_EXPORT_CSV, file, 4096, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (count_entries (dir), ==, 0);

  /* Cancelled: nothing written. */
  g_cancellable_cancel (cancelled);
  g_assert_false (luma_export_records_to_file (seed, LUMA_EXPORT_CSV, file, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (count_entries (dir), ==, 0);

  /* A folder in the way: the rename fails, and the temporary file goes. */
  g_assert_cmpint (g_mkdir (sub_path, 0700), ==, 0);
  g_assert_false (luma_export_records_to_file (seed, LUMA_EXPORT_CSV, sub, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_assert_true (g_file_test (sub_path, G_FILE_TEST_IS_DIR));
  g_assert_cmpint (g_rmdir (sub_path), ==, 0);

  /* A big file, whole. */
  g_assert_true (luma_export_records_to_file (big, LUMA_EXPORT_JSON, file, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&contents, g_free);
  g_clear_pointer (&expected, g_free);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  expected = export_to_string (big, LUMA_EXPORT_JSON);
  g_assert_cmpstr (contents, ==, expected);
  g_assert_cmpuint (count_entries (dir), ==, 1);

  luma_export_set_unnamed_temporaries (TRUE);
  remove_dir (dir);
}

static void
test_export_atomic_unnamed (void)
{
  check_atomic_writes (TRUE);
}

static void
test_export_atomic_named (void)
{
  check_atomic_writes (FALSE);
}

/* The asynchronous export writes the same way: the old file is replaced
 * whole, and a failure leaves no temporary file. */
static void
test_export_tasks_atomic (void)
{
  g_autoptr(GPtrArray) records = load_seed_records ();
  GPtrArray *tasks = tasks_from_records (records);
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "tasks.csv", NULL);
  g_autofree char *sub_path = g_build_filename (dir, "a-folder", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) sub = g_file_new_for_path (sub_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  AsyncResult r = { 0, };

  g_file_set_contents (path, "old\n", -1, &error);
  g_assert_no_error (error);

  luma_export_tasks_async (tasks, LUMA_EXPORT_CSV, file, NULL, on_exported, &r);
  wait_for (&r);
  g_assert_true (r.ok);
  g_assert_no_error (r.error);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, LUMA_EXPORT_CSV_HEADER "\r\n"));

  /* A folder where the file should go: an error, and nothing left over. */
  g_assert_cmpint (g_mkdir (sub_path, 0700), ==, 0);
  memset (&r, 0, sizeof r);
  luma_export_tasks_async (tasks, LUMA_EXPORT_JSON, sub, NULL, on_exported, &r);
  wait_for (&r);
  g_assert_false (r.ok);
  g_assert_nonnull (r.error);
  g_clear_error (&r.error);
  g_assert_cmpuint (count_entries (dir), ==, 2);
  g_assert_cmpint (g_rmdir (sub_path), ==, 0);

  remove_dir (dir);
  free_tasks (tasks);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/export/seed-csv", test_export_seed_csv);
  g_test_add_func ("/export/tricky-csv", test_export_tricky_csv);
  g_test_add_func ("/export/json-round-trip", test_export_json_round_trip);
  g_test_add_func ("/export/jsonl", test_export_jsonl);
  g_test_add_func ("/export/format-time", test_export_format_time);
  g_test_add_func ("/export/format-names", test_export_format_names);
  g_test_add_func ("/export/to-file", test_export_to_file);
  g_test_add_func ("/export/tasks-async", test_export_tasks_async);
  g_test_add_func ("/export/tasks-match-records", test_export_tasks_match_records);
  g_test_add_func ("/export/tasks-spaced-record", test_export_tasks_spaced_record);
  g_test_add_func ("/export/tasks-cancelled", test_export_tasks_cancelled);
  g_test_add_func ("/export/atomic-unnamed", test_export_atomic_unnamed);
  g_test_add_func ("/export/atomic-named", test_export_atomic_named);
  g_test_add_func ("/export/tasks-atomic", test_export_tasks_atomic);

  return g_test_run ();
}
