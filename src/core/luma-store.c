/* luma-store.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-store"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "luma-ids.h"
#include "luma-store.h"
#include "luma-task-private.h"

/* One migration a schema version: migrations[N] takes a database from
 * version N to N + 1. Each runs in a transaction with its user_version. */
static const char * const migrations[] = {
  /* 0 → 1 */
  "CREATE TABLE tasks ("
  "  id TEXT PRIMARY KEY NOT NULL,"
  "  position INTEGER NOT NULL,"
  "  added_at INTEGER NOT NULL,"
  "  not_found INTEGER NOT NULL DEFAULT 0,"
  "  record TEXT"
  ");"
  "CREATE INDEX tasks_order ON tasks (added_at, position);",
  /* 1 → 2: what each task shows, packed (luma-task.c, "Stored fields"),
   * so that loading needs no JSON parse. Rows of version 1 get it the
   * first time they are loaded. */
  "ALTER TABLE tasks ADD COLUMN fields BLOB;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == LUMA_STORE_SCHEMA_VERSION);

/* SQLite's own checkpoint runs inside the commit that crosses its
 * threshold and costs that save a disk sync; the worker checkpoints instead
 * once it has been idle a moment (new work interrupts it: what was copied
 * stays copied), or at once past a hard limit. */
#define CHECKPOINT_MIN_FRAMES   500     /* 16 MB of 32 KiB pages */
#define CHECKPOINT_FORCE_FRAMES 8192    /* 256 MB */
#define CHECKPOINT_IDLE_US      (1 * G_USEC_PER_SEC)

#define UPSERT_SQL \
  "INSERT INTO tasks (id, position, added_at, not_found, record, fields) " \
  "VALUES (?1, ?2, ?3, ?4, ?5, ?6) " \
  "ON CONFLICT (id) DO UPDATE SET not_found = excluded.not_found, record = excluded.record, " \
  "fields = excluded.fields"
/* A task saved before (every task of a poll round) needs only this; its
 * position and added_at stay as they were. */
#define UPDATE_SQL "UPDATE tasks SET not_found = ?4, record = ?5, fields = ?6 WHERE id = ?1"
#define REMOVE_SQL "DELETE FROM tasks WHERE id = ?1"
#define LOAD_SQL \
  "SELECT id, added_at, not_found, record, fields, position FROM tasks ORDER BY added_at, position"
#define SET_FIELDS_SQL "UPDATE tasks SET fields = ?2 WHERE id = ?1"

typedef enum
{
  JOB_OPEN,
  JOB_LOAD,
  JOB_OPEN_LOAD,
  JOB_SAVE,
  JOB_REMOVE,
  JOB_CLOSE,
  JOB_QUIT,
} JobKind;

/* What the worker needs of a task, taken on the caller's thread since
 * LumaTask is not thread-safe. The strings are the task's own GRefStrings,
 * one reference each (atomic, so the worker may drop them): 10,000 records
 * are 20,000 reference counts, not 10 MB copied on the main thread. */
typedef struct
{
  char       *id;
  char       *record;
  gsize       fields_offset;   /* in the job's fields buffer */
  int         fields_length;   /* -1: none */
  int         id_length;
  int         record_length;
  gint64      added_at;
  gboolean    not_found;
} TaskRow;

typedef struct
{
  JobKind       kind;

  LumaStore    *store;   /* unowned: the store outlives its jobs */
  TaskRow      *rows;
  GByteArray   *fields;  /* the rows' packed fields, one after another */
  guint         n_rows;
  /* A large save is queued in parts, written in one transaction: the
   * worker writes one part while the caller packs the next. */
  gboolean      save_first;
  gboolean      save_last;
  char        **ids;
  guint         n_ids;

  GError       *error;
  char         *moved_aside;
  GPtrArray    *tasks;

  /* A load that hands its tasks over in runs as it reads them. */
  LumaStoreLoadedFunc loaded_func;
  gpointer            loaded_data;

  /* Async jobs: returned (and freed) on the task's own context, so every
   * reference to the GTask, hence to the store, is dropped there. */
  GTask        *task;
  GMainContext *context;
  GCancellable *cancellable;

  /* Sync jobs: the caller waits, then frees. */
  gboolean      sync;
  GMutex        mutex;
  GCond         cond;
  gboolean      done;
} Job;

struct _LumaStore
{
  GObject       parent_instance;

  char         *path;
  GAsyncQueue  *queue;
  GThread      *thread;
  guint         n_transactions;  /* atomic */
  int           is_open;         /* atomic */

  /* Pushing work and interrupting an idle checkpoint go together. */
  GMutex        push_lock;
  gboolean      checkpointing;

  /* The fields buffers of the last save's parts, kept for the next one:
   * 10,000 tasks' fields in fresh memory cost more in page faults than
   * packing them. Under push_lock. */
  GPtrArray    *spare_fields;    /* GByteArray, for the next saves */
  /* Held while a save queues its parts, so no other work comes between. */
  GRecMutex     queue_lock;
  /* The worker's: why the save in progress failed, and when it began. */
  GError       *save_error;
  gint64        save_start;
  gint64        save_start_cpu;

  /* Worker thread only. */
  sqlite3      *db;
  sqlite3_stmt *upsert;
  sqlite3_stmt *update;
  sqlite3_stmt *remove;
  gint64        next_position;
  int           wal_frames;
};

G_DEFINE_TYPE (LumaStore, luma_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (luma-store-error-quark, luma_store_error)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static Job *
job_new (JobKind kind)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  g_mutex_init (&job->mutex);
  g_cond_init (&job->cond);

  return job;
}

/* A save's part: about a tenth of a poll round of 10,000 tasks, so the
 * worker starts writing early, and few enough parts to keep their buffers
 * for the next save. */
#define SAVE_PART_TASKS 1024
#define MAX_SPARE_BUFFERS 16
/* Kept for the next save unless enough are kept already, or it is large:
 * a history's worth of fields is not worth holding on to. */
#define MAX_SPARE_FIELDS (2 * 1024 * 1024)

static void
job_free (Job *job)
{
  if (job->fields != NULL && job->store != NULL && job->fields->len <= MAX_SPARE_FIELDS)
    {
      g_mutex_lock (&job->store->push_lock);
      if (job->store->spare_fields->len < MAX_SPARE_BUFFERS)
        g_ptr_array_add (job->store->spare_fields, g_steal_pointer (&job->fields));
      g_mutex_unlock (&job->store->push_lock);
    }
  g_clear_pointer (&job->fields, g_byte_array_unref);

  for (guint i = 0; i < job->n_rows; i++)
    {
      g_ref_string_release (job->rows[i].id);
      if (job->rows[i].record != NULL)
        g_ref_string_release (job->rows[i].record);
    }
  g_free (job->rows);
  g_strfreev (job->ids);
  g_clear_error (&job->error);
  g_free (job->moved_aside);
  g_clear_pointer (&job->tasks, g_ptr_array_unref);
  g_clear_object (&job->task);
  g_clear_object (&job->cancellable);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_mutex_clear (&job->mutex);
  g_cond_clear (&job->cond);
  g_free (job);
}

static void
set_sqlite_error (GError     **error,
                  sqlite3     *db,
                  int          rc,
                  const char  *what)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  /* Translators: the first %s says what failed, the second is SQLite's reason. */
  g_set_error (error, LUMA_STORE_ERROR, LUMA_STORE_ERROR_FAILED,
               _("%s: %s."), what, detail);
}

static gboolean
rc_means_broken (int rc)
{
  int primary = rc & 0xff;

  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

static int
exec_sql (sqlite3    *db,
          const char *sql)
{
  return sqlite3_exec (db, sql, NULL, NULL, NULL);
}

/* Runs a statement that returns one value; @out_text and @out_int may be NULL. */
static int
query_one (sqlite3     *db,
           const char  *sql,
           char       **out_text,
           gint64      *out_int)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return rc;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (out_text != NULL)
        *out_text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      if (out_int != NULL)
        *out_int = sqlite3_column_int64 (stmt, 0);
      rc = SQLITE_OK;
    }
  else if (rc == SQLITE_DONE)
    {
      rc = SQLITE_OK;
    }

  sqlite3_finalize (stmt);

  return rc;
}

/* PRAGMA quick_check answers one row "ok", or one row per problem. */
static int
quick_check (sqlite3  *db,
             gboolean *ok)
{
  sqlite3_stmt *stmt = NULL;
  guint n_rows = 0;
  gboolean saw_ok = FALSE;
  int rc;

  *ok = FALSE;

  rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (stmt, 0);

      n_rows++;
      if (g_strcmp0 (text, "ok") == 0)
        saw_ok = TRUE;
      else
        g_message ("Integrity check of the task history: %s", text);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return rc;

  *ok = saw_ok && n_rows == 1;

  return SQLITE_OK;
}

static void
store_close_db (LumaStore *self)
{
  g_clear_pointer (&self->upsert, sqlite3_finalize);
  g_clear_pointer (&self->update, sqlite3_finalize);
  g_clear_pointer (&self->remove, sqlite3_finalize);
  if (self->db != NULL)
    {
      /* The last connection to close checkpoints the WAL and removes it. */
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  self->wal_frames = 0;
  g_atomic_int_set (&self->is_open, FALSE);
}

static int
wal_hook_cb (void       *user_data,
             sqlite3    *db,
             const char *db_name,
             int         n_frames)
{
  LumaStore *self = user_data;

  self->wal_frames = n_frames;

  return SQLITE_OK;
}

/* @interruptible: stops as soon as work is queued. */
static void
store_checkpoint (LumaStore *self,
                  gboolean   interruptible)
{
  int n_log = 0;
  int n_done = 0;
  int rc;

  if (self->db == NULL)
    return;

  if (interruptible)
    {
      g_mutex_lock (&self->push_lock);
      self->checkpointing = g_async_queue_length (self->queue) <= 0;
      g_mutex_unlock (&self->push_lock);

      if (!self->checkpointing)
        return;
    }

  rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &n_log, &n_done);

  if (interruptible)
    {
      g_mutex_lock (&self->push_lock);
      self->checkpointing = FALSE;
      g_mutex_unlock (&self->push_lock);
    }

  if (rc == SQLITE_INTERRUPT)
    {
      g_debug ("Checkpoint interrupted by new work");
      return;
    }

  if (rc != SQLITE_OK)
    g_message ("Could not checkpoint the task history: %s", sqlite3_errmsg (self->db));
  else
    g_debug ("Checkpointed %d of %d WAL frames", n_done, n_log);

  self->wal_frames = 0;
}

static gboolean
store_migrate (LumaStore *self,
               gint64     version,
               gboolean  *broken,
               GError   **error)
{
  for (gint64 v = version; v < LUMA_STORE_SCHEMA_VERSION; v++)
    {
      g_autofree char *set_version = NULL;
      int rc;

      rc = exec_sql (self->db, "BEGIN IMMEDIATE");
      if (rc == SQLITE_OK)
        rc = exec_sql (self->db, migrations[v]);
      if (rc == SQLITE_OK)
        {
          set_version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, v + 1);
          rc = exec_sql (self->db, set_version);
        }
      if (rc == SQLITE_OK)
        rc = exec_sql (self->db, "COMMIT");

      if (rc != SQLITE_OK)
        {
          g_autofree char *what = NULL;

          *broken = rc_means_broken (rc);
          what = g_strdup_printf (_("Could not update the task history to version %d"),
                                  (int) (v + 1));
          set_sqlite_error (error, self->db, rc, what);
          exec_sql (self->db, "ROLLBACK");
          return FALSE;
        }

      g_atomic_int_inc (&self->n_transactions);
    }

  return TRUE;
}

/* Opens, checks and migrates self->path. On failure @broken says whether
 * the file itself is damaged (then it is worth moving aside). Without
 * @check, the file is not read through first: the caller reads every row
 * at once, which finds the same damage for the price of one pass. */
static gboolean
store_try_open (LumaStore *self,
                gboolean   check,
                gboolean  *broken,
                GError   **error)
{
  g_autofree char *journal_mode = NULL;
  gint64 version = 0;
  gboolean ok = FALSE;
  int rc;

  *broken = FALSE;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    goto failed;

  sqlite3_extended_result_codes (self->db, TRUE);
  /* Another process (the CLI) may hold the lock for a moment. */
  sqlite3_busy_timeout (self->db, 5000);

  /* A new database gets 32 KiB pages: a poll round rewrites thousands of
   * records of a kilobyte or two that grow as tasks finish, and with
   * bigger pages fewer of them split (a save of 10,000 finishing tasks
   * took 92 ms with 32 KiB, 100–110 with 16 KiB, 130–190 with 4 KiB
   * pages). No effect on an existing database. */
  rc = exec_sql (self->db, "PRAGMA page_size = 32768");
  if (rc != SQLITE_OK)
    goto failed;

  /* The first read of the file: a file that is not a database fails here. */
  rc = query_one (self->db, "PRAGMA journal_mode = WAL", &journal_mode, NULL);
  if (rc != SQLITE_OK)
    goto failed;
  if (g_ascii_strcasecmp (journal_mode, "wal") != 0)
    g_message ("The task history at %s stays in journal mode %s", self->path, journal_mode);

  /* In WAL mode NORMAL loses no committed transaction when the process
   * dies; only a power cut may take the last few back. A cache that holds
   * a 10,000-task save keeps its pages from spilling mid-transaction. */
  rc = exec_sql (self->db,
                 "PRAGMA synchronous = NORMAL;"
                 "PRAGMA cache_size = -32768;"
                 "PRAGMA wal_autocheckpoint = 0;"
                 "PRAGMA journal_size_limit = 67108864;"
                 "PRAGMA mmap_size = 268435456;");
  if (rc != SQLITE_OK)
    goto failed;
  sqlite3_wal_hook (self->db, wal_hook_cb, self);

  ok = TRUE;
  if (check)
    rc = quick_check (self->db, &ok);
  if (rc != SQLITE_OK)
    goto failed;
  if (!ok)
    {
      *broken = TRUE;
      g_set_error (error, LUMA_STORE_ERROR, LUMA_STORE_ERROR_FAILED,
                   _("The task history at “%s” is damaged."), self->path);
      store_close_db (self);
      return FALSE;
    }

  rc = query_one (self->db, "PRAGMA user_version", NULL, &version);
  if (rc != SQLITE_OK)
    goto failed;

  if (version > LUMA_STORE_SCHEMA_VERSION || version < 0)
    {
      g_set_error (error, LUMA_STORE_ERROR, LUMA_STORE_ERROR_NEWER_SCHEMA,
                   _("The task history at “%s” was written by a newer version of Luma Tasks "
                     "(schema %d; this version knows up to %d). It was left untouched: "
                     "update Luma Tasks to open it."),
                   self->path, (int) version, LUMA_STORE_SCHEMA_VERSION);
      store_close_db (self);
      return FALSE;
    }

  if (!store_migrate (self, version, broken, error))
    {
      store_close_db (self);
      return FALSE;
    }

  rc = sqlite3_prepare_v3 (self->db, UPSERT_SQL, -1, SQLITE_PREPARE_PERSISTENT,
                           &self->upsert, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->db, UPDATE_SQL, -1, SQLITE_PREPARE_PERSISTENT,
                             &self->update, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->db, REMOVE_SQL, -1, SQLITE_PREPARE_PERSISTENT,
                             &self->remove, NULL);
  if (rc != SQLITE_OK)
    goto failed;

  /* Found by the first load or save: a scan of every row. */
  self->next_position = 0;

  g_atomic_int_set (&self->is_open, TRUE);

  return TRUE;

failed:
  *broken = rc_means_broken (rc);
  set_sqlite_error (error, self->db, rc, _("Could not open the task history"));
  store_close_db (self);

  return FALSE;
}

static gboolean
rename_if_exists (const char  *from,
                  const char  *to,
                  GError     **error)
{
  if (g_rename (from, to) == 0 || errno == ENOENT)
    return TRUE;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
               _("Could not move the damaged task history aside: %s."),
               g_strerror (errno));

  return FALSE;
}

/* Renames the database and its companions to "<path>.broken-<time>". */
static gboolean
store_move_aside (LumaStore  *self,
                  char      **moved_aside,
                  GError    **error)
{
  static const char * const companions[] = { "-wal", "-shm", "-journal" };
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *target = NULL;

  for (guint n = 1; target == NULL; n++)
    {
      g_autofree char *candidate = NULL;

      if (n == 1)
        candidate = g_strdup_printf ("%s.broken-%s", self->path, stamp);
      else
        candidate = g_strdup_printf ("%s.broken-%s-%u", self->path, stamp, n);

      if (!g_file_test (candidate, G_FILE_TEST_EXISTS))
        target = g_steal_pointer (&candidate);
    }

  if (!rename_if_exists (self->path, target, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (companions); i++)
    {
      g_autofree char *from = g_strconcat (self->path, companions[i], NULL);
      g_autofree char *to = g_strconcat (target, companions[i], NULL);

      if (!rename_if_exists (from, to, error))
        return FALSE;
    }

  g_message ("The damaged task history was moved to %s", target);

  if (moved_aside != NULL)
    *moved_aside = g_steal_pointer (&target);

  return TRUE;
}

/* A file that does not start like a database. Checked before SQLite sees
 * it: SQLite would delete a WAL beside such a file, and the WAL may hold
 * what is left of the tasks. An empty file is a new database. */
static gboolean
header_is_broken (const char *path)
{
  static const char magic[16] = "SQLite format 3";
  char header[sizeof magic];
  gsize n_read = 0;
  FILE *file;

  file = g_fopen (path, "rb");
  if (file == NULL)
    return FALSE;

  n_read = fread (header, 1, sizeof header, file);
  fclose (file);

  return n_read > 0 && (n_read < sizeof header || memcmp (header, magic, sizeof magic) != 0);
}

static gboolean
store_open (LumaStore  *self,
            gboolean    check,
            char      **moved_aside,
            GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = NULL;
  gboolean broken = FALSE;

  if (self->db != NULL)
    return TRUE;

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder “%s”: %s."),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  if (header_is_broken (self->path))
    {
      broken = TRUE;
      g_set_error (&local_error, LUMA_STORE_ERROR, LUMA_STORE_ERROR_FAILED,
                   _("The task history at “%s” is not a database."), self->path);
    }
  else if (store_try_open (self, check, &broken, &local_error))
    {
      return TRUE;
    }

  if (!broken)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_message ("%s", local_error->message);

  if (!store_move_aside (self, moved_aside, error))
    return FALSE;

  return store_try_open (self, check, &broken, error);
}

static GPtrArray *store_load (LumaStore  *self,
                              Job        *job,
                              gboolean   *broken,
                              GError    **error);

/* Opens and reads every task in one pass; a file found damaged on the way
 * is moved aside like one that fails to open, and a fresh one started. */
static GPtrArray *
store_open_load (LumaStore  *self,
                 Job        *job,
                 char      **moved_aside,
                 GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  GPtrArray *tasks;
  gboolean broken = FALSE;

  if (!store_open (self, FALSE, moved_aside, error))
    return NULL;

  tasks = store_load (self, job, &broken, &local_error);
  if (tasks != NULL)
    return tasks;

  if (!broken || *moved_aside != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  g_message ("%s", local_error->message);
  store_close_db (self);

  if (!store_move_aside (self, moved_aside, error) ||
      !store_try_open (self, FALSE, &broken, error))
    return NULL;

  return g_ptr_array_new_with_free_func (g_object_unref);
}

/* Between the parts of a save, say. */
static gboolean
store_in_transaction (LumaStore *self)
{
  return self->db != NULL && !sqlite3_get_autocommit (self->db);
}

static gboolean
store_require_open (LumaStore  *self,
                    GError    **error)
{
  if (self->db != NULL)
    return TRUE;

  g_set_error_literal (error, LUMA_STORE_ERROR, LUMA_STORE_ERROR_NOT_OPEN,
                       _("The task history is not open."));

  return FALSE;
}

/* Rows of an older schema, or with packed fields this build cannot read,
 * and the packing of the tasks just parsed from them. It is taken while the
 * worker still owns the task: a run handed over belongs to the caller. */
typedef struct
{
  GByteArray *fields;   /* every row's packing, one after another */
  GArray     *rows;     /* MissingRow */
} Missing;

typedef struct
{
  char  *id;
  gsize  offset;
  guint  length;
} MissingRow;

static void
missing_row_clear (MissingRow *row)
{
  g_free (row->id);
}

static void
missing_init (Missing *missing)
{
  missing->fields = g_byte_array_new ();
  missing->rows = g_array_new (FALSE, FALSE, sizeof (MissingRow));
  g_array_set_clear_func (missing->rows, (GDestroyNotify) missing_row_clear);
}

static void
missing_clear (Missing *missing)
{
  g_clear_pointer (&missing->fields, g_byte_array_unref);
  g_clear_pointer (&missing->rows, g_array_unref);
}

static void
missing_add (Missing  *missing,
             LumaTask *task)
{
  MissingRow row;

  row.id = g_strdup (luma_task_get_id (task));
  row.offset = missing->fields->len;
  _luma_task_append_fields (task, missing->fields);
  row.length = missing->fields->len - row.offset;
  g_array_append_val (missing->rows, row);
}

/* Gives the missing rows their packing: the next start reads them without
 * a parse. A failure costs only that speed. */
static void
store_pack_missing_fields (LumaStore     *self,
                           const Missing *missing)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (missing->rows->len == 0)
    return;

  rc = sqlite3_prepare_v2 (self->db, SET_FIELDS_SQL, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = exec_sql (self->db, "BEGIN IMMEDIATE");

  for (guint i = 0; rc == SQLITE_OK && i < missing->rows->len; i++)
    {
      const MissingRow *row = &g_array_index (missing->rows, MissingRow, i);

      sqlite3_bind_text (stmt, 1, row->id, -1, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 2, missing->fields->data + row->offset, (int) row->length, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }

  sqlite3_finalize (stmt);

  if (rc == SQLITE_OK)
    rc = exec_sql (self->db, "COMMIT");

  if (rc != SQLITE_OK)
    {
      g_message ("Could not store the fields of %u tasks: %s", missing->rows->len, sqlite3_errmsg (self->db));
      exec_sql (self->db, "ROLLBACK");
      return;
    }

  g_atomic_int_inc (&self->n_transactions);
  g_debug ("Stored the fields of %u tasks", missing->rows->len);
}

/* Runs of a progressive load: the first is about a window's worth, so it
 * shows at once; they grow from there, and stay short enough to append
 * without stalling the caller's main loop. */
#define FIRST_RUN_TASKS 256
#define MAX_RUN_TASKS 8192

/* Runs @func on @context. Everything the worker hands back goes this way,
 * at one priority, so it arrives in the order it was sent: a load's runs
 * before its return, every job's return in the order the jobs ran. */
static void
hand_back (GMainContext   *context,
           GSourceFunc     func,
           gpointer        data,
           GDestroyNotify  destroy,
           const char     *name)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, name);
  g_source_attach (source, context);
  g_source_unref (source);
}

typedef struct
{
  LumaStoreLoadedFunc  func;
  gpointer             data;
  GPtrArray           *tasks;
} Run;

static void
run_free (Run *run)
{
  g_ptr_array_unref (run->tasks);
  g_free (run);
}

static gboolean
run_deliver_cb (gpointer user_data)
{
  Run *run = user_data;

  run->func (run->tasks, run->data);

  return G_SOURCE_REMOVE;
}

/* Hands @tasks over on the job's context, before the job's return. */
static void
job_hand_over (Job       *job,
               GPtrArray *tasks)
{
  Run *run = g_new0 (Run, 1);

  run->func = job->loaded_func;
  run->data = job->loaded_data;
  run->tasks = tasks;

  hand_back (job->context, run_deliver_cb, run, (GDestroyNotify) run_free, "[luma-store] loaded");
}

/* @broken (may be NULL): whether a failure came from a damaged file.
 * Returns the tasks not handed over in runs (all of them for a job
 * without a loaded_func). */
static GPtrArray *
store_load (LumaStore  *self,
            Job        *job,
            gboolean   *broken,
            GError    **error)
{
  g_autoptr(GPtrArray) tasks = NULL;
  Missing missing;
  sqlite3_stmt *stmt = NULL;
  gint64 max_position;
  guint run_size = FIRST_RUN_TASKS;
  int rc;

  if (broken != NULL)
    *broken = FALSE;

  if (!store_require_open (self, error))
    return NULL;

  rc = sqlite3_prepare_v2 (self->db, LOAD_SQL, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      if (broken != NULL)
        *broken = rc_means_broken (rc);
      set_sqlite_error (error, self->db, rc, _("Could not read the task history"));
      return NULL;
    }

  tasks = g_ptr_array_new_with_free_func (g_object_unref);
  missing_init (&missing);
  max_position = 0;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      gint64 added_at = sqlite3_column_int64 (stmt, 1);
      gboolean not_found = sqlite3_column_int (stmt, 2) != 0;
      const char *record = (const char *) sqlite3_column_text (stmt, 3);
      gsize record_len = sqlite3_column_bytes (stmt, 3);
      const guint8 *fields = sqlite3_column_blob (stmt, 4);
      gsize fields_len = sqlite3_column_bytes (stmt, 4);
      LumaTask *task = NULL;

      max_position = MAX (max_position, sqlite3_column_int64 (stmt, 5));

      /* Only task IDs are ever written; a row with anything else (an empty
       * ID would trip luma_task_new_from_json()'s check) is skipped. */
      if (id == NULL || !luma_ids_is_valid (id))
        {
          g_debug ("Skipping a stored row without a valid task ID");
          continue;
        }

      if (record != NULL && fields != NULL)
        task = _luma_task_new_from_stored (id, added_at, record, record_len, not_found,
                                           fields, fields_len);

      if (task == NULL)
        {
          task = luma_task_new_from_json (id, added_at, record, not_found);
          if (task != NULL && luma_task_get_record_json (task) != NULL)
            missing_add (&missing, task);
        }

      if (task == NULL)
        continue;

      g_ptr_array_add (tasks, task);

      if (job != NULL && job->loaded_func != NULL && tasks->len >= run_size)
        {
          job_hand_over (job, g_steal_pointer (&tasks));
          tasks = g_ptr_array_new_with_free_func (g_object_unref);
          run_size = MIN (run_size * 2, MAX_RUN_TASKS);
        }
    }

  if (rc != SQLITE_DONE)
    {
      if (broken != NULL)
        *broken = rc_means_broken (rc);
      set_sqlite_error (error, self->db, rc, _("Could not read the task history"));
      sqlite3_finalize (stmt);
      missing_clear (&missing);
      return NULL;
    }

  sqlite3_finalize (stmt);
  self->next_position = MAX (self->next_position, max_position + 1);
  store_pack_missing_fields (self, &missing);
  missing_clear (&missing);

  return g_steal_pointer (&tasks);
}

static gboolean
store_commit (LumaStore   *self,
              const char  *what,
              GError     **error)
{
  int rc = exec_sql (self->db, "COMMIT");

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc, what);
      exec_sql (self->db, "ROLLBACK");
      return FALSE;
    }

  g_atomic_int_inc (&self->n_transactions);

  return TRUE;
}

/* Microseconds of CPU this thread used: save timings without the other
 * processes' share. */
static gint64
thread_cpu_time (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;

  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* Ends the save in progress (@self->save_error, if any, was rolled back). */
static void
store_save_failed (LumaStore  *self,
                   int         rc,
                   const char *what)
{
  set_sqlite_error (&self->save_error, self->db, rc, what);
  exec_sql (self->db, "ROLLBACK");
}

/* One part of a save (the whole of a small one): the first begins the
 * transaction, the last commits it and reports how the save went. */
static gboolean
store_save (LumaStore  *self,
            Job        *job,
            GError    **error)
{
  const char *what = _("Could not save the task history");
  TaskRow *rows = job->rows;
  gint64 written;
  int rc;

  if (job->save_first)
    {
      g_clear_error (&self->save_error);
      self->save_start = g_get_monotonic_time ();
      self->save_start_cpu = thread_cpu_time ();

      if (!store_require_open (self, &self->save_error))
        ;
      else if (job->save_last && job->n_rows == 0)
        ;
      else if ((rc = exec_sql (self->db, "BEGIN IMMEDIATE")) != SQLITE_OK)
        store_save_failed (self, rc, what);
      /* Positions only grow: a new row goes after every row there is. */
      else if (self->next_position == 0 &&
               (rc = query_one (self->db, "SELECT coalesce (max (position), 0) + 1 FROM tasks",
                                NULL, &self->next_position)) != SQLITE_OK)
        store_save_failed (self, rc, what);
    }

  /* Most saves update tasks saved before (a poll round, a fetch): an
   * UPDATE does that with less work than the upsert, which is left for the
   * tasks it finds no row for. */
  for (guint i = 0, inserting = FALSE; self->save_error == NULL && i < job->n_rows; i++)
    {
      sqlite3_stmt *stmt = inserting ? self->upsert : self->update;

      sqlite3_bind_text (stmt, 1, rows[i].id, rows[i].id_length, SQLITE_STATIC);
      if (inserting)
        {
          sqlite3_bind_int64 (stmt, 2, self->next_position++);
          sqlite3_bind_int64 (stmt, 3, rows[i].added_at);
        }
      sqlite3_bind_int (stmt, 4, rows[i].not_found ? 1 : 0);
      if (rows[i].record != NULL)
        sqlite3_bind_text (stmt, 5, rows[i].record, rows[i].record_length, SQLITE_STATIC);
      else
        sqlite3_bind_null (stmt, 5);
      if (rows[i].fields_length >= 0)
        sqlite3_bind_blob (stmt, 6, job->fields->data + rows[i].fields_offset,
                           rows[i].fields_length, SQLITE_STATIC);
      else
        sqlite3_bind_null (stmt, 6);

      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);

      if (rc == SQLITE_DONE && !inserting && sqlite3_changes (self->db) == 0)
        {
          inserting = TRUE;
          i--;
          continue;
        }
      inserting = FALSE;

      if (rc != SQLITE_DONE)
        store_save_failed (self, rc, what);
    }

  if (!job->save_last)
    return self->save_error == NULL;

  written = g_get_monotonic_time ();
  if (self->save_error == NULL && !(job->save_first && job->n_rows == 0))
    store_commit (self, what, &self->save_error);

  if (self->save_error == NULL)
    g_debug ("Saved tasks in %.1f ms (commit %.1f ms, CPU %.1f ms)",
             (g_get_monotonic_time () - self->save_start) / 1000.0,
             (g_get_monotonic_time () - written) / 1000.0,
             (thread_cpu_time () - self->save_start_cpu) / 1000.0);
  self->save_start = 0;

  if (self->save_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->save_error));
      return FALSE;
    }

  return TRUE;
}

static gboolean
store_remove (LumaStore  *self,
              char      **ids,
              guint       n_ids,
              GError    **error)
{
  const char *what = _("Could not remove tasks from the task history");
  int rc;

  if (!store_require_open (self, error))
    return FALSE;

  if (n_ids == 0)
    return TRUE;

  rc = exec_sql (self->db, "BEGIN IMMEDIATE");
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc, what);
      return FALSE;
    }

  for (guint i = 0; i < n_ids; i++)
    {
      sqlite3_bind_text (self->remove, 1, ids[i], -1, SQLITE_STATIC);
      rc = sqlite3_step (self->remove);
      sqlite3_reset (self->remove);

      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, self->db, rc, what);
          sqlite3_clear_bindings (self->remove);
          exec_sql (self->db, "ROLLBACK");
          return FALSE;
        }
    }

  sqlite3_clear_bindings (self->remove);

  return store_commit (self, what, error);
}

static void
job_run (LumaStore *self,
         Job       *job)
{
  /* The connection belongs to this one thread. */
  g_assert (g_thread_self () == self->thread);

  /* A save, once queued, runs: its parts share one transaction. */
  if (job->kind != JOB_SAVE && job->cancellable != NULL &&
      g_cancellable_set_error_if_cancelled (job->cancellable, &job->error))
    return;

  switch (job->kind)
    {
    case JOB_OPEN:
      store_open (self, TRUE, &job->moved_aside, &job->error);
      break;

    case JOB_LOAD:
      job->tasks = store_load (self, job, NULL, &job->error);
      break;

    case JOB_OPEN_LOAD:
      job->tasks = store_open_load (self, job, &job->moved_aside, &job->error);
      break;

    case JOB_SAVE:
      store_save (self, job, &job->error);
      break;

    case JOB_REMOVE:
      store_remove (self, job->ids, job->n_ids, &job->error);
      break;

    case JOB_CLOSE:
    case JOB_QUIT:
      store_close_db (self);
      break;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
job_return_cb (gpointer data)
{
  Job *job = data;
  GTask *task = job->task;

  if (job->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&job->error));
    }
  else
    {
      switch (job->kind)
        {
        case JOB_OPEN:
          g_task_return_pointer (task, g_steal_pointer (&job->moved_aside), g_free);
          break;

        case JOB_LOAD:
          g_task_return_pointer (task, g_steal_pointer (&job->tasks),
                                 (GDestroyNotify) g_ptr_array_unref);
          break;

        case JOB_OPEN_LOAD:
          g_task_set_task_data (task, g_steal_pointer (&job->moved_aside), g_free);
          g_task_return_pointer (task, g_steal_pointer (&job->tasks),
                                 (GDestroyNotify) g_ptr_array_unref);
          break;

        case JOB_SAVE:
        case JOB_REMOVE:
          g_task_return_boolean (task, TRUE);
          break;

        case JOB_CLOSE:
        case JOB_QUIT:
        default:
          g_assert_not_reached ();
        }
    }

  job_free (job);

  return G_SOURCE_REMOVE;
}

/* Hands the finished job back: the worker must not touch it afterwards. */
static void
job_complete (Job *job)
{
  if (job->sync)
    {
      g_mutex_lock (&job->mutex);
      job->done = TRUE;
      g_cond_signal (&job->cond);
      g_mutex_unlock (&job->mutex);
    }
  else if (job->task != NULL)
    {
      hand_back (job->context, job_return_cb, job, NULL, "[luma-store] return");
    }
  else
    {
      job_free (job);
    }
}

static gpointer
worker_main (gpointer data)
{
  LumaStore *self = data;
  gboolean quit = FALSE;

  while (!quit)
    {
      Job *job;

      /* Not between the parts of a save: its transaction is open. */
      if (self->wal_frames >= CHECKPOINT_MIN_FRAMES && !store_in_transaction (self))
        {
          job = g_async_queue_timeout_pop (self->queue, CHECKPOINT_IDLE_US);
          if (job == NULL)
            {
              store_checkpoint (self, TRUE);
              continue;
            }
        }
      else
        {
          job = g_async_queue_pop (self->queue);
        }

      quit = job->kind == JOB_QUIT;
      job_run (self, job);
      job_complete (job);

      if (self->wal_frames >= CHECKPOINT_FORCE_FRAMES && !store_in_transaction (self))
        store_checkpoint (self, FALSE);
    }

  return NULL;
}

static void
push_job (LumaStore *self,
          Job       *job)
{
  g_rec_mutex_lock (&self->queue_lock);
  g_mutex_lock (&self->push_lock);
  g_async_queue_push (self->queue, job);
  /* Thread-safe by design; the connection stays open while checkpointing. */
  if (self->checkpointing)
    sqlite3_interrupt (self->db);
  g_mutex_unlock (&self->push_lock);
  g_rec_mutex_unlock (&self->queue_lock);
}

static void
queue_async (LumaStore           *self,
             Job                 *job,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, source_tag);
  g_task_set_name (job->task, "[luma-store]");
  job->context = g_main_context_ref (g_task_get_context (job->task));
  g_set_object (&job->cancellable, cancellable);

  /* A save or removal that ran is reported as done even if cancelled late. */
  if (job->kind == JOB_SAVE || job->kind == JOB_REMOVE)
    g_task_set_check_cancellable (job->task, FALSE);

  push_job (self, job);
}

/* Queues @job and waits for it; the caller frees it. */
static void
run_sync (LumaStore *self,
          Job       *job)
{
  job->sync = TRUE;

  g_mutex_lock (&job->mutex);
  push_job (self, job);
  while (!job->done)
    g_cond_wait (&job->cond, &job->mutex);
  g_mutex_unlock (&job->mutex);
}

static Job *
save_job_new (LumaStore        *self,
              LumaTask * const *tasks,
              guint             n_tasks)
{
  Job *job = job_new (JOB_SAVE);

  job->store = self;
  job->rows = g_new (TaskRow, n_tasks);
  job->n_rows = n_tasks;

  g_mutex_lock (&self->push_lock);
  if (self->spare_fields->len > 0)
    job->fields = g_ptr_array_steal_index_fast (self->spare_fields, self->spare_fields->len - 1);
  g_mutex_unlock (&self->push_lock);
  if (job->fields == NULL)
    job->fields = g_byte_array_sized_new (MIN (n_tasks, 100000u) * 384);
  g_byte_array_set_size (job->fields, 0);

  for (guint i = 0; i < n_tasks; i++)
    {
      LumaTask *task = tasks[i];
      TaskRow *row = &job->rows[i];
      const char *record = luma_task_get_record_json (task);

      row->id = g_ref_string_acquire ((char *) luma_task_get_id (task));
      row->id_length = (int) g_ref_string_length (row->id);
      row->record = record != NULL ? g_ref_string_acquire ((char *) record) : NULL;
      row->record_length = record != NULL ? (int) g_ref_string_length (row->record) : 0;
      row->added_at = luma_task_get_added_at (task);
      row->not_found = luma_task_get_state (task) == LUMA_TASK_STATE_NOT_FOUND;
      /* A few hundred bytes each, one buffer for all. */
      row->fields_offset = job->fields->len;
      row->fields_length = _luma_task_append_fields (task, job->fields)
                           ? (int) (job->fields->len - row->fields_offset) : -1;
    }

  return job;
}

/* Queues a save of @tasks in parts, with queue_lock held so that nothing
 * comes between them, and returns the last part, for the caller to queue
 * (async or sync) before it unlocks queue_lock. The worker writes each
 * part while the next is packed here. */
static Job *
save_parts_queue (LumaStore        *self,
                  LumaTask * const *tasks,
                  guint             n_tasks)
{
  guint done = 0;

  g_rec_mutex_lock (&self->queue_lock);

  while (n_tasks - done > SAVE_PART_TASKS)
    {
      Job *part = save_job_new (self, tasks + done, SAVE_PART_TASKS);

      part->save_first = done == 0;
      push_job (self, part);
      done += SAVE_PART_TASKS;
    }

  {
    Job *last = save_job_new (self, tasks + done, n_tasks - done);

    last->save_first = done == 0;
    last->save_last = TRUE;

    return last;
  }
}

static Job *
remove_job_new (const char * const *ids,
                guint               n_ids)
{
  Job *job = job_new (JOB_REMOVE);

  job->ids = g_new0 (char *, n_ids + 1);
  job->n_ids = n_ids;
  for (guint i = 0; i < n_ids; i++)
    job->ids[i] = g_strdup (ids[i]);

  return job;
}

static void
luma_store_finalize (GObject *object)
{
  LumaStore *self = (LumaStore *)object;

  push_job (self, job_new (JOB_QUIT));
  g_thread_join (self->thread);

  g_async_queue_unref (self->queue);
  g_clear_pointer (&self->spare_fields, g_ptr_array_unref);
  g_clear_error (&self->save_error);
  g_mutex_clear (&self->push_lock);
  g_rec_mutex_clear (&self->queue_lock);
  g_free (self->path);

  G_OBJECT_CLASS (luma_store_parent_class)->finalize (object);
}

static void
luma_store_constructed (GObject *object)
{
  LumaStore *self = (LumaStore *)object;

  G_OBJECT_CLASS (luma_store_parent_class)->constructed (object);

  if (self->path == NULL)
    self->path = g_build_filename (g_get_user_data_dir (), "luma-tasks", "tasks.db", NULL);

  self->thread = g_thread_new ("luma-store", worker_main, self);
}

static void
luma_store_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  LumaStore *self = LUMA_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_store_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  LumaStore *self = LUMA_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_store_class_init (LumaStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = luma_store_constructed;
  object_class->finalize = luma_store_finalize;
  object_class->get_property = luma_store_get_property;
  object_class->set_property = luma_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
luma_store_init (LumaStore *self)
{
  self->queue = g_async_queue_new ();
  g_mutex_init (&self->push_lock);
  g_rec_mutex_init (&self->queue_lock);
  self->spare_fields = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  self->next_position = 1;
}

LumaStore *
luma_store_new (const char *path)
{
  return g_object_new (LUMA_TYPE_STORE, "path", path, NULL);
}

const char *
luma_store_get_path (LumaStore *self)
{
  g_return_val_if_fail (LUMA_IS_STORE (self), NULL);

  return self->path;
}

gboolean
luma_store_get_is_open (LumaStore *self)
{
  g_return_val_if_fail (LUMA_IS_STORE (self), FALSE);

  return g_atomic_int_get (&self->is_open);
}

guint
luma_store_get_n_transactions (LumaStore *self)
{
  g_return_val_if_fail (LUMA_IS_STORE (self), 0);

  return g_atomic_int_get (&self->n_transactions);
}

void
luma_store_open_async (LumaStore           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (LUMA_IS_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  queue_async (self, job_new (JOB_OPEN), luma_store_open_async,
               cancellable, callback, user_data);
}

gboolean
luma_store_open_finish (LumaStore     *self,
                        GAsyncResult  *result,
                        char         **moved_aside,
                        GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (LUMA_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == luma_store_open_async, FALSE);

  path = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (moved_aside != NULL)
    *moved_aside = g_steal_pointer (&path);

  return TRUE;
}

void
luma_store_load_async (LumaStore           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (LUMA_IS_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  queue_async (self, job_new (JOB_LOAD), luma_store_load_async,
               cancellable, callback, user_data);
}

GPtrArray *
luma_store_load_finish (LumaStore     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (LUMA_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == luma_store_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
luma_store_open_load_async (LumaStore           *self,
                            LumaStoreLoadedFunc  loaded_func,
                            gpointer             loaded_data,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  Job *job;

  g_return_if_fail (LUMA_IS_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  job = job_new (JOB_OPEN_LOAD);
  job->loaded_func = loaded_func;
  job->loaded_data = loaded_data;
  queue_async (self, job, luma_store_open_load_async, cancellable, callback, user_data);
}

GPtrArray *
luma_store_open_load_finish (LumaStore     *self,
                             GAsyncResult  *result,
                             char         **moved_aside,
                             GError       **error)
{
  GPtrArray *tasks;

  g_return_val_if_fail (LUMA_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == luma_store_open_load_async, NULL);

  tasks = g_task_propagate_pointer (G_TASK (result), error);
  if (tasks != NULL && moved_aside != NULL)
    *moved_aside = g_strdup (g_task_get_task_data (G_TASK (result)));

  return tasks;
}

void
luma_store_save_tasks_async (LumaStore           *self,
                             LumaTask * const    *tasks,
                             guint                n_tasks,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (LUMA_IS_STORE (self));
  g_return_if_fail (tasks != NULL || n_tasks == 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  queue_async (self, save_parts_queue (self, tasks, n_tasks), luma_store_save_tasks_async,
               cancellable, callback, user_data);
  g_rec_mutex_unlock (&self->queue_lock);
}

gboolean
luma_store_save_tasks_finish (LumaStore     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (LUMA_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == luma_store_save_tasks_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
luma_store_remove_ids_async (LumaStore           *self,
                             const char * const  *ids,
                             guint                n_ids,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (LUMA_IS_STORE (self));
  g_return_if_fail (ids != NULL || n_ids == 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  queue_async (self, remove_job_new (ids, n_ids), luma_store_remove_ids_async,
               cancellable, callback, user_data);
}

gboolean
luma_store_remove_ids_finish (LumaStore     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (LUMA_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == luma_store_remove_ids_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
luma_store_open_sync (LumaStore  *self,
                      char      **moved_aside,
                      GError    **error)
{
  Job *job;
  gboolean ok;

  g_return_val_if_fail (LUMA_IS_STORE (self), FALSE);

  job = job_new (JOB_OPEN);
  run_sync (self, job);

  ok = job->error == NULL;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&job->error));
  else if (moved_aside != NULL)
    *moved_aside = g_steal_pointer (&job->moved_aside);

  job_free (job);

  return ok;
}

GPtrArray *
luma_store_load_sync (LumaStore  *self,
                      GError    **error)
{
  GPtrArray *tasks;
  Job *job;

  g_return_val_if_fail (LUMA_IS_STORE (self), NULL);

  job = job_new (JOB_LOAD);
  run_sync (self, job);

  if (job->error != NULL)
    g_propagate_error (error, g_steal_pointer (&job->error));
  tasks = g_steal_pointer (&job->tasks);

  job_free (job);

  return tasks;
}

gboolean
luma_store_save_tasks_sync (LumaStore        *self,
                            LumaTask * const *tasks,
                            guint             n_tasks,
                            GError          **error)
{
  Job *job;
  gboolean ok;

  g_return_val_if_fail (LUMA_IS_STORE (self), FALSE);
  g_return_val_if_fail (tasks != NULL || n_tasks == 0, FALSE);

  job = save_parts_queue (self, tasks, n_tasks);
  run_sync (self, job);
  g_rec_mutex_unlock (&self->queue_lock);

  ok = job->error == NULL;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&job->error));

  job_free (job);

  return ok;
}

gboolean
luma_store_remove_ids_sync (LumaStore          *self,
                            const char * const *ids,
                            guint               n_ids,
                            GError            **error)
{
  Job *job;
  gboolean ok;

  g_return_val_if_fail (LUMA_IS_STORE (self), FALSE);
  g_return_val_if_fail (ids != NULL || n_ids == 0, FALSE);

  job = remove_job_new (ids, n_ids);
  run_sync (self, job);

  ok = job->error == NULL;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&job->error));

  job_free (job);

  return ok;
}

void
luma_store_close (LumaStore *self)
{
  Job *job;

  g_return_if_fail (LUMA_IS_STORE (self));

  job = job_new (JOB_CLOSE);
  run_sync (self, job);
  job_free (job);
}
