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

/* A batch answer's records are prepared while json-glib builds them; arrays
 * elsewhere in the answer, inside records or before "items" (an "items"
 * given twice too), must leave the records and their texts as they are. */
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
  g_autoptr(LumaBatchResult) batch = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *prepared;

  batch = _luma_client_parse_batch_body (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (batch->records->len, ==, G_N_ELEMENTS (texts));
  g_assert_cmpuint (batch->n_skipped, ==, 1);

  prepared = _luma_batch_result_get_prepared (batch);
  g_assert_nonnull (prepared);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      LumaPreparedRecord *p = g_ptr_array_index (prepared, i);

      g_assert_true (_luma_prepared_record_get_source (p) == g_ptr_array_index (batch->records, i));
      g_assert_cmpstr (_luma_prepared_record_get_json (p), ==, texts[i]);
    }
  g_assert_cmpstr (_luma_prepared_record_get_id (g_ptr_array_index (prepared, 1)), ==, "b");
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

  return g_test_run ();
}
