/* test-app-faults.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The fault matrix as the user meets it. Every simulator fault while the
 * window runs a poll round, adds one task and adds a batch: the requests the
 * simulator saw (the retries, or none), the words the user reads where they
 * read them (the task's row, the error toast, the token banner, the
 * "retrying" toast), the window still drawing, the tasks listed before
 * untouched, and the token never sent to another origin. Then hostile input
 * at the window: a damaged history, a broken thumbnail in the cache, a binary
 * and a 1 GB file to import, a 10 MB paste. tests/core/test-fault-matrix.c
 * holds the same table for the engine and the CLI. */

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "luma-app-test.h"
#include "luma-media-cache.h"
#include "luma-task-row.h"
#include "luma-test-sim.h"
#include "luma-thumbnail-loader.h"
#include "luma-thumbnail.h"
#include "luma-window-private.h"

#define SEED_ID_1 LUMA_TEST_SIM_SEED_ID_1
#define SEED_ID_2 LUMA_TEST_SIM_SEED_ID_2
#define UNKNOWN_ID_1 "00000000-0000-4000-8000-0000000000a1"
#define UNKNOWN_ID_2 "00000000-0000-4000-8000-0000000000a2"

/* More faults than any retry budget: the user sees the final error. */
#define FAULT_COUNT_FINAL 10
#define WAIT_MS 60000

/* Where the window puts an error. */
typedef enum
{
  SHOWN_TOAST,    /* the error toast, and the task's row */
  SHOWN_BANNER,   /* the token banner, and the task's row */
} Shown;

/* One fault: what the simulator is told, and what the user must see when
 * the fault outlasts the retries. In the texts, {trace} stands for a
 * trace_id, {n} for a number and {any} for the rest of a line. */
typedef struct
{
  const char *kind;
  const char *extra;      /* more members of the fault object, or NULL */
  guint       retries;    /* retries after the first request */
  const char *message;    /* on the task's row */
  const char *details;    /* what the toast or banner adds to it */
  Shown       shown;
  gboolean    slow;       /* needs the 1 s request timeout */
} Fault;

static const Fault faults[] = {
  { "http429", "\"retry_after\": 0", 5,
    "The service is receiving too many requests. The service said: “Too many requests, you have exceeded the rate limit.”",
    " (too_many_requests, HTTP 429, trace_id {trace})", SHOWN_TOAST, FALSE },
  { "http429-date", "\"retry_after\": 0", 5,
    "The service is receiving too many requests. The service said: “Too many requests, you have exceeded the rate limit.”",
    " (too_many_requests, HTTP 429, trace_id {trace})", SHOWN_TOAST, FALSE },
  { "http500", NULL, 3,
    "The service had an internal error. The service said: “fetch failed”",
    " (api_error, HTTP 500, trace_id {trace})", SHOWN_TOAST, FALSE },
  { "http504", NULL, 3,
    "The service took too long to answer. The service said: “The upstream service timed out.”",
    " (timeout, HTTP 504, trace_id {trace})", SHOWN_TOAST, FALSE },
  { "http502-html", NULL, 3,
    "The server answered with an HTML page instead of the API's JSON (HTTP 502).",
    "", SHOWN_TOAST, FALSE },
  { "cut-body", NULL, 3,
    "The server's answer was cut off before its end (HTTP 200): {n} of {n} bytes came.",
    "", SHOWN_TOAST, FALSE },
  { "close", NULL, 3,
    "Could not reach the service: {any}",
    "", SHOWN_TOAST, FALSE },
  /* Too slow or too large after "HTTP 200": the status is not the
   * problem and is not shown. */
  { "slow-drip", "\"drip_ms\": 250", 3,
    "The server did not answer within 1 second.",
    "", SHOWN_TOAST, TRUE },
  { "huge-body", NULL, 0,
    "The server's answer is larger than 64 MiB and was refused.",
    "", SHOWN_TOAST, FALSE },
  { "huge-body-chunked", NULL, 0,
    "The server's answer is larger than 64 MiB and was refused.",
    "", SHOWN_TOAST, FALSE },
  { "redirect", NULL, 0,
    "The server sent the request elsewhere (HTTP 307); the app does not follow it, to keep the API token safe.",
    "", SHOWN_TOAST, FALSE },
  { "http401", NULL, 0,
    "The API token was refused. The service said: “Unauthorized, invalid or missing authorization token.”",
    " (invalid_token, HTTP 401, trace_id {trace})", SHOWN_BANNER, FALSE },
  { "http403", NULL, 0,
    "The service refused the request. The service said: “The content you submitted has been flagged by content moderation.”",
    " (forbidden, HTTP 403, trace_id {trace})", SHOWN_TOAST, FALSE },
};

static LumaApplication *app;
static LumaTestSim *shared_sim;

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

/* An anchored regular expression for @text with its placeholders. */
static char *
pattern_for (const char *text)
{
  static const struct {
    const char *placeholder;
    const char *regex;
  } holes[] = {
    { "{trace}", "[0-9a-f-]{36}" },
    { "{n}", "[0-9]+" },
    { "{any}", ".+" },
  };
  GString *pattern = g_string_new ("^");
  const char *p = text;

  while (*p != '\0')
    {
      const char *brace;
      g_autofree char *escaped = NULL;
      gboolean matched = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (holes) && !matched; i++)
        {
          if (g_str_has_prefix (p, holes[i].placeholder))
            {
              g_string_append (pattern, holes[i].regex);
              p += strlen (holes[i].placeholder);
              matched = TRUE;
            }
        }
      if (matched)
        continue;

      brace = strchr (p + 1, '{');
      if (brace == NULL)
        brace = p + strlen (p);
      escaped = g_regex_escape_string (p, (int) (brace - p));
      g_string_append (pattern, escaped);
      p = brace;
    }

  g_string_append_c (pattern, '$');
  return g_string_free (pattern, FALSE);
}

static gboolean
text_matches (const char *text,
              const char *expected)
{
  g_autofree char *pattern = pattern_for (expected);

  return text != NULL && g_regex_match_simple (pattern, text, G_REGEX_DOTALL, 0);
}

#define assert_text_matches(text, expected)                                  \
  G_STMT_START {                                                             \
    const char *luma_text_ = (text);                                         \
    if (!text_matches (luma_text_, (expected)))                              \
      g_error ("%s:%d: “%s” is not “%s”", __FILE__, __LINE__,               \
               luma_text_ ? luma_text_ : "(null)", (expected));              \
  } G_STMT_END

static void
point_at (LumaTestSim *sim)
{
  g_setenv ("ACEDATACLOUD_API_BASE_URL", luma_test_sim_get_base_url (sim), TRUE);
  g_setenv ("ACEDATACLOUD_API_TOKEN", luma_test_sim_get_token (sim), TRUE);
}

/* A window on the simulator with its history loaded; polls only when told
 * to, retries within milliseconds (the retries are counted, not waited
 * for). */
static LumaWindow *
open_window (guint timeout_s)
{
  LumaWindow *window = luma_window_new (app);
  LumaClient *client;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  luma_tracker_set_poll_intervals (window->tracker, 600000, 600000, 1.0);
  LUMA_TEST_WAIT_UNTIL (_luma_window_is_loaded (window), 20000);
  g_assert_true (_luma_window_is_loaded (window));

  client = _luma_window_get_client (window);
  g_assert_nonnull (client);
  luma_client_set_backoff_base_ms (client, 5);
  luma_client_set_timeout (client, timeout_s);

  return window;
}

static guint
n_tasks (LumaWindow *window)
{
  return g_list_model_get_n_items (G_LIST_MODEL (window->list));
}

static LumaTask *
lookup (LumaWindow *window,
        const char *id)
{
  LumaTask *task = luma_task_list_lookup (window->list, id);

  g_assert_nonnull (task);
  return task;
}

static gboolean
is_busy (LumaWindow *window)
{
  return luma_tracker_get_busy (window->tracker);
}

static LumaTaskRow *
find_row (LumaWindow *window,
          const char *id)
{
  return luma_test_find_row (GTK_WIDGET (window->list_view), id);
}

/* The row of @id, once the list view made it. */
static LumaTaskRow *
row_of (LumaWindow *window,
        const char *id)
{
  LumaTaskRow *row = NULL;

  LUMA_TEST_WAIT_UNTIL ((row = find_row (window, id)) != NULL, 15000);
  g_assert_nonnull (row);
  return row;
}

/* What the row says under the title, as the user reads it. */
static const char *
row_detail (LumaWindow *window,
            const char *id)
{
  return luma_task_row_get_detail (row_of (window, id));
}

static void
collect_labels (GtkWidget *widget,
                GPtrArray *texts)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    g_ptr_array_add (texts, (gpointer) gtk_label_get_text (GTK_LABEL (widget)));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, texts);
}

/* The toast widgets the overlay shows (not the ones fading out). */
static GPtrArray *
toast_widgets (LumaWindow *window)
{
  GtkWidget *overlay = GTK_WIDGET (window->toast_overlay);
  GtkWidget *content = adw_toast_overlay_get_child (window->toast_overlay);
  GPtrArray *widgets = g_ptr_array_new ();

  for (GtkWidget *child = gtk_widget_get_first_child (overlay);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (child != content && gtk_widget_get_can_target (child))
        g_ptr_array_add (widgets, child);
    }

  return widgets;
}

/* Whether a toast on screen reads @expected (placeholders allowed). */
static gboolean
toast_shown (LumaWindow *window,
             const char *expected)
{
  g_autoptr(GPtrArray) widgets = toast_widgets (window);

  for (guint i = 0; i < widgets->len; i++)
    {
      g_autoptr(GPtrArray) texts = g_ptr_array_new ();

      collect_labels (widgets->pdata[i], texts);
      for (guint j = 0; j < texts->len; j++)
        if (text_matches (texts->pdata[j], expected))
          return TRUE;
    }

  return FALSE;
}

static void
assert_toast_shown (LumaWindow *window,
                    const char *expected)
{
  LUMA_TEST_WAIT_UNTIL (toast_shown (window, expected), 15000);
  if (!toast_shown (window, expected))
    {
      g_autoptr(GPtrArray) widgets = toast_widgets (window);

      for (guint i = 0; i < widgets->len; i++)
        {
          g_autoptr(GPtrArray) texts = g_ptr_array_new ();

          collect_labels (widgets->pdata[i], texts);
          for (guint j = 0; j < texts->len; j++)
            g_test_message ("toast on screen: “%s”", (const char *) texts->pdata[j]);
        }
      g_error ("no toast reads “%s”", expected);
    }
}

/* Dismisses every toast, shown or queued, so that the next step's toasts
 * are its own. */
static gboolean
toasts_settled (LumaWindow *window)
{
  GtkWidget *overlay = GTK_WIDGET (window->toast_overlay);
  GtkWidget *content = adw_toast_overlay_get_child (window->toast_overlay);

  for (GtkWidget *child = gtk_widget_get_first_child (overlay);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (child != content && !gtk_widget_get_can_target (child))
        return FALSE;
    }

  return TRUE;
}

static void
dismiss_toasts (LumaWindow *window)
{
  /* One at a time, each gone before the next: libadwaita 1.2 aborts when a
   * toast put back in the queue is shown again while it still fades out. */
  for (guint round = 0; round < 100; round++)
    {
      g_autoptr(GPtrArray) widgets = NULL;
      g_autoptr(AdwToast) toast = NULL;

      LUMA_TEST_WAIT_UNTIL (toasts_settled (window), 5000);
      g_assert_true (toasts_settled (window));
      widgets = toast_widgets (window);
      if (widgets->len == 0)
        break;

      g_object_get (widgets->pdata[0], "toast", &toast, NULL);
      g_assert_nonnull (toast);
      adw_toast_dismiss (toast);
    }

  LUMA_TEST_WAIT_UNTIL (window->error_toast == NULL && window->rate_toast == NULL, 5000);
  g_assert_null (window->error_toast);
  g_assert_null (window->rate_toast);
}

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       user_data)
{
  guint *n_frames = user_data;

  (*n_frames)++;
}

/* The window is there and still draws. */
static void
assert_window_alive (LumaWindow *window)
{
  GdkFrameClock *clock;
  guint n_frames = 0;
  gulong handler;

  g_assert_true (LUMA_IS_WINDOW (window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &n_frames);
  gtk_widget_queue_draw (GTK_WIDGET (window));
  LUMA_TEST_WAIT_UNTIL (n_frames >= 1, 15000);
  g_signal_handler_disconnect (clock, handler);
  g_assert_cmpuint (n_frames, >=, 1);
}

static void
set_fault (LumaTestSim *sim,
           const char  *kind,
           const char  *extra,
           int          count)
{
  g_autofree char *json = g_strdup_printf ("{\"next\": \"%s\", \"count\": %d%s%s}",
                                           kind, count,
                                           extra != NULL ? ", " : "",
                                           extra != NULL ? extra : "");

  luma_test_sim_set_fault_json (sim, json);
}

/* API requests the simulator saw on its main origin since the log was
 * cleared, each of @action asking for @n_ids tasks. Asserts that no request
 * reached the other origin, and that none to the other origin or to the
 * media carried the token (or any Authorization). */
static guint
count_api_requests (LumaTestSim *sim,
                    const char  *action,
                    guint        n_ids)
{
  /* @action NULL: any; @n_ids 0: any number. */
  g_autoptr(JsonArray) log = luma_test_sim_get_log (sim);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);
      const char *path = json_object_get_string_member (entry, "path");
      const char *origin = json_object_get_string_member (entry, "origin");

      if (!g_str_equal (origin, "main") || g_str_has_prefix (path, "/media/"))
        g_assert_false (json_object_get_boolean_member (entry, "authorization"));
      g_assert_cmpstr (origin, ==, "main");

      if (!g_str_equal (path, "/luma/tasks"))
        continue;

      n++;
      /* A fault that replaces the answer comes before the body is read:
       * such requests have no action in the log. */
      if (action == NULL || json_object_get_null_member (entry, "action"))
        continue;
      g_assert_cmpstr (json_object_get_string_member (entry, "action"), ==, action);
      if (g_str_equal (action, "retrieve_batch") && n_ids > 0)
        g_assert_cmpint (json_object_get_int_member_with_default (entry, "ids", -1), ==, n_ids);
    }

  return n;
}

/* ------------------------------------------------------------------------ */
/* The tasks listed before a fault                                          */

typedef struct
{
  char *completed;        /* SEED_ID_1's record */
  char *pending;          /* PENDING_ID's */
  char *processing;       /* PROCESSING_ID's */
  char *completed_detail; /* what SEED_ID_1's row says */
  char *polled_detail[2]; /* what PENDING_ID's and PROCESSING_ID's say */
} Baseline;

static void
baseline_clear (Baseline *base)
{
  g_clear_pointer (&base->completed, g_free);
  g_clear_pointer (&base->pending, g_free);
  g_clear_pointer (&base->processing, g_free);
  g_clear_pointer (&base->completed_detail, g_free);
  g_clear_pointer (&base->polled_detail[0], g_free);
  g_clear_pointer (&base->polled_detail[1], g_free);
}

static gboolean
answered_without_error (LumaWindow *window,
                        const char *id)
{
  LumaTask *task = luma_task_list_lookup (window->list, id);

  return task != NULL &&
         luma_task_get_state (task) != LUMA_TASK_STATE_LOADING &&
         luma_task_get_fetch_error (task) == NULL;
}

/* A completed task and two unfinished ones, answered before any fault. */
static void
add_baseline (LumaWindow  *window,
              LumaTestSim *sim,
              Baseline    *base)
{
  luma_test_sim_set_fault (sim, "none", 1);
  _luma_window_add_text (window, SEED_ID_1 "\n" LUMA_TEST_SIM_PENDING_ID "\n" LUMA_TEST_SIM_PROCESSING_ID);
  LUMA_TEST_WAIT_UNTIL (answered_without_error (window, SEED_ID_1) &&
                        answered_without_error (window, LUMA_TEST_SIM_PENDING_ID) &&
                        answered_without_error (window, LUMA_TEST_SIM_PROCESSING_ID) &&
                        !is_busy (window), WAIT_MS);
  g_assert_false (is_busy (window));
  g_assert_cmpuint (n_tasks (window), ==, 3);

  g_assert_cmpint (luma_task_get_state (lookup (window, SEED_ID_1)), ==, LUMA_TASK_STATE_COMPLETED);
  g_assert_cmpint (luma_task_get_state (lookup (window, LUMA_TEST_SIM_PENDING_ID)), ==, LUMA_TASK_STATE_PENDING);
  g_assert_cmpint (luma_task_get_state (lookup (window, LUMA_TEST_SIM_PROCESSING_ID)), ==, LUMA_TASK_STATE_PROCESSING);

  base->completed = g_strdup (luma_task_get_record_json (lookup (window, SEED_ID_1)));
  base->pending = g_strdup (luma_task_get_record_json (lookup (window, LUMA_TEST_SIM_PENDING_ID)));
  base->processing = g_strdup (luma_task_get_record_json (lookup (window, LUMA_TEST_SIM_PROCESSING_ID)));
  base->completed_detail = g_strdup (row_detail (window, SEED_ID_1));
  base->polled_detail[0] = g_strdup (row_detail (window, LUMA_TEST_SIM_PENDING_ID));
  base->polled_detail[1] = g_strdup (row_detail (window, LUMA_TEST_SIM_PROCESSING_ID));
  g_assert_nonnull (base->completed);
  g_assert_nonnull (base->pending);
  g_assert_nonnull (base->processing);
}

/* The tasks of the baseline are all there, with their records and states;
 * the completed one's row says what it said. */
static void
assert_baseline (LumaWindow     *window,
                 const Baseline *base)
{
  LumaTask *completed = lookup (window, SEED_ID_1);
  LumaTask *pending = lookup (window, LUMA_TEST_SIM_PENDING_ID);
  LumaTask *processing = lookup (window, LUMA_TEST_SIM_PROCESSING_ID);
  LumaTaskRow *row = row_of (window, SEED_ID_1);

  g_assert_cmpint (luma_task_get_state (completed), ==, LUMA_TASK_STATE_COMPLETED);
  g_assert_cmpstr (luma_task_get_record_json (completed), ==, base->completed);
  g_assert_null (luma_task_get_fetch_error (completed));
  g_assert_cmpstr (luma_task_row_get_state_label (row), ==, "Completed");
  g_assert_cmpstr (luma_task_row_get_detail (row), ==, base->completed_detail);

  g_assert_cmpint (luma_task_get_state (pending), ==, LUMA_TASK_STATE_PENDING);
  g_assert_cmpstr (luma_task_get_record_json (pending), ==, base->pending);
  g_assert_cmpint (luma_task_get_state (processing), ==, LUMA_TASK_STATE_PROCESSING);
  g_assert_cmpstr (luma_task_get_record_json (processing), ==, base->processing);
}

/* ------------------------------------------------------------------------ */
/* The matrix                                                               */

static LumaTestSim *
get_shared_sim (void)
{
  if (shared_sim == NULL)
    shared_sim = luma_test_sim_start (NULL);

  luma_test_sim_set_fault (shared_sim, "none", 1);
  luma_test_sim_clear_log (shared_sim);

  return shared_sim;
}

/* How often @text names an HTTP status. */
static guint
count_http (const char *text)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, "HTTP ")) != NULL; p++)
    n++;

  return n;
}

/* Where the fault shows, read as the user reads it; the row of each of
 * @ids says the message. */
static void
assert_fault_shown (LumaWindow         *window,
                    const Fault        *fault,
                    const char * const *ids)
{
  g_autofree char *full = g_strconcat (fault->message, fault->details, NULL);

  g_test_message ("%s: the row says “%s”", fault->kind, row_detail (window, ids[0]));
  for (guint i = 0; ids[i] != NULL; i++)
    {
      LumaTask *task = lookup (window, ids[i]);

      g_assert_nonnull (luma_task_get_fetch_error (task));
      assert_text_matches (row_detail (window, ids[i]), fault->message);
    }

  if (fault->shown == SHOWN_BANNER)
    {
      g_autofree char *banner = g_strconcat ("The service refused the API token: ", full, NULL);

      LUMA_TEST_WAIT_UNTIL (gtk_revealer_get_reveal_child (window->token_revealer), 15000);
      g_assert_true (gtk_revealer_get_reveal_child (window->token_revealer));
      assert_text_matches (gtk_label_get_text (window->token_label), banner);
      g_assert_cmpuint (count_http (gtk_label_get_text (window->token_label)), ==, 1);
      g_test_message ("%s: the banner says “%s”", fault->kind, gtk_label_get_text (window->token_label));
      /* A refused token is the banner's, never an error toast. */
      g_assert_null (window->error_toast);
    }
  else
    {
      g_autofree char *toast_text = NULL;

      g_assert_false (gtk_revealer_get_reveal_child (window->token_revealer));
      g_assert_nonnull (window->error_toast);
      toast_text = luma_test_toast_text (window->error_toast);
      assert_text_matches (toast_text, full);
      /* The status once at most ("… (HTTP 502)." and not "… (HTTP 502). (HTTP 502)"). */
      g_assert_cmpuint (count_http (toast_text), <=, 1);
      g_test_message ("%s: the toast says “%s”", fault->kind, toast_text);
      /* On screen: an error toast comes before anything else. */
      assert_toast_shown (window, full);
    }
}

/* Ready for the next step: no fault queued, a clean log, no toast and no
 * banner left from the step before. */
static void
next_step_full (LumaWindow  *window,
                LumaTestSim *sim,
                gboolean     keep_banner)
{
  luma_test_sim_set_fault (sim, "none", 1);
  dismiss_toasts (window);
  /* The banner stays until a request goes through; hide it by hand so the
   * next step's banner is its own. */
  if (!keep_banner)
    gtk_revealer_set_reveal_child (window->token_revealer, FALSE);
  luma_test_sim_clear_log (sim);
}

static void
next_step (LumaWindow  *window,
           LumaTestSim *sim)
{
  next_step_full (window, sim, FALSE);
}

static gboolean
all_failed (LumaWindow         *window,
            const char * const *ids)
{
  for (guint i = 0; ids[i] != NULL; i++)
    {
      LumaTask *task = luma_task_list_lookup (window->list, ids[i]);

      if (task == NULL || luma_task_get_fetch_error (task) == NULL)
        return FALSE;
    }

  return !is_busy (window);
}

static void
test_fault (gconstpointer data)
{
  const Fault *fault = data;
  LumaTestSim *sim = get_shared_sim ();
  const char *polled[] = { LUMA_TEST_SIM_PENDING_ID, LUMA_TEST_SIM_PROCESSING_ID, NULL };
  const char *single[] = { SEED_ID_2, NULL };
  const char *batch[] = { LUMA_TEST_SIM_PORTRAIT_ID, LUMA_TEST_SIM_NO_STATE_ID, LUMA_TEST_SIM_EVERY_CHARACTER_ID, NULL };
  g_autofree char *batch_text = g_strjoinv ("\n", (char **) batch);
  Baseline base = { 0 };
  LumaWindow *window;
  gint64 start = g_get_monotonic_time ();

  point_at (sim);
  window = open_window (fault->slow ? 1 : LUMA_CLIENT_DEFAULT_TIMEOUT);
  add_baseline (window, sim, &base);

  /* A poll round (F5): the unfinished tasks keep their last good record,
   * with the reason on their rows. */
  next_step (window, sim);
  set_fault (sim, fault->kind, fault->extra, FAULT_COUNT_FINAL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  LUMA_TEST_WAIT_UNTIL (all_failed (window, polled), WAIT_MS);
  g_assert_true (all_failed (window, polled));
  g_assert_cmpuint (count_api_requests (sim, "retrieve_batch", 2), ==, fault->retries + 1);
  assert_fault_shown (window, fault, polled);
  assert_baseline (window, &base);
  g_assert_cmpstr (luma_task_row_get_state_label (row_of (window, polled[0])), ==, "Pending");
  g_assert_cmpstr (luma_task_row_get_state_label (row_of (window, polled[1])), ==, "Processing");
  g_assert_cmpuint (n_tasks (window), ==, 3);
  assert_window_alive (window);

  /* One task added: "retrieve". It stays, waiting, with the reason. */
  next_step (window, sim);
  set_fault (sim, fault->kind, fault->extra, FAULT_COUNT_FINAL);
  g_assert_cmpuint (_luma_window_add_text (window, SEED_ID_2), ==, 1);
  LUMA_TEST_WAIT_UNTIL (all_failed (window, single), WAIT_MS);
  g_assert_true (all_failed (window, single));
  g_assert_cmpuint (count_api_requests (sim, "retrieve", 1), ==, fault->retries + 1);
  g_assert_cmpint (luma_task_get_state (lookup (window, SEED_ID_2)), ==, LUMA_TASK_STATE_LOADING);
  g_assert_cmpstr (luma_task_row_get_state_label (row_of (window, SEED_ID_2)), ==, "Loading");
  assert_fault_shown (window, fault, single);
  assert_baseline (window, &base);
  g_assert_cmpuint (n_tasks (window), ==, 4);
  assert_window_alive (window);

  /* A batch added: "retrieve_batch". */
  next_step (window, sim);
  set_fault (sim, fault->kind, fault->extra, FAULT_COUNT_FINAL);
  g_assert_cmpuint (_luma_window_add_text (window, batch_text), ==, 3);
  LUMA_TEST_WAIT_UNTIL (all_failed (window, batch), WAIT_MS);
  g_assert_true (all_failed (window, batch));
  g_assert_cmpuint (count_api_requests (sim, "retrieve_batch", 3), ==, fault->retries + 1);
  for (guint i = 0; batch[i] != NULL; i++)
    {
      g_assert_cmpint (luma_task_get_state (lookup (window, batch[i])), ==, LUMA_TASK_STATE_LOADING);
      g_assert_cmpstr (luma_task_row_get_state_label (row_of (window, batch[i])), ==, "Loading");
    }
  assert_fault_shown (window, fault, batch);
  assert_baseline (window, &base);
  g_assert_cmpuint (n_tasks (window), ==, 7);
  assert_window_alive (window);

  /* Within the retries: the user is told of the wait, and the answer comes
   * through (the slow drip costs a second a try: its final error is
   * enough). */
  if (fault->retries > 0 && !fault->slow)
    {
      gboolean rate_limited = g_str_has_prefix (fault->kind, "http429");
      g_autofree char *retrying = NULL;
      g_autofree char *rate_text = NULL;

      if (rate_limited)
        retrying = g_strdup ("Rate limited — retrying in {n} s");
      else
        {
          g_autofree char *said = g_strconcat (fault->message, fault->details, NULL);

          /* The sentence goes on after the dash: no full stop before it,
           * "… (HTTP 502) — retrying in 1 s". */
          if (g_str_has_suffix (said, "."))
            said[strlen (said) - 1] = '\0';
          retrying = g_strconcat (said, " — retrying in 1 s", NULL);
          g_assert_null (strstr (retrying, ". — "));
        }

      next_step (window, sim);
      /* A Retry-After of 2 s, to read it in the toast. */
      set_fault (sim, fault->kind, rate_limited ? "\"retry_after\": 2" : fault->extra, 1);
      _luma_window_add_text (window, LUMA_TEST_SIM_MODERATED_ID);
      LUMA_TEST_WAIT_UNTIL (window->rate_toast != NULL, WAIT_MS);
      g_assert_nonnull (window->rate_toast);
      rate_text = luma_test_toast_text (window->rate_toast);
      assert_text_matches (rate_text, retrying);
      g_test_message ("%s: while retrying, the toast says “%s”", fault->kind, rate_text);
      /* In front of the "Added" toast, not queued behind it. */
      assert_toast_shown (window, retrying);
      if (rate_limited)
        g_assert_true (strstr (rate_text, "in 1 s") != NULL || strstr (rate_text, "in 2 s") != NULL);
      LUMA_TEST_WAIT_UNTIL (answered_without_error (window, LUMA_TEST_SIM_MODERATED_ID) && !is_busy (window), WAIT_MS);
      g_assert_true (answered_without_error (window, LUMA_TEST_SIM_MODERATED_ID));
      g_assert_cmpint (luma_task_get_state (lookup (window, LUMA_TEST_SIM_MODERATED_ID)), ==, LUMA_TASK_STATE_FAILED);
      g_assert_cmpuint (count_api_requests (sim, "retrieve", 1), ==, 2);
      g_assert_null (window->error_toast);
      assert_baseline (window, &base);
    }

  /* The fault is over: a refresh brings every task in and the reasons go
   * (a refused token's banner with them). */
  next_step_full (window, sim, TRUE);
  if (fault->shown == SHOWN_BANNER)
    g_assert_true (gtk_revealer_get_reveal_child (window->token_revealer));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  LUMA_TEST_WAIT_UNTIL (answered_without_error (window, SEED_ID_2) &&
                        answered_without_error (window, batch[0]) &&
                        answered_without_error (window, batch[1]) &&
                        answered_without_error (window, batch[2]) &&
                        answered_without_error (window, polled[0]) &&
                        answered_without_error (window, polled[1]) &&
                        !is_busy (window), WAIT_MS);
  g_assert_true (answered_without_error (window, SEED_ID_2));
  g_assert_cmpint (luma_task_get_state (lookup (window, SEED_ID_2)), ==, LUMA_TASK_STATE_COMPLETED);
  for (guint i = 0; batch[i] != NULL; i++)
    g_assert_true (answered_without_error (window, batch[i]));
  for (guint i = 0; polled[i] != NULL; i++)
    {
      g_assert_true (answered_without_error (window, polled[i]));
      /* The row says what it said before the fault. */
      g_assert_cmpstr (row_detail (window, polled[i]), ==, base.polled_detail[i]);
    }
  assert_baseline (window, &base);
  g_assert_false (gtk_revealer_get_reveal_child (window->token_revealer));
  g_assert_null (window->error_toast);
  g_assert_cmpuint (count_api_requests (sim, NULL, 0), >, 0);
  g_assert_cmpuint (n_tasks (window), ==, fault->retries > 0 && !fault->slow ? 8 : 7);
  assert_window_alive (window);

  /* The history on disk lost nothing either. */
  luma_test_iterate (200);
  luma_test_destroy_window (window);
  window = open_window (LUMA_CLIENT_DEFAULT_TIMEOUT);
  g_assert_cmpuint (n_tasks (window), ==, fault->retries > 0 && !fault->slow ? 8 : 7);
  g_assert_cmpstr (luma_task_get_record_json (lookup (window, SEED_ID_1)), ==, base.completed);
  g_assert_cmpstr (luma_task_get_record_json (lookup (window, LUMA_TEST_SIM_PENDING_ID)), ==, base.pending);
  g_assert_cmpint (luma_task_get_state (lookup (window, SEED_ID_2)), ==, LUMA_TASK_STATE_COMPLETED);
  luma_test_destroy_window (window);

  g_test_message ("%s: %.1f s", fault->kind, (g_get_monotonic_time () - start) / 1e6);
  baseline_clear (&base);
}

/* Unknown IDs: not found, never an error, never retried, never removed. */
static void
test_unknown_ids (void)
{
  LumaTestSim *sim = get_shared_sim ();
  Baseline base = { 0 };
  LumaWindow *window;

  point_at (sim);
  window = open_window (LUMA_CLIENT_DEFAULT_TIMEOUT);
  add_baseline (window, sim, &base);

  /* One unknown ID: the service answers {}. */
  next_step (window, sim);
  _luma_window_add_text (window, UNKNOWN_ID_1);
  LUMA_TEST_WAIT_UNTIL (answered_without_error (window, UNKNOWN_ID_1) && !is_busy (window), WAIT_MS);
  g_assert_cmpint (luma_task_get_state (lookup (window, UNKNOWN_ID_1)), ==, LUMA_TASK_STATE_NOT_FOUND);
  g_assert_cmpuint (count_api_requests (sim, "retrieve", 1), ==, 1);
  g_assert_cmpstr (luma_task_row_get_state_label (row_of (window, UNKNOWN_ID_1)), ==, "Not found");
  g_assert_null (window->error_toast);
  assert_baseline (window, &base);

  /* One among others in a batch: the service leaves it out. */
  next_step (window, sim);
  _luma_window_add_text (window, SEED_ID_2 "\n" UNKNOWN_ID_2 "\n" LUMA_TEST_SIM_PORTRAIT_ID);
  LUMA_TEST_WAIT_UNTIL (answered_without_error (window, SEED_ID_2) &&
                        answered_without_error (window, UNKNOWN_ID_2) &&
                        answered_without_error (window, LUMA_TEST_SIM_PORTRAIT_ID) &&
                        !is_busy (window), WAIT_MS);
  g_assert_cmpuint (count_api_requests (sim, "retrieve_batch", 3), ==, 1);
  g_assert_cmpint (luma_task_get_state (lookup (window, UNKNOWN_ID_2)), ==, LUMA_TASK_STATE_NOT_FOUND);
  g_assert_cmpstr (luma_task_row_get_state_label (row_of (window, UNKNOWN_ID_2)), ==, "Not found");
  g_assert_cmpint (luma_task_get_state (lookup (window, SEED_ID_2)), ==, LUMA_TASK_STATE_COMPLETED);
  g_assert_null (window->error_toast);
  assert_baseline (window, &base);

  /* A poll round asks for the unfinished tasks only: the unknown ones stay,
   * not found. */
  next_step (window, sim);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  LUMA_TEST_WAIT_UNTIL (count_api_requests (sim, "retrieve_batch", 2) == 1 && !is_busy (window), WAIT_MS);
  g_assert_cmpuint (count_api_requests (sim, "retrieve_batch", 2), ==, 1);
  g_assert_cmpint (luma_task_get_state (lookup (window, UNKNOWN_ID_1)), ==, LUMA_TASK_STATE_NOT_FOUND);
  g_assert_cmpint (luma_task_get_state (lookup (window, UNKNOWN_ID_2)), ==, LUMA_TASK_STATE_NOT_FOUND);
  g_assert_cmpuint (n_tasks (window), ==, 7);
  g_assert_null (window->error_toast);
  assert_baseline (window, &base);
  assert_window_alive (window);

  baseline_clear (&base);
  luma_test_destroy_window (window);
}

/* {} where an answer should be: to "retrieve" it means "not found"; to a
 * batch it is an answer without a list, an error that is not retried. */
static void
test_empty_object (void)
{
  static const Fault empty = {
    "empty-object", NULL, 0,
    "The server's answer has no list of tasks (HTTP 200).", "",
    SHOWN_TOAST, FALSE
  };
  LumaTestSim *sim = get_shared_sim ();
  const char *polled[] = { LUMA_TEST_SIM_PENDING_ID, LUMA_TEST_SIM_PROCESSING_ID, NULL };
  const char *batch[] = { LUMA_TEST_SIM_PORTRAIT_ID, LUMA_TEST_SIM_NO_STATE_ID, LUMA_TEST_SIM_EVERY_CHARACTER_ID, NULL };
  g_autofree char *batch_text = g_strjoinv ("\n", (char **) batch);
  Baseline base = { 0 };
  LumaWindow *window;

  point_at (sim);
  window = open_window (LUMA_CLIENT_DEFAULT_TIMEOUT);
  add_baseline (window, sim, &base);

  /* A poll round. */
  next_step (window, sim);
  set_fault (sim, "empty-object", NULL, FAULT_COUNT_FINAL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL));
  LUMA_TEST_WAIT_UNTIL (all_failed (window, polled), WAIT_MS);
  g_assert_true (all_failed (window, polled));
  g_assert_cmpuint (count_api_requests (sim, "retrieve_batch", 2), ==, 1);
  assert_fault_shown (window, &empty, polled);
  assert_baseline (window, &base);

  /* One task: "not found", as for an unknown ID. */
  next_step (window, sim);
  set_fault (sim, "empty-object", NULL, FAULT_COUNT_FINAL);
  _luma_window_add_text (window, SEED_ID_2);
  LUMA_TEST_WAIT_UNTIL (answered_without_error (window, SEED_ID_2) && !is_busy (window), WAIT_MS);
  g_assert_cmpuint (count_api_requests (sim, "retrieve", 1), ==, 1);
  g_assert_cmpint (luma_task_get_state (lookup (window, SEED_ID_2)), ==, LUMA_TASK_STATE_NOT_FOUND);
  g_assert_cmpstr (luma_task_row_get_state_label (row_of (window, SEED_ID_2)), ==, "Not found");
  g_assert_null (window->error_toast);
  assert_baseline (window, &base);

  /* A batch. */
  next_step (window, sim);
  set_fault (sim, "empty-object", NULL, FAULT_COUNT_FINAL);
  _luma_window_add_text (window, batch_text);
  LUMA_TEST_WAIT_UNTIL (all_failed (window, batch), WAIT_MS);
  g_assert_true (all_failed (window, batch));
  g_assert_cmpuint (count_api_requests (sim, "retrieve_batch", 3), ==, 1);
  assert_fault_shown (window, &empty, batch);
  assert_baseline (window, &base);
  g_assert_cmpuint (n_tasks (window), ==, 7);
  assert_window_alive (window);

  baseline_clear (&base);
  luma_test_destroy_window (window);
}

/* ------------------------------------------------------------------------ */
/* Hostile input                                                            */

/* A history that is no database: set aside whole, said so in a toast that
 * stays, and a fresh history that works and is kept. */
static void
test_corrupt_database (void)
{
  static const char garbage[] = "SQLite format 3\0 but only in name: the rest is words in a file\n";
  g_autoptr(LumaTestSim) sim = luma_test_sim_start (NULL);
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "luma-tasks", NULL);
  g_autofree char *path = g_build_filename (dir, "tasks.db", NULL);
  g_autofree char *aside = NULL;
  g_autofree char *aside_contents = NULL;
  g_autofree char *notice = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  gsize aside_size = 0;
  LumaWindow *window;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents_full (path, garbage, sizeof garbage, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);

  point_at (sim);
  window = open_window (LUMA_CLIENT_DEFAULT_TIMEOUT);

  /* The file was moved aside, byte for byte. */
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_prefix (name, "tasks.db.broken-"))
      aside = g_build_filename (dir, name, NULL);
  g_assert_nonnull (aside);
  g_assert_true (g_file_get_contents (aside, &aside_contents, &aside_size, NULL));
  g_assert_cmpmem (aside_contents, aside_size, garbage, sizeof garbage);

  /* The toast names it and stays until dismissed. */
  {
    g_autofree char *base = g_path_get_basename (aside);

    notice = g_strdup_printf ("The task history could not be read and was set aside as %s; a new one was started.", base);
  }
  g_assert_cmpstr (window->history_notice, ==, notice);
  assert_toast_shown (window, notice);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->list_stack), ==, "empty");

  /* The app works: a task added, answered, kept across a restart. */
  _luma_window_add_text (window, SEED_ID_1);
  LUMA_TEST_WAIT_UNTIL (answered_without_error (window, SEED_ID_1) && !is_busy (window), WAIT_MS);
  g_assert_cmpint (luma_task_get_state (lookup (window, SEED_ID_1)), ==, LUMA_TASK_STATE_COMPLETED);
  assert_toast_shown (window, notice);
  assert_window_alive (window);
  luma_test_iterate (300);
  luma_test_destroy_window (window);

  window = open_window (LUMA_CLIENT_DEFAULT_TIMEOUT);
  g_assert_null (window->history_notice);
  g_assert_false (toast_shown (window, notice));
  g_assert_cmpuint (n_tasks (window), ==, 1);
  g_assert_cmpint (luma_task_get_state (lookup (window, SEED_ID_1)), ==, LUMA_TASK_STATE_COMPLETED);
  /* The broken one is still there for the user. */
  g_assert_true (g_file_test (aside, G_FILE_TEST_IS_REGULAR));
  luma_test_destroy_window (window);
}

static LumaThumbnail *
row_thumbnail (LumaWindow *window,
               const char *id)
{
  GtkStack *slot = luma_task_row_get_thumbnail_slot (row_of (window, id));

  return LUMA_THUMBNAIL (gtk_stack_get_child_by_name (slot, "thumbnail"));
}

/* Thumbnails in the cache that cannot be used: a file of garbage, thrown
 * away and fetched again, and a folder where the file should be (which
 * nobody can read as a file, root included), where the row shows the
 * "missing image" icon and says why. The tasks and the list are untouched. */
static void
test_corrupt_thumbnail_cache (void)
{
  /* Its own simulator, cache and loader: nothing loaded before. */
  g_autoptr(LumaTestSim) sim = luma_test_sim_start (NULL);
  g_autofree char *cache_path = g_build_filename (g_get_user_cache_dir (), "luma-tasks", NULL);
  g_autoptr(GFile) cache_dir = g_file_new_for_path (cache_path);
  g_autoptr(LumaMediaCache) cache = luma_media_cache_new (cache_dir);
  g_autoptr(LumaThumbnailLoader) loader = luma_thumbnail_loader_new (cache);
  g_autoptr(GFile) garbage_file = luma_media_cache_get_file (cache, SEED_ID_1, LUMA_MEDIA_KIND_THUMBNAIL);
  g_autoptr(GFile) folder_file = luma_media_cache_get_file (cache, SEED_ID_2, LUMA_MEDIA_KIND_THUMBNAIL);
  g_autofree char *garbage_path = g_file_get_path (garbage_file);
  g_autofree char *folder_path = g_file_get_path (folder_file);
  g_autofree char *parent = g_path_get_dirname (garbage_path);
  g_autoptr(GError) error = NULL;
  LumaThumbnail *thumbnail;
  LumaWindow *window;
  g_autofree char *record = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_unlink (garbage_path);
  g_rmdir (folder_path);
  g_unlink (folder_path);
  g_file_set_contents (garbage_path, "\xff\xd8\xff this is not a JPEG at all", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (folder_path, 0700), ==, 0);
  luma_media_cache_set_default (cache);
  luma_thumbnail_loader_set_default (loader);

  point_at (sim);
  window = open_window (LUMA_CLIENT_DEFAULT_TIMEOUT);
  _luma_window_add_text (window, SEED_ID_1 "\n" SEED_ID_2);
  LUMA_TEST_WAIT_UNTIL (answered_without_error (window, SEED_ID_1) &&
                        answered_without_error (window, SEED_ID_2) &&
                        !is_busy (window), WAIT_MS);
  record = g_strdup (luma_task_get_record_json (lookup (window, SEED_ID_1)));

  thumbnail = row_thumbnail (window, SEED_ID_1);
  LUMA_TEST_WAIT_UNTIL (luma_thumbnail_get_status (thumbnail) == LUMA_THUMBNAIL_FAILED ||
                        luma_thumbnail_get_status (thumbnail) == LUMA_THUMBNAIL_LOADED, WAIT_MS);
  g_test_message ("garbage in the cache: status %d, “%s”", luma_thumbnail_get_status (thumbnail),
                  luma_thumbnail_get_failure (thumbnail));
  /* Thrown away and fetched again: the real image takes its place. */
  g_assert_cmpint (luma_thumbnail_get_status (thumbnail), ==, LUMA_THUMBNAIL_LOADED);
  g_assert_null (luma_thumbnail_get_failure (thumbnail));
  g_assert_nonnull (gdk_pixbuf_get_file_info (garbage_path, NULL, NULL));

  thumbnail = row_thumbnail (window, SEED_ID_2);
  LUMA_TEST_WAIT_UNTIL (luma_thumbnail_get_status (thumbnail) == LUMA_THUMBNAIL_FAILED ||
                        luma_thumbnail_get_status (thumbnail) == LUMA_THUMBNAIL_LOADED, WAIT_MS);
  g_test_message ("a folder in the cache: status %d, “%s”", luma_thumbnail_get_status (thumbnail),
                  luma_thumbnail_get_failure (thumbnail));
  if (luma_thumbnail_get_status (thumbnail) == LUMA_THUMBNAIL_FAILED)
    {
      const char *failure = luma_thumbnail_get_failure (thumbnail);

      g_assert_nonnull (failure);
      g_assert_cmpuint (strlen (failure), >, 10);
      g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (thumbnail)), ==, failure);
    }

  /* The tasks and the list are as they were. */
  g_assert_cmpuint (n_tasks (window), ==, 2);
  g_assert_cmpstr (luma_task_get_record_json (lookup (window, SEED_ID_1)), ==, record);
  g_assert_cmpstr (luma_task_row_get_state_label (row_of (window, SEED_ID_1)), ==, "Completed");
  g_assert_cmpstr (luma_task_row_get_state_label (row_of (window, SEED_ID_2)), ==, "Completed");
  assert_window_alive (window);

  luma_test_destroy_window (window);
  luma_thumbnail_loader_set_default (NULL);
  luma_media_cache_set_default (NULL);
  g_rmdir (folder_path);
}

/* Files to import that are no list of IDs: a program and 1 GB of nothing.
 * Each is refused in a toast that names it; the list stays as it was. */
static void
test_corrupt_import_files (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start (NULL);
  /* A name with markup's special characters: toasts show it as it is. */
  g_autofree char *binary_path = g_build_filename (g_get_user_data_dir (), "Tom & Jerry <1>.bin", NULL);
  g_autofree char *huge_path = g_build_filename (g_get_user_data_dir (), "one-gigabyte.txt", NULL);
  g_autoptr(GFile) binary_file = g_file_new_for_path (binary_path);
  g_autoptr(GFile) huge_file = g_file_new_for_path (huge_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *program = NULL;
  g_autofree char *record = NULL;
  gsize program_size;
  LumaWindow *window;
  gint64 start;
  int fd;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);
  /* A program, with a task ID in it for good measure: never read as text. */
  g_assert_true (g_file_get_contents ("/bin/true", &program, &program_size, NULL));
  {
    g_autoptr(GByteArray) bytes = g_byte_array_new ();

    g_byte_array_append (bytes, (const guint8 *) program, (guint) program_size);
    g_byte_array_append (bytes, (const guint8 *) SEED_ID_2, strlen (SEED_ID_2));
    g_file_set_contents (binary_path, (const char *) bytes->data, bytes->len, &error);
    g_assert_no_error (error);
  }
  fd = g_open (huge_path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) 1 << 30), ==, 0);
  g_assert_true (g_close (fd, NULL));

  point_at (sim);
  window = open_window (LUMA_CLIENT_DEFAULT_TIMEOUT);
  _luma_window_add_text (window, SEED_ID_1);
  LUMA_TEST_WAIT_UNTIL (answered_without_error (window, SEED_ID_1) && !is_busy (window), WAIT_MS);
  record = g_strdup (luma_task_get_record_json (lookup (window, SEED_ID_1)));

  dismiss_toasts (window);
  luma_window_open_files (window, &binary_file, 1);
  assert_toast_shown (window, "“Tom & Jerry <1>.bin” is not a text file.");

  dismiss_toasts (window);
  start = g_get_monotonic_time ();
  luma_window_open_files (window, &huge_file, 1);
  assert_toast_shown (window, "“one-gigabyte.txt” is larger than 64 MiB and was not read.");
  /* Refused before reading. */
  g_test_message ("1 GB refused in %.2f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);

  luma_test_iterate (200);
  g_assert_cmpuint (n_tasks (window), ==, 1);
  g_assert_null (luma_task_list_lookup (window->list, SEED_ID_2));
  g_assert_cmpstr (luma_task_get_record_json (lookup (window, SEED_ID_1)), ==, record);
  assert_window_alive (window);

  luma_test_destroy_window (window);
  g_unlink (binary_path);
  g_unlink (huge_path);
}

static void
on_clipboard_changed (GdkClipboard *clipboard,
                      gboolean     *changed)
{
  *changed = TRUE;
}

/* Pastes @text through the window's clipboard, as Ctrl+V does. */
static void
paste (LumaWindow *window,
       const char *text)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (window));
  gboolean changed = FALSE;
  gulong handler = g_signal_connect (clipboard, "changed", G_CALLBACK (on_clipboard_changed), &changed);

  gdk_clipboard_set_text (clipboard, text);
  LUMA_TEST_WAIT_UNTIL (changed, 5000);
  g_signal_handler_disconnect (clipboard, handler);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.paste", NULL));
}

/* 10 MB pasted: log noise with two task IDs, each many times; then 10 MB
 * with none. The window takes what is there and says so, at once. */
static void
test_paste_10mb (void)
{
  g_autoptr(LumaTestSim) sim = luma_test_sim_start (NULL);
  g_autoptr(GString) with_ids = g_string_sized_new (11 * 1024 * 1024);
  g_autoptr(GString) without = g_string_sized_new (11 * 1024 * 1024);
  g_autofree char *record = NULL;
  LumaWindow *window;
  gint64 start;
  guint n = 0;

  while (with_ids->len < 10 * 1024 * 1024)
    {
      g_string_append_printf (with_ids, "2026-11-29 12:00:%02u INFO request %u finished, task_id=%s; "
                              "payload 0x%08x ok ----------------------------------\n",
                              n % 60, n, n % 2 ? SEED_ID_2 : LUMA_TEST_SIM_PORTRAIT_ID, n * 2654435761u);
      g_string_append_printf (without, "2026-11-29 12:00:%02u INFO request %u finished, no task here; "
                              "payload 0x%08x ok ----------------------------------\n",
                              n % 60, n, n * 2654435761u);
      n++;
    }

  point_at (sim);
  window = open_window (LUMA_CLIENT_DEFAULT_TIMEOUT);
  _luma_window_add_text (window, SEED_ID_1);
  LUMA_TEST_WAIT_UNTIL (answered_without_error (window, SEED_ID_1) && !is_busy (window), WAIT_MS);
  record = g_strdup (luma_task_get_record_json (lookup (window, SEED_ID_1)));

  dismiss_toasts (window);
  start = g_get_monotonic_time ();
  paste (window, with_ids->str);
  LUMA_TEST_WAIT_UNTIL (n_tasks (window) == 3, WAIT_MS);
  g_test_message ("10 MB with IDs: added in %.2f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (n_tasks (window), ==, 3);
  assert_toast_shown (window, "Added 2 tasks");
  LUMA_TEST_WAIT_UNTIL (answered_without_error (window, SEED_ID_2) &&
                        answered_without_error (window, LUMA_TEST_SIM_PORTRAIT_ID) &&
                        !is_busy (window), WAIT_MS);
  g_assert_cmpint (luma_task_get_state (lookup (window, SEED_ID_2)), ==, LUMA_TASK_STATE_COMPLETED);

  dismiss_toasts (window);
  start = g_get_monotonic_time ();
  paste (window, without->str);
  assert_toast_shown (window, "No task IDs found in the pasted text");
  g_test_message ("10 MB without IDs: answered in %.2f s", (g_get_monotonic_time () - start) / 1e6);

  /* The same again: nothing new, and said so. */
  dismiss_toasts (window);
  paste (window, with_ids->str);
  assert_toast_shown (window, "No new tasks · 2 already in the list");

  g_assert_cmpuint (n_tasks (window), ==, 3);
  g_assert_cmpstr (luma_task_get_record_json (lookup (window, SEED_ID_1)), ==, record);
  assert_window_alive (window);

  luma_test_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  luma_test_init_gtk ();
  /* Toasts come and go at once: the test reads and dismisses many. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = luma_test_app_new (&error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree char *path = g_strdup_printf ("/app-faults/matrix/%s", faults[i].kind);

      g_test_add_data_func (path, &faults[i], test_fault);
    }
  g_test_add_func ("/app-faults/matrix/unknown-ids", test_unknown_ids);
  g_test_add_func ("/app-faults/matrix/empty-object", test_empty_object);
  g_test_add_func ("/app-faults/corrupt/database", test_corrupt_database);
  g_test_add_func ("/app-faults/corrupt/thumbnail-cache", test_corrupt_thumbnail_cache);
  g_test_add_func ("/app-faults/corrupt/import-files", test_corrupt_import_files);
  g_test_add_func ("/app-faults/corrupt/paste-10mb", test_paste_10mb);

  status = g_test_run ();

  g_clear_pointer (&shared_sim, luma_test_sim_stop);
  g_clear_object (&app);

  return status;
}
