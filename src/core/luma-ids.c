/* luma-ids.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-ids"

#include "config.h"

#include <string.h>

#include "luma-ids.h"

#define UUID_LENGTH 36

/* Byte classes: a table lookup per byte keeps the scan cheap. */
enum {
  CLASS_OTHER = 0,
  CLASS_HEX = 1,        /* 0-9 a-f A-F */
  CLASS_ALNUM = 2,      /* any ASCII letter or digit */
  CLASS_SPACE = 4,
};

static guint8 byte_class[256];
static guchar lower[256];

/* An open-addressing set of the IDs seen so far: one probe sequence per
 * ID, no second lookup to insert, the hash computed while lowercasing. */
typedef struct
{
  char   **slots;
  guint32 *hashes;
  gsize    mask;
  gsize    used;
} IdSet;

static void
id_set_init (IdSet *set)
{
  set->mask = 1023;
  set->used = 0;
  set->slots = g_new0 (char *, set->mask + 1);
  set->hashes = g_new (guint32, set->mask + 1);
}

static void
id_set_clear (IdSet *set)
{
  g_free (set->slots);
  g_free (set->hashes);
}

static void
id_set_grow (IdSet *set)
{
  gsize old_size = set->mask + 1;
  char **old_slots = set->slots;
  guint32 *old_hashes = set->hashes;

  set->mask = old_size * 2 - 1;
  set->slots = g_new0 (char *, set->mask + 1);
  set->hashes = g_new (guint32, set->mask + 1);

  for (gsize i = 0; i < old_size; i++)
    {
      gsize j;

      if (old_slots[i] == NULL)
        continue;
      for (j = old_hashes[i] & set->mask; set->slots[j] != NULL; j = (j + 1) & set->mask)
        ;
      set->slots[j] = old_slots[i];
      set->hashes[j] = old_hashes[i];
    }

  g_free (old_slots);
  g_free (old_hashes);
}

/* Adds the lowercase @id (36 bytes, not terminated); returns the new copy,
 * or NULL if it was there already. */
static char *
id_set_add (IdSet       *set,
            const char  *id,
            guint32      hash)
{
  gsize j;
  char *copy;

  for (j = hash & set->mask; set->slots[j] != NULL; j = (j + 1) & set->mask)
    {
      if (set->hashes[j] == hash && memcmp (set->slots[j], id, UUID_LENGTH) == 0)
        return NULL;
    }

  copy = g_malloc (UUID_LENGTH + 1);
  memcpy (copy, id, UUID_LENGTH);
  copy[UUID_LENGTH] = '\0';
  set->slots[j] = copy;
  set->hashes[j] = hash;

  if (++set->used * 2 > set->mask)
    id_set_grow (set);

  return copy;
}

static void
init_classes (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (guint c = 0; c < 256; c++)
        {
          guint8 cls = CLASS_OTHER;

          if (g_ascii_isxdigit (c))
            cls |= CLASS_HEX;
          if (g_ascii_isalnum (c))
            cls |= CLASS_ALNUM;
          if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f')
            cls |= CLASS_SPACE;
          byte_class[c] = cls;
          lower[c] = (guchar) g_ascii_tolower (c);
        }
      g_once_init_leave (&initialized, 1);
    }
}

static inline gboolean
is_hex_run (const guchar *p,
            guint         n)
{
  for (guint i = 0; i < n; i++)
    {
      if (!(byte_class[p[i]] & CLASS_HEX))
        return FALSE;
    }
  return TRUE;
}

/* Whether a UUID starts at @p (36 bytes are available). */
static inline gboolean
is_uuid_at (const guchar *p)
{
  return p[8] == '-' && p[13] == '-' && p[18] == '-' && p[23] == '-' &&
         is_hex_run (p, 8) && is_hex_run (p + 9, 4) && is_hex_run (p + 14, 4) &&
         is_hex_run (p + 19, 4) && is_hex_run (p + 24, 12);
}

/**
 * luma_ids_extract:
 *
 * A UUID counts only when it stands on its own: the bytes right before and
 * after it must not be ASCII letters or digits. So 33 hex digits in a row,
 * or a UUID glued to a word ("x50fc6182-…", "…f151abc"), are not IDs, while
 * punctuation, spaces, quotes, slashes, dots ("….mp4"), underscores,
 * hyphens and non-ASCII text around one are fine. The scan looks only at
 * the hyphens (memchr), so it runs at memory speed.
 */
char **
luma_ids_extract (const char    *text,
                  gssize         length,
                  LumaIdsReport *report)
{
  IdSet seen;
  GPtrArray *ids;
  const guchar *data = (const guchar *) text;
  const guchar *end;
  const guchar *line;
  guint n_duplicates = 0;
  guint n_lines_ignored = 0;

  init_classes ();

  if (text == NULL)
    length = 0;
  else if (length < 0)
    length = strlen (text);

  ids = g_ptr_array_new ();
  id_set_init (&seen);
  end = data + length;

  for (line = data; line < end; )
    {
      const guchar *eol = memchr (line, '\n', end - line);
      const guchar *p;
      gboolean blank = TRUE;
      gboolean found = FALSE;

      if (eol == NULL)
        eol = end;

      for (p = line; p < eol; )
        {
          const guchar *start;
          const guchar *dash = memchr (p, '-', eol - p);

          if (dash == NULL)
            break;

          /* The first hyphen of a UUID is its ninth byte. */
          start = dash - 8;
          if (dash - line >= 8 && eol - start >= UUID_LENGTH && is_uuid_at (start) &&
              (start == line || !(byte_class[start[-1]] & CLASS_ALNUM)) &&
              (start + UUID_LENGTH == eol || !(byte_class[start[UUID_LENGTH]] & CLASS_ALNUM)))
            {
              char id[UUID_LENGTH];
              guint32 hash = 2166136261u;
              char *copy;

              /* Lowercase and hash (FNV-1a) in one pass. */
              for (guint k = 0; k < UUID_LENGTH; k++)
                {
                  id[k] = (char) lower[start[k]];
                  hash = (hash ^ (guchar) id[k]) * 16777619u;
                }

              found = TRUE;
              copy = id_set_add (&seen, id, hash);
              if (copy != NULL)
                g_ptr_array_add (ids, copy);
              else
                n_duplicates++;
              p = start + UUID_LENGTH;
            }
          else
            p = dash + 1;
        }

      if (!found)
        {
          for (p = line; p < eol; p++)
            {
              if (!(byte_class[*p] & CLASS_SPACE))
                {
                  blank = FALSE;
                  break;
                }
            }
          if (!blank)
            n_lines_ignored++;
        }

      line = eol + 1;
    }

  id_set_clear (&seen);

  if (report != NULL)
    {
      report->n_found = ids->len;
      report->n_duplicates = n_duplicates;
      report->n_lines_ignored = n_lines_ignored;
    }

  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

gboolean
luma_ids_is_valid (const char *id)
{
  if (id == NULL || strlen (id) != UUID_LENGTH)
    return FALSE;

  for (guint i = 0; i < UUID_LENGTH; i++)
    {
      char c = id[i];

      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (c != '-')
            return FALSE;
        }
      else if (!g_ascii_isdigit (c) && !(c >= 'a' && c <= 'f'))
        return FALSE;
    }

  return TRUE;
}
