/* test-json.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scanner that slices each record out of a retrieve_batch answer.
 */

#include "config.h"

#include <string.h>

#include "luma-client-private.h"
#include "luma-error.h"
#include "luma-json-private.h"
#include "luma-task-private.h"

/* Scans @body and returns the elements it found, as text, or NULL when the
 * scan failed. */
static GStrv
scan (const char *body)
{
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (LumaJsonRange));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (!_luma_json_scan_items (body, strlen (body), ranges))
    {
      g_assert_cmpuint (ranges->len, ==, 0);
      return NULL;
    }

  for (guint i = 0; i < ranges->len; i++)
    {
      LumaJsonRange *range = &g_array_index (ranges, LumaJsonRange, i);

      g_assert_cmpuint (range->offset + range->length, <=, strlen (body));
      g_autofree char *item = g_strndup (body + range->offset, range->length);

      g_strv_builder_add (builder, item);
    }

  return g_strv_builder_end (builder);
}

static void
assert_items (const char         *body,
              const char * const *expected)
{
  g_auto(GStrv) items = scan (body);

  g_assert_nonnull (items);
  g_assert_cmpstrv (items, expected);
}

static void
test_plain (void)
{
  const char *expected[] = { "{\"id\":\"a\"}", "{\"id\":\"b\",\"n\":1}", NULL };

  assert_items ("{\"items\":[{\"id\":\"a\"},{\"id\":\"b\",\"n\":1}],\"count\":2}", expected);
}

static void
test_strings (void)
{
  /* Quotes, backslashes, brackets and braces inside strings, keys too. */
  const char *body =
    "{\"trace\":\"]}\\\"{\",\"items\":[{\"id\":\"a\\\"]}\",\"p\":\"[{\\\\\"},"
    "{\"id\":\"b\",\"}]\\\\\":\"\\u005d\"}],\"x\":\"\\\\\"}";
  const char *expected[] = {
    "{\"id\":\"a\\\"]}\",\"p\":\"[{\\\\\"}",
    "{\"id\":\"b\",\"}]\\\\\":\"\\u005d\"}",
    NULL
  };

  assert_items (body, expected);
}

static void
test_nested_and_space (void)
{
  /* An "items" inside another member is not the list; whitespace around
   * every token is trimmed off the elements, not out of them. */
  const char *body =
    "{ \"x\" : {\"items\":[1]},\n \"items\" :\n [ {\"a\": {\"b\":[1, {\"c\":\"}\"}]}} ,\r\n\t42 , \"s\" ,"
    " null , [1, [2]] , true , -1.5e3 ] \n}\n";
  const char *expected[] = {
    "{\"a\": {\"b\":[1, {\"c\":\"}\"}]}}", "42", "\"s\"", "null", "[1, [2]]", "true", "-1.5e3", NULL
  };

  assert_items (body, expected);
}

static void
test_empty_and_last (void)
{
  const char *none[] = { NULL };
  const char *last[] = { "{\"id\":\"second\"}", NULL };
  g_auto(GStrv) dropped = NULL;

  assert_items ("{\"items\":[]}", none);
  assert_items ("{\"items\":[ \n ]}", none);
  /* json-glib keeps the last of two members of one name. */
  assert_items ("{\"items\":[{\"id\":\"first\"}],\"items\":[{\"id\":\"second\"}]}", last);
  dropped = scan ("{\"items\":[{\"id\":\"first\"}],\"items\":null}");
  g_assert_null (dropped);
}

static void
test_not_a_list (void)
{
  const char *bodies[] = {
    "",
    "   ",
    "[]",
    "\"items\"",
    "{}",
    "{\"count\":0}",
    "{\"items\":{}}",
    "{\"items\":\"[]\"}",
    "{\"error\":{\"code\":\"x\",\"items\":[1]}}",
    "{\"items\" [1]}",
    "{\"items\":[1 2]}",
    "{\"items\":[1],}x",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_auto(GStrv) items = scan (bodies[i]);

      if (items != NULL)
        g_error ("Scanned a list out of %s", bodies[i]);
    }
}

/* Every proper prefix of an answer is refused: a body cut off in the middle
 * of a string, a number or between tokens never yields a partial list. */
static void
test_truncated (void)
{
  const char *body =
    "{\"items\":[{\"id\":\"a\\\"b\",\"n\":[1,{\"m\":\"]\"}],\"t\":true},\n  {\"id\":\"c\"}, 17],\"count\":3}";
  gsize size = strlen (body);
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (LumaJsonRange));

  for (gsize cut = 0; cut < size; cut++)
    {
      if (_luma_json_scan_items (body, cut, ranges))
        g_error ("Scanned a list out of the first %" G_GSIZE_FORMAT " bytes", cut);
      g_assert_cmpuint (ranges->len, ==, 0);
    }

  g_assert_true (_luma_json_scan_items (body, size, ranges));
  g_assert_cmpuint (ranges->len, ==, 3);
}

/* What json-glib reads and what the scanner slices agree, element for
 * element, on a real-sized answer. */
static void
test_agrees_with_parser (void)
{
  g_autoptr(GString) body = g_string_new ("{\"success\":true,\"items\":[");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (LumaJsonRange));
  g_autoptr(GError) error = NULL;
  JsonArray *items;

  for (guint i = 0; i < 200; i++)
    g_string_append_printf (body, "%s{\"id\":\"%u\",\"prompt\":\"take \\\"%u\\\" [x]\",\"v\":%u.5}",
                            i > 0 ? (i % 7 == 0 ? " ,\n" : ",") : "", i, i, i);
  g_string_append (body, "],\"count\":200}");

  json_parser_load_from_data (parser, body->str, body->len, &error);
  g_assert_no_error (error);
  items = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "items");

  g_assert_true (_luma_json_scan_items (body->str, body->len, ranges));
  g_assert_cmpuint (ranges->len, ==, json_array_get_length (items));
  for (guint i = 0; i < ranges->len; i++)
    {
      LumaJsonRange *range = &g_array_index (ranges, LumaJsonRange, i);
      g_autoptr(JsonParser) one = json_parser_new ();
      g_autofree char *text = g_strndup (body->str + range->offset, range->length);
      g_autofree char *ours = NULL;
      g_autofree char *theirs = NULL;

      json_parser_load_from_data (one, text, -1, &error);
      g_assert_no_error (error);
      ours = _luma_json_object_to_string (json_node_get_object (json_parser_get_root (one)));
      theirs = _luma_json_object_to_string (json_array_get_object_element (items, i));
      g_assert_cmpstr (ours, ==, theirs);
    }
}

/* Strings json-glib reads from escapes that are not UTF-8 are written
 * mended, so the text always parses again. */
static void
test_serializer_mends (void)
{
  static const char *texts[] = {
    "{\"a\":\"x\\355y\"}",
    "{\"a\":[\"\\ud800y\",{\"b\":\"\\udc00z\"}]}",
    "{\"\\377\":1}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonParser) again = json_parser_new ();
      g_autoptr(GString) pretty = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      JsonObject *object;

      json_parser_load_from_data (parser, texts[i], -1, &error);
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));

      out = _luma_json_object_to_string (object);
      g_assert_true (g_utf8_validate (out, -1, NULL));
      g_assert_nonnull (strstr (out, "\xef\xbf\xbd"));
      json_parser_load_from_data (again, out, -1, &error);
      g_assert_no_error (error);

      _luma_json_append_object (pretty, object, 0);
      json_parser_load_from_data (again, pretty->str, pretty->len, &error);
      g_assert_no_error (error);
    }

  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;

    /* Valid UTF-8 is kept as is. */
    json_parser_load_from_data (parser, "{\"a\":\"\\u00e9\\n\",\"b\":[1,2.5,true,null]}", -1, &error);
    g_assert_no_error (error);
    out = _luma_json_object_to_string (json_node_get_object (json_parser_get_root (parser)));
    g_assert_cmpstr (out, ==, "{\"a\":\"\xc3\xa9\\n\",\"b\":[1,2.5,true,null]}");
  }
}

/* A batch answer's records are read one by one from their own text;
 * arrays elsewhere in the answer, inside records or before "items" (an
 * "items" given twice too), must leave the records and their texts as
 * they are. */
static void
test_batch_body_arrays (void)
{
  static const char *body =
    "{\"failed\":[{\"id\":\"f\"},{\"id\":\"g\"}],"
    "\"items\":[{\"id\":\"old\"}],"
    "\"items\":["
    "{\"id\":\"a\",\"parts\":[{\"id\":\"p1\"},{\"id\":\"p2\"},{\"id\":\"p3\"},{\"id\":\"p4\"}]},"
    "7,"
    "{\"id\":\"b\",\"list\":[[{\"id\":\"q\"}],[]],\"response\":{\"state\":\"completed\"}},"
    "{\"id\":\"a\"}"
    "],\"count\":4}";
  static const char *texts[] = {
    "{\"id\":\"a\",\"parts\":[{\"id\":\"p1\"},{\"id\":\"p2\"},{\"id\":\"p3\"},{\"id\":\"p4\"}]}",
    "{\"id\":\"b\",\"list\":[[{\"id\":\"q\"}],[]],\"response\":{\"state\":\"completed\"}}",
    "{\"id\":\"a\"}",
  };
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, strlen (body));

  /* The records kept as JSON objects, or only prepared. */
  for (guint keep = 0; keep < 2; keep++)
    {
      g_autoptr(LumaBatchResult) batch = NULL;
      g_autoptr(GError) error = NULL;
      GPtrArray *prepared;

      batch = _luma_client_parse_batch_body (bytes, keep, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (batch->records->len, ==, keep ? G_N_ELEMENTS (texts) : 0);
      g_assert_cmpuint (_luma_batch_result_get_n_records (batch), ==, G_N_ELEMENTS (texts));
      g_assert_cmpuint (batch->n_skipped, ==, 1);

      prepared = _luma_batch_result_get_prepared (batch);
      g_assert_nonnull (prepared);
      g_assert_cmpuint (prepared->len, ==, G_N_ELEMENTS (texts));
      for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
        {
          LumaPreparedRecord *p = g_ptr_array_index (prepared, i);

          if (keep)
            g_assert_true (_luma_prepared_record_get_source (p) == g_ptr_array_index (batch->records, i));
          g_assert_cmpstr (_luma_prepared_record_get_json (p), ==, texts[i]);
        }
      g_assert_cmpstr (_luma_prepared_record_get_id (g_ptr_array_index (prepared, 1)), ==, "b");
    }
}

/* The IDs json-glib finds in the root's "items" of @body, parsed whole,
 * joined by commas; NULL when it does not parse or has no such list. */
static char *
ids_by_whole_parse (const char *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) ids = g_string_new (NULL);
  JsonNode *root;
  JsonNode *items;

  if (!json_parser_load_from_data (parser, body, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      (items = json_object_get_member (json_node_get_object (root), "items")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (items))
    return NULL;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (items)); i++)
    {
      JsonNode *item = json_array_get_element (json_node_get_array (items), i);
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (item) ||
          (id = _luma_json_get_string (json_node_get_object (item), "id")) == NULL || *id == '\0')
        continue;
      g_string_append_printf (ids, "%s%s", ids->len > 0 ? "," : "", id);
    }

  return g_string_free (g_steal_pointer (&ids), FALSE);
}

/* Records are read one by one from their own text, the rest of the answer
 * apart; wherever that could read another answer than json-glib's parse
 * of the whole (escapes in keys, an "items" written twice, text json-glib
 * reads and JSON has not, text broken between the records), the answer
 * is parsed whole instead. Either way: the records json-glib finds, in
 * both ways of keeping them. */
static void
test_batch_body_apart (void)
{
  static const char *bodies[] = {
    "{\"items\":[{\"id\":\"a\"},{\"id\":\"b\"}],\"count\":2}",
    "{\"items\":[{\"id\":\"a\"}],\"\\u0069tems\":[{\"id\":\"b\"}]}",
    "{\"items\":[{\"id\":\"a\"}],\"\\u0069tems\":[]}",
    "{\"\\u0069tems\":[{\"id\":\"b\"}],\"items\":[{\"id\":\"a\"}]}",
    "{\"items\":[{\"id\":\"a\"},{\"id\":\"b\"}],\"trace_id\":\"x\\/y\"}",
    "{\"items\":[{\"id\":\"a\"}],\"items\":[{\"id\":\"c\"},{\"id\":\"d\"}]}",
    "{\"items\":[{\"id\":\"a\"}],\"items\":5}",
    "{\"items\":[ {\"id\":\"a\"} ,\n {\"id\":\"b\\u0021\"} ]}",
    "{\"items\":[{\"id\":\"a\"},{\"id\":\"b\",}]}",
    "{\"items\":[{\"id\":\"a\"},]}",
    "{\"items\":[{\"id\":\"a\"} {\"id\":\"b\"}]}",
    "{\"items\":[{\"id\":\"a\"},{\"id\":tru}]}",
    "{\"items\":[{\"id\":\"a\"},{\"id\":\"b\"}]} x",
    "{\"items\":[{\"id\":\"a\"},{\"id\":\"b\"}],}",
    "{\"items\":[{\"id\":\"a\"},/* c */{\"id\":\"b\"}]}",
    "{\"items\":[{\"id\":'a'},{\"id\":\"b\"}]}",
    "{\"items\":[{\"id\":\"a\"},7,\"s\",null,[1],{\"id\":\"\"},{\"id\":2},{\"id\":\"b\"}]}",
    "{\"items\":[$,{\"id\":\"a\"}]}",
    "{\"items\":[{\"id\":\"a\"},$]}",
    "{\"items\":[$1,{\"id\":\"a\"}]}",
    "{\"items\":[{}],\"items\":[{\"id\":\"a\"}]}",
    "{\"items\":[{\"id\":\"a\"}],\"items\":[{}]}",
    "{\"items\":[{\"id\":\"a\"},\"x\\\\y\",7,{\"id\":\"b\"}]}",
    "{\"items\":[{\"id\":\"a\"},{\"id\":\"a\",\"x\":1}]}",
    "{\"success\":false,\"items\":[{\"id\":\"a\"}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    for (guint keep = 0; keep < 2; keep++)
      {
        g_autoptr(GBytes) bytes = g_bytes_new_static (bodies[i], strlen (bodies[i]));
        g_autofree char *expected = ids_by_whole_parse (bodies[i]);
        g_autoptr(LumaBatchResult) batch = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(GString) ids = g_string_new (NULL);
        GPtrArray *prepared;

        g_test_message ("%s (records %s)", bodies[i], keep ? "kept" : "prepared only");
        batch = _luma_client_parse_batch_body (bytes, keep, &error);
        if (expected == NULL || strstr (bodies[i], "\"success\":false") != NULL)
          {
            g_assert_null (batch);
            g_assert_true (error != NULL && error->domain == LUMA_ERROR);
            continue;
          }
        g_assert_no_error (error);

        prepared = _luma_batch_result_get_prepared (batch);
        g_assert_nonnull (prepared);
        for (guint j = 0; j < prepared->len; j++)
          {
            LumaPreparedRecord *p = g_ptr_array_index (prepared, j);

            if (p != NULL)
              g_string_append_printf (ids, "%s%s", ids->len > 0 ? "," : "", _luma_prepared_record_get_id (p));
          }
        g_assert_cmpstr (ids->str, ==, expected);
        g_assert_cmpuint (batch->records->len, ==, keep ? prepared->len : 0);
      }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/json/scan-items/plain", test_plain);
  g_test_add_func ("/json/scan-items/strings", test_strings);
  g_test_add_func ("/json/scan-items/nested-and-space", test_nested_and_space);
  g_test_add_func ("/json/scan-items/empty-and-last", test_empty_and_last);
  g_test_add_func ("/json/scan-items/not-a-list", test_not_a_list);
  g_test_add_func ("/json/scan-items/truncated", test_truncated);
  g_test_add_func ("/json/scan-items/agrees-with-parser", test_agrees_with_parser);
  g_test_add_func ("/json/serializer/mends", test_serializer_mends);
  g_test_add_func ("/json/batch-body/arrays", test_batch_body_arrays);
  g_test_add_func ("/json/batch-body/apart", test_batch_body_apart);

  return g_test_run ();
}
