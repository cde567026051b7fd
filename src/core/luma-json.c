/* luma-json.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-json"

#include "config.h"

#include <math.h>
#include <string.h>

#include "luma-json-private.h"

static JsonNode *
get_value (JsonObject *object,
           const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, member);
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return NULL;

  return node;
}

JsonObject *
_luma_json_get_object (JsonObject *object,
                       const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;

  node = json_object_get_member (object, member);
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_OBJECT)
    return NULL;

  return json_node_get_object (node);
}

const char *
_luma_json_get_string (JsonObject *object,
                       const char *member)
{
  JsonNode *node = get_value (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

gboolean
_luma_json_get_boolean (JsonObject *object,
                        const char *member,
                        gboolean   *value)
{
  JsonNode *node = get_value (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;

  *value = json_node_get_boolean (node);
  return TRUE;
}

gboolean
_luma_json_get_number (JsonObject *object,
                       const char *member,
                       double     *value)
{
  JsonNode *node = get_value (object, member);
  GType type;

  if (node == NULL)
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return FALSE;

  return isfinite (*value);
}

guint
_luma_json_get_uint (JsonObject *object,
                     const char *member)
{
  JsonNode *node = get_value (object, member);
  GType type;

  if (node == NULL)
    return 0;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      gint64 v = json_node_get_int (node);

      return v >= 0 && v <= G_MAXUINT ? (guint) v : 0;
    }
  if (type == G_TYPE_DOUBLE)
    {
      double v = json_node_get_double (node);

      return isfinite (v) && v >= 0 && v <= G_MAXUINT && floor (v) == v ? (guint) v : 0;
    }

  return 0;
}

void
_luma_json_append_double (GString *out,
                          double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  static const char *formats[] = { "%.15g", "%.16g", "%.17g" };

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, sizeof buf, formats[i], value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }

  g_string_append (out, buf);
  /* Keep a double a double when read back: 5.0 stays 5.0, not 5. */
  if (strpbrk (buf, ".eEn") == NULL)
    g_string_append (out, ".0");
}

/* Escapes @str, which must be valid UTF-8. */
static void
append_valid_string (GString    *out,
                     const char *str)
{
  const char *run = str;
  const char *p;

  g_string_append_c (out, '"');
  for (p = str; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;

      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default: g_string_append_printf (out, "\\u%04x", c); break;
        }
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

/* json-glib reads escapes into strings that are not UTF-8 (octal ones
 * such as \355, lone surrogates), yet refuses text that is not UTF-8: such
 * a string is written with U+FFFD in place of each bad sequence, so that
 * what is written always parses again. */
void
_luma_json_append_string (GString    *out,
                          const char *str)
{
  g_autofree char *valid = NULL;

  if (G_LIKELY (g_utf8_validate (str, -1, NULL)))
    {
      append_valid_string (out, str);
      return;
    }

  valid = g_utf8_make_valid (str, -1);
  append_valid_string (out, valid);
}

static void
append_newline (GString *out,
                int      indent)
{
  g_string_append_c (out, '\n');
  for (int i = 0; i < indent; i++)
    g_string_append (out, "  ");
}

void
_luma_json_append_object (GString    *out,
                          JsonObject *object,
                          int         indent)
{
  gboolean pretty = indent >= 0;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      if (pretty)
        append_newline (out, indent + 1);
      _luma_json_append_string (out, name);
      g_string_append (out, pretty ? ": " : ":");
      _luma_json_append_node (out, member, pretty ? indent + 1 : -1);
    }
  if (pretty && !first)
    append_newline (out, indent);
  g_string_append_c (out, '}');
}

void
_luma_json_append_node (GString  *out,
                        JsonNode *node,
                        int       indent)
{
  gboolean pretty = indent >= 0;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      _luma_json_append_object (out, json_node_get_object (node), indent);
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            if (pretty)
              append_newline (out, indent + 1);
            _luma_json_append_node (out, json_array_get_element (array, i),
                                    pretty ? indent + 1 : -1);
          }
        if (pretty && n > 0)
          append_newline (out, indent);
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          _luma_json_append_string (out, json_node_get_string (node));
        else if (type == G_TYPE_INT64)
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
        else if (type == G_TYPE_DOUBLE)
          _luma_json_append_double (out, json_node_get_double (node));
        else if (type == G_TYPE_BOOLEAN)
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
        else
          g_string_append (out, "null");
      }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

char *
_luma_json_object_to_string (JsonObject *object)
{
  GString *out = g_string_sized_new (1024);

  _luma_json_append_object (out, object, -1);
  return g_string_free (out, FALSE);
}

static inline gboolean
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void
_luma_json_append_pretty_text (GString    *out,
                               const char *json,
                               int         indent)
{
  const char *p = json;
  int level = indent;

  while (*p != '\0')
    {
      const char *start = p;
      const char *q;

      switch (*p)
        {
        case ' ': case '\t': case '\n': case '\r':
          p++;
          break;

        case '"':
          for (p++; *p != '\0' && *p != '"'; p++)
            {
              if (*p == '\\' && p[1] != '\0')
                p++;
            }
          if (*p == '"')
            p++;
          g_string_append_len (out, start, p - start);
          break;

        case '{':
        case '[':
          for (q = p + 1; is_json_space (*q); q++)
            ;
          g_string_append_c (out, *p);
          if (*q == (*p == '{' ? '}' : ']'))
            {
              g_string_append_c (out, *q);
              p = q + 1;
            }
          else
            {
              append_newline (out, ++level);
              p++;
            }
          break;

        case '}':
        case ']':
          append_newline (out, --level);
          g_string_append_c (out, *p++);
          break;

        case ',':
          g_string_append_c (out, ',');
          append_newline (out, level);
          p++;
          break;

        case ':':
          g_string_append (out, ": ");
          p++;
          break;

        default:
          /* Numbers and literals, verbatim. */
          while (*p != '\0' && strchr (" \t\n\r\"{}[],:", *p) == NULL)
            p++;
          g_string_append_len (out, start, p - start);
          break;
        }
    }
}

/* The scanner of _luma_json_scan_items(): each step returns the position
 * just past what it read, or NULL when the text ends first or is not
 * JSON there. */

static const char *
scan_space (const char *p,
            const char *end)
{
  while (p < end && is_json_space (*p))
    p++;
  return p;
}

/* Strings are most of an answer: memchr() finds each quote, and one is
 * the end unless an odd run of backslashes escapes it. */
static const char *
scan_string (const char *p,
             const char *end)
{
  const char *start;

  if (p >= end || *p != '"')
    return NULL;

  start = ++p;
  while (p < end)
    {
      const char *quote = memchr (p, '"', end - p);
      const char *run;

      if (quote == NULL)
        return NULL;

      for (run = quote; run > start && run[-1] == '\\'; run--)
        ;
      if ((quote - run) % 2 == 0)
        return quote + 1;

      p = quote + 1;
    }

  return NULL;
}

/* What ends a number or a literal (NUL too, as strchr() would have it). */
static inline gboolean
is_scalar_end (char c)
{
  switch (c)
    {
    case ' ': case '\t': case '\n': case '\r': case ',': case ':':
    case ']': case '}': case '[': case '{': case '"': case '\0':
      return TRUE;
    default:
      return FALSE;
    }
}

/* Any value: a string, a nested object or array (skipped by depth, with
 * the strings inside), a number or a literal. */
static const char *
scan_value (const char *p,
            const char *end)
{
  guint depth = 0;

  if (p >= end)
    return NULL;

  if (*p == '"')
    return scan_string (p, end);

  /* Outside a string, "/" starts a comment and "'" a single-quoted
   * string: json-glib reads both, JSON has neither. Such text is left to
   * the full parse. */
  if (*p != '{' && *p != '[')
    {
      const char *start = p;

      while (p < end && !is_scalar_end (*p))
        {
          if (*p == '/' || *p == '\'')
            return NULL;
          p++;
        }
      return p > start && p < end ? p : NULL;
    }

  while (p < end)
    {
      switch (*p)
        {
        case '"':
          p = scan_string (p, end);
          if (p == NULL)
            return NULL;
          continue;
        case '{':
        case '[':
          depth++;
          break;
        case '}':
        case ']':
          if (--depth == 0)
            return p + 1;
          break;
        case '/':
        case '\'':
          return NULL;
        default:
          break;
        }
      p++;
    }

  return NULL;
}

static const char *
scan_array_ranges (const char *data,
                   const char *p,
                   const char *end,
                   GArray     *ranges)
{
  /* At '[' */
  p = scan_space (p + 1, end);
  if (p < end && *p == ']')
    return p + 1;

  while (p < end)
    {
      const char *start = p;
      LumaJsonRange range;

      p = scan_value (p, end);
      if (p == NULL)
        return NULL;
      range.offset = start - data;
      range.length = p - start;
      g_array_append_val (ranges, range);

      p = scan_space (p, end);
      if (p >= end)
        return NULL;
      if (*p == ']')
        return p + 1;
      if (*p != ',')
        return NULL;
      p = scan_space (p + 1, end);
    }

  return NULL;
}

gboolean
_luma_json_scan_items (const char *data,
                       gsize       size,
                       GArray     *ranges)
{
  const char *end = data + size;
  const char *p;
  gboolean found = FALSE;

  g_return_val_if_fail (data != NULL || size == 0, FALSE);
  g_return_val_if_fail (ranges != NULL, FALSE);

  g_array_set_size (ranges, 0);

  p = scan_space (data, end);
  if (p >= end || *p != '{')
    return FALSE;
  p = scan_space (p + 1, end);
  if (p < end && *p == '}')
    return FALSE;

  while (p < end)
    {
      const char *key = p;
      gboolean is_items;

      p = scan_string (p, end);
      if (p == NULL)
        goto fail;
      is_items = p - key == 7 && memcmp (key, "\"items\"", 7) == 0;

      p = scan_space (p, end);
      if (p >= end || *p != ':')
        goto fail;
      p = scan_space (p + 1, end);

      if (is_items && p < end && *p == '[')
        {
          g_array_set_size (ranges, 0);
          p = scan_array_ranges (data, p, end, ranges);
          found = TRUE;
        }
      else
        {
          if (is_items)
            {
              /* A later "items" that is no array replaces the list. */
              g_array_set_size (ranges, 0);
              found = FALSE;
            }
          p = scan_value (p, end);
        }
      if (p == NULL)
        goto fail;

      p = scan_space (p, end);
      if (p >= end)
        goto fail;
      if (*p == '}')
        {
          if (!found)
            goto fail;
          return TRUE;
        }
      if (*p != ',')
        goto fail;
      p = scan_space (p + 1, end);
    }

fail:
  g_array_set_size (ranges, 0);
  return FALSE;
}
