/* luma-json-private.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Tolerant member access: a member that is missing, null or of another type
 * reads as absent (NULL / FALSE), never as an error. */
JsonObject *_luma_json_get_object  (JsonObject *object,
                                    const char *member);
const char *_luma_json_get_string  (JsonObject *object,
                                    const char *member);
gboolean    _luma_json_get_boolean (JsonObject *object,
                                    const char *member,
                                    gboolean   *value);
/* Integers and doubles alike; FALSE for anything else. */
gboolean    _luma_json_get_number  (JsonObject *object,
                                    const char *member,
                                    double     *value);
/* A whole number in 0…G_MAXUINT (an integral double too), else 0. */
guint       _luma_json_get_uint    (JsonObject *object,
                                    const char *member);

/* Serializes @node the way the service writes JSON: members in their order,
 * UTF-8 kept as is, doubles in their shortest exact form (1725077411.961,
 * not json-glib's 1725077411.9609999657). @indent < 0 means compact;
 * otherwise pretty-printed with two spaces, starting at level @indent.
 * The text always parses again: a string json-glib read from an escape
 * that is not UTF-8 (\355, a lone surrogate) gets U+FFFD in its place. */
void        _luma_json_append_node (GString    *out,
                                    JsonNode   *node,
                                    int         indent);
void        _luma_json_append_object (GString    *out,
                                      JsonObject *object,
                                      int         indent);
/* Pretty-prints JSON text as _luma_json_append_node() would, token by
 * token, without parsing it into a tree: numbers and strings stay exactly
 * as written. @json must be valid JSON. */
void        _luma_json_append_pretty_text (GString    *out,
                                           const char *json,
                                           int         indent);
char       *_luma_json_object_to_string (JsonObject *object);
/* Shortest text that reads back as exactly @value. */
void        _luma_json_append_double (GString  *out,
                                      double    value);
void        _luma_json_append_string (GString    *out,
                                      const char *str);

/* Where one element of an array lies in a JSON text. */
typedef struct
{
  gsize offset;
  gsize length;
} LumaJsonRange;

/* Finds the elements of the "items" array member of the top-level object
 * of @data without building a tree: appends each element's byte range
 * (whitespace trimmed) to @ranges, a GArray of LumaJsonRange. Made to slice
 * each record out of an answer json-glib already accepted; returns FALSE
 * (leaving @ranges empty) for text that is not an object holding an
 * "items" array, or that ends early. When "items" appears twice the last
 * one counts, as in json-glib. */
gboolean    _luma_json_scan_items (const char *data,
                                   gsize       size,
                                   GArray     *ranges);

G_END_DECLS
