/* luma-window.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "luma-client-private.h"
#include "luma-error.h"
#include "luma-ids.h"
#include "luma-poller.h"
#include "luma-secret.h"
#include "luma-state-badge.h"
#include "luma-task-details.h"
#include "luma-task-row.h"
#include "luma-format.h"
#include "luma-window-private.h"

#define TIME_TICK_SECONDS 30

G_DEFINE_FINAL_TYPE (LumaWindow, luma_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_status (LumaWindow *self);
static void on_filter_items_changed (LumaWindow *self);
static void rebuild_filter_menu (LumaWindow *self);

LumaWindow *
luma_window_new (LumaApplication *application)
{
  return g_object_new (LUMA_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/* Toasts and banners */

void
_luma_window_show_toast (LumaWindow *self,
                         const char *title)
{
  AdwToast *toast = luma_toast_new (title);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static gboolean
is_token_error (const GError *error)
{
  return g_error_matches (error, LUMA_ERROR, LUMA_ERROR_INVALID_TOKEN) ||
         g_error_matches (error, LUMA_ERROR, LUMA_ERROR_TOKEN_MISMATCHED) ||
         g_error_matches (error, LUMA_ERROR, LUMA_ERROR_NO_TOKEN);
}

static void
show_service_banner (LumaWindow *self,
                     const char *text)
{
  gtk_label_set_label (self->token_label, text);
  gtk_revealer_set_reveal_child (self->token_revealer, TRUE);
}

static void
hide_service_banner (LumaWindow *self)
{
  gtk_revealer_set_reveal_child (self->token_revealer, FALSE);
}

void
_luma_window_show_error (LumaWindow   *self,
                         const GError *error)
{
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (g_error_matches (error, LUMA_ERROR, LUMA_ERROR_NO_TOKEN))
    {
      show_service_banner (self, _("No API token is set. Add your AceData Cloud token in Preferences to follow your tasks."));
      return;
    }
  if (is_token_error (error))
    {
      g_autofree char *description = luma_error_describe (error);
      g_autofree char *banner = g_strdup_printf (_("The service refused the API token: %s"), description);

      show_service_banner (self, banner);
      return;
    }

  text = error->domain == LUMA_ERROR ? luma_error_describe (error) : g_strdup (error->message);

  /* A server that stays down fails every poll: one toast, kept current. */
  if (self->error_toast != NULL)
    {
      luma_toast_set_text (self->error_toast, text);
      return;
    }

  self->error_toast = luma_toast_new (text);
  adw_toast_set_priority (self->error_toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_add_weak_pointer (G_OBJECT (self->error_toast), (gpointer *) &self->error_toast);
  adw_toast_overlay_add_toast (self->toast_overlay, self->error_toast);
}

/* Which server */

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static void
update_server_subtitle (LumaWindow *self)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *subtitle = NULL;
  const char *host = NULL;

  if (self->base_url != NULL)
    uri = g_uri_parse (self->base_url, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL)
    host = g_uri_get_host (uri);

  if (host == NULL)
    subtitle = g_strdup (self->base_url ? self->base_url : "");
  else if (host_is_loopback (host))
    subtitle = g_strdup (_("Demo server (simulator)"));
  else if (g_uri_get_port (uri) > 0)
    subtitle = g_strdup_printf ("%s:%d", host, g_uri_get_port (uri));
  else
    subtitle = g_strdup (host);

  adw_window_title_set_subtitle (self->window_title, subtitle);
}

/* The client: base URL and token from the environment, else from the
 * settings and the keyring. */

static void
install_client (LumaWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LumaClient) client = NULL;

  client = luma_client_new (self->base_url, self->token, &error);
  if (client == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The API base URL “%s” cannot be used: %s"),
                                               self->base_url, error->message);
      show_service_banner (self, text);
      g_clear_object (&self->client);
      luma_tracker_set_client (self->tracker, NULL);
      return;
    }

  luma_client_set_batch_size (client, g_settings_get_uint (self->settings, "batch-size"));
  luma_client_set_max_in_flight (client, g_settings_get_uint (self->settings, "max-in-flight"));

  g_set_object (&self->client, client);
  luma_tracker_set_client (self->tracker, client);
  hide_service_banner (self);
}

static void
on_token_looked_up (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(LumaWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  token = luma_secret_lookup_token_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_message ("Could not read the API token from the keyring: %s", error->message);

  /* The environment won while the keyring answered. */
  if (self->token_from_env)
    return;

  g_free (self->token);
  self->token = g_steal_pointer (&token);
  install_client (self);
}

void
_luma_window_apply_client_settings (LumaWindow *self)
{
  const char *env_base = g_getenv ("ACEDATACLOUD_API_BASE_URL");
  const char *env_token = g_getenv ("ACEDATACLOUD_API_TOKEN");
  g_autofree char *saved_base = g_settings_get_string (self->settings, "api-base-url");
  g_autofree char *old_base = g_steal_pointer (&self->base_url);

  self->base_url_from_env = env_base != NULL && *env_base != '\0';
  if (self->base_url_from_env)
    self->base_url = g_strdup (env_base);
  else if (saved_base != NULL && *saved_base != '\0')
    self->base_url = g_strdup (saved_base);
  else
    self->base_url = g_strdup (DEFAULT_API_BASE_URL);

  update_server_subtitle (self);

  self->token_from_env = env_token != NULL && *env_token != '\0';
  if (self->token_from_env)
    {
      g_free (self->token);
      self->token = g_strdup (env_token);
      install_client (self);
      return;
    }

  /* The token belongs to a server: look it up again when the URL moved. */
  if (self->client == NULL || g_strcmp0 (old_base, self->base_url) != 0)
    {
      luma_secret_lookup_token_async (self->base_url, self->cancellable,
                                      on_token_looked_up, g_object_ref (self));
      return;
    }

  install_client (self);
}

static void
on_client_setting_changed (LumaWindow *self,
                           const char *key,
                           GSettings  *settings)
{
  if (g_str_equal (key, "api-base-url"))
    _luma_window_apply_client_settings (self);
  else if (self->client != NULL && g_str_equal (key, "batch-size"))
    luma_client_set_batch_size (self->client, g_settings_get_uint (settings, key));
  else if (self->client != NULL && g_str_equal (key, "max-in-flight"))
    luma_client_set_max_in_flight (self->client, g_settings_get_uint (settings, key));
}

void
_luma_window_set_token (LumaWindow *self,
                        const char *token)
{
  g_return_if_fail (LUMA_IS_WINDOW (self));

  if (self->token_from_env)
    return;

  g_free (self->token);
  self->token = token != NULL && *token != '\0' ? g_strdup (token) : NULL;
  if (self->client != NULL)
    luma_client_set_token (self->client, self->token);
  else
    install_client (self);

  hide_service_banner (self);
  if (self->loaded && self->token != NULL)
    luma_tracker_refresh (self->tracker, NULL);
}

const char *
_luma_window_get_base_url (LumaWindow *self)
{
  return self->base_url;
}

gboolean
_luma_window_token_from_env (LumaWindow *self)
{
  return self->token_from_env;
}

gboolean
_luma_window_base_url_from_env (LumaWindow *self)
{
  return self->base_url_from_env;
}

LumaClient *
_luma_window_get_client (LumaWindow *self)
{
  return self->client;
}

LumaTracker *
_luma_window_get_tracker (LumaWindow *self)
{
  return self->tracker;
}

/* Adding tasks */

static guint
add_text_now (LumaWindow *self,
              const char *text)
{
  LumaIdsReport report = { 0 };
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GString) message = g_string_new (NULL);
  guint n_added;
  guint n_known = 0;

  added = luma_tracker_add_text (self->tracker, text, &report, &n_known);
  n_added = added != NULL ? added->len : 0;

  if (report.n_found == 0)
    {
      _luma_window_show_toast (self, _("No task IDs found in the pasted text"));
      return 0;
    }

  if (n_added > 0)
    g_string_append_printf (message,
                            g_dngettext (GETTEXT_PACKAGE, "Added %u task", "Added %u tasks", n_added),
                            n_added);
  else
    g_string_append (message, _("No new tasks"));
  if (n_known > 0)
    {
      g_string_append (message, " · ");
      g_string_append_printf (message,
                              g_dngettext (GETTEXT_PACKAGE, "%u already in the list", "%u already in the list", n_known),
                              n_known);
    }

  _luma_window_show_toast (self, message->str);

  /* Show the first new task when it is the only one. */
  if (n_added == 1)
    luma_window_select_task (self, luma_task_get_id (g_ptr_array_index (added, 0)));

  return report.n_found;
}

guint
_luma_window_add_text (LumaWindow *self,
                       const char *text)
{
  LumaIdsReport report = { 0 };
  g_auto(GStrv) ids = NULL;

  g_return_val_if_fail (LUMA_IS_WINDOW (self), 0);

  if (text == NULL)
    text = "";

  if (!self->loaded)
    {
      /* Keep the order the user expects: stored tasks first, then these. */
      ids = luma_ids_extract (text, -1, &report);
      if (report.n_found == 0)
        {
          _luma_window_show_toast (self, _("No task IDs found in the pasted text"));
          return 0;
        }
      g_ptr_array_add (self->pending_texts, g_strdup (text));
      return report.n_found;
    }

  return add_text_now (self, text);
}

void
luma_window_add_text (LumaWindow *self,
                      const char *text)
{
  g_return_if_fail (LUMA_IS_WINDOW (self));

  _luma_window_add_text (self, text);
}

void
luma_window_open_files (LumaWindow  *self,
                        GFile      **files,
                        guint        n_files)
{
  g_return_if_fail (LUMA_IS_WINDOW (self));

  _luma_window_import_files (self, files, n_files);
}

/* Filtering and sorting */

static gboolean
is_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      return FALSE;
  return TRUE;
}

/* @needle is casefolded and ASCII: compare ASCII letters without case,
 * without allocating (this runs for every task on every keystroke). */
static gboolean
contains_ascii_nocase (const char *haystack,
                       const char *needle)
{
  gsize needle_len = strlen (needle);

  for (const char *p = haystack; *p != '\0'; p++)
    {
      if (g_ascii_tolower (*p) == needle[0] &&
          g_ascii_strncasecmp (p, needle, needle_len) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
contains_casefold (const char *haystack,
                   const char *needle,
                   gboolean    needle_is_ascii)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL || *haystack == '\0')
    return FALSE;

  if (needle_is_ascii)
    return contains_ascii_nocase (haystack, needle);

  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, needle) != NULL;
}

static gboolean
filter_task (gpointer item,
             gpointer user_data)
{
  LumaWindow *self = user_data;
  LumaTask *task = item;
  LumaTaskState state = luma_task_get_state (task);

  switch (self->filter_mode)
    {
    case LUMA_FILTER_UNFINISHED:
      if (!luma_task_is_unfinished (task))
        return FALSE;
      break;
    case LUMA_FILTER_COMPLETED:
      if (state != LUMA_TASK_STATE_COMPLETED)
        return FALSE;
      break;
    case LUMA_FILTER_FAILED:
      if (state != LUMA_TASK_STATE_FAILED)
        return FALSE;
      break;
    case LUMA_FILTER_ALL:
    default:
      break;
    }

  if (self->search_casefold == NULL)
    return TRUE;

  return contains_casefold (luma_task_get_id (task), self->search_casefold, self->search_is_ascii) ||
         contains_casefold (luma_task_get_video_id (task), self->search_casefold, self->search_is_ascii) ||
         contains_casefold (luma_task_get_prompt (task), self->search_casefold, self->search_is_ascii);
}

static int
state_rank (LumaTaskState state)
{
  /* Problems first, then what is running, then what is done. */
  switch (state)
    {
    case LUMA_TASK_STATE_FAILED:
      return 0;
    case LUMA_TASK_STATE_NOT_FOUND:
      return 1;
    case LUMA_TASK_STATE_PROCESSING:
      return 2;
    case LUMA_TASK_STATE_OTHER:
      return 3;
    case LUMA_TASK_STATE_PENDING:
      return 4;
    case LUMA_TASK_STATE_LOADING:
      return 5;
    case LUMA_TASK_STATE_COMPLETED:
    default:
      return 6;
    }
}

static int
compare_tasks (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  LumaWindow *self = user_data;
  LumaTask *task_a = (LumaTask *) a;
  LumaTask *task_b = (LumaTask *) b;

  if (self->sort_mode == LUMA_SORT_STATE)
    {
      int rank_a = state_rank (luma_task_get_state (task_a));
      int rank_b = state_rank (luma_task_get_state (task_b));

      return rank_a < rank_b ? GTK_ORDERING_SMALLER : rank_a > rank_b ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
    }
  else
    {
      /* Newest first; tasks the service has not dated yet go last. */
      double created_a = luma_task_get_created_at (task_a);
      double created_b = luma_task_get_created_at (task_b);

      if (created_a < 0 && created_b < 0)
        return GTK_ORDERING_EQUAL;
      if (created_a < 0)
        return GTK_ORDERING_LARGER;
      if (created_b < 0)
        return GTK_ORDERING_SMALLER;
      return created_a > created_b ? GTK_ORDERING_SMALLER : created_a < created_b ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
    }
}

static LumaFilterMode
filter_mode_from_string (const char *name)
{
  if (g_strcmp0 (name, "unfinished") == 0)
    return LUMA_FILTER_UNFINISHED;
  if (g_strcmp0 (name, "completed") == 0)
    return LUMA_FILTER_COMPLETED;
  if (g_strcmp0 (name, "failed") == 0)
    return LUMA_FILTER_FAILED;
  return LUMA_FILTER_ALL;
}

static LumaSortMode
sort_mode_from_string (const char *name)
{
  if (g_strcmp0 (name, "created") == 0)
    return LUMA_SORT_CREATED;
  if (g_strcmp0 (name, "state") == 0)
    return LUMA_SORT_STATE;
  return LUMA_SORT_ADDED;
}

void
_luma_window_refilter (LumaWindow *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

void
_luma_window_resort (LumaWindow *self)
{
  /* Date added is the list's own order: no sorter at all. */
  if (self->sort_mode == LUMA_SORT_ADDED)
    gtk_sort_list_model_set_sorter (self->sort_model, NULL);
  else
    {
      gtk_sort_list_model_set_sorter (self->sort_model, GTK_SORTER (self->sorter));
      gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
    }
}

static void
on_filter_setting_changed (LumaWindow *self,
                           const char *key,
                           GSettings  *settings)
{
  g_autofree char *value = g_settings_get_string (settings, key);

  if (g_str_equal (key, "filter"))
    {
      self->filter_mode = filter_mode_from_string (value);
      _luma_window_refilter (self);
    }
  else
    {
      self->sort_mode = sort_mode_from_string (value);
      _luma_window_resort (self);
    }
  rebuild_filter_menu (self);
  update_status (self);
}

static void
on_search_changed (LumaWindow     *self,
                   GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  g_clear_pointer (&self->search_casefold, g_free);
  if (*stripped != '\0')
    {
      self->search_casefold = g_utf8_casefold (stripped, -1);
      self->search_is_ascii = is_ascii (self->search_casefold);
    }

  _luma_window_refilter (self);
}

static void
on_stop_search (LumaWindow     *self,
                GtkSearchEntry *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* Counts, the filter menu and the status line */

static const char *
filter_label (LumaFilterMode mode)
{
  switch (mode)
    {
    case LUMA_FILTER_UNFINISHED:
      return _("Unfinished");
    case LUMA_FILTER_COMPLETED:
      return _("Completed");
    case LUMA_FILTER_FAILED:
      return _("Failed");
    case LUMA_FILTER_ALL:
    default:
      return _("All");
    }
}

static guint
count_for (LumaWindow     *self,
           LumaFilterMode  mode)
{
  guint n = 0;

  switch (mode)
    {
    case LUMA_FILTER_UNFINISHED:
      g_object_get (self->list, "n-unfinished", &n, NULL);
      break;
    case LUMA_FILTER_COMPLETED:
      g_object_get (self->list, "n-completed", &n, NULL);
      break;
    case LUMA_FILTER_FAILED:
      g_object_get (self->list, "n-failed", &n, NULL);
      break;
    case LUMA_FILTER_ALL:
    default:
      n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
      break;
    }

  return n;
}

static void
rebuild_filter_menu (LumaWindow *self)
{
  static const char *names[] = { "all", "unfinished", "completed", "failed" };
  g_autoptr(GMenu) show = g_menu_new ();
  g_autoptr(GMenu) sort = g_menu_new ();
  g_autofree char *button_label = NULL;

  g_menu_remove_all (self->filter_menu);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      /* Translators: a state filter and how many tasks it holds. */
      g_autofree char *label = g_strdup_printf (_("%s (%u)"), filter_label (i), count_for (self, i));
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target (item, "win.filter", "s", names[i]);
      g_menu_append_item (show, item);
    }

  g_menu_append (sort, _("Date Added"), "win.sort::added");
  g_menu_append (sort, _("Created Time"), "win.sort::created");
  g_menu_append (sort, _("State"), "win.sort::state");

  g_menu_append_section (self->filter_menu, _("Show"), G_MENU_MODEL (show));
  g_menu_append_section (self->filter_menu, _("Sort By"), G_MENU_MODEL (sort));

  button_label = g_strdup_printf (_("%s (%u)"), filter_label (self->filter_mode),
                                  count_for (self, self->filter_mode));
  gtk_menu_button_set_label (self->filter_button, button_label);
}

static void
update_list_page (LumaWindow *self)
{
  const char *page;

  /* The history shows as it loads. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->list)) == 0)
    page = self->loaded ? "empty" : "loading";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0 &&
           gtk_filter_list_model_get_pending (self->filter_model) == 0)
    page = "no-results";
  else
    page = "list";

  gtk_spinner_set_spinning (self->loading_spinner, g_str_equal (page, "loading"));
  /* The history shows the moment it is there, not faded in over it. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->list_stack), "loading") == 0)
    gtk_stack_set_visible_child_full (self->list_stack, page, GTK_STACK_TRANSITION_TYPE_NONE);
  else
    gtk_stack_set_visible_child_name (self->list_stack, page);
}

static LumaPoller *
get_poller (LumaWindow *self)
{
  return g_signal_group_dup_target (self->poller_signals);
}

static gboolean
status_tick_cb (gpointer user_data)
{
  LumaWindow *self = user_data;

  update_status (self);
  return G_SOURCE_CONTINUE;
}

static void
update_status (LumaWindow *self)
{
  g_autoptr(LumaPoller) poller = get_poller (self);
  g_autofree char *text = NULL;
  gboolean busy = FALSE;
  gboolean paused = FALSE;
  gboolean working;
  gint64 next_poll = 0;
  guint n_unfinished = 0;

  g_object_get (self->tracker, "busy", &busy, NULL);
  if (poller != NULL)
    {
      busy = busy || luma_poller_get_busy (poller);
      paused = luma_poller_get_paused (poller);
      next_poll = luma_poller_get_next_poll (poller);
    }
  g_object_get (self->list, "n-unfinished", &n_unfinished, NULL);

  gtk_revealer_set_reveal_child (self->network_revealer, paused);

  if (self->export_status != NULL)
    text = g_strdup (self->export_status);
  else if (!self->loaded)
    text = g_strdup (_("Loading your tasks…"));
  else if (paused)
    text = g_strdup (_("Refreshing paused: no network"));
  else if (busy)
    text = g_strdup (_("Refreshing…"));
  else if (next_poll > 0 && n_unfinished > 0)
    {
      gint64 seconds = (next_poll - g_get_monotonic_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;

      if (seconds < 1)
        seconds = 1;
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Next refresh in %d s", "Next refresh in %d s", (int) seconds),
                              (int) seconds);
    }
  else if (n_unfinished == 0 && g_list_model_get_n_items (G_LIST_MODEL (self->list)) > 0)
    text = g_strdup (_("Every task has finished"));
  else
    text = g_strdup ("");

  gtk_label_set_label (self->status_label, text);
  working = busy || !self->loaded || self->export_status != NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->status_spinner), working);
  gtk_spinner_set_spinning (self->status_spinner, working);
  gtk_spinner_set_spinning (self->refresh_spinner, busy);
  gtk_stack_set_visible_child_name (self->refresh_stack, busy ? "busy" : "idle");

  /* Count down only while a refresh is planned. */
  if (next_poll > 0 && !busy && !paused && n_unfinished > 0)
    {
      if (self->status_tick_id == 0)
        self->status_tick_id = g_timeout_add_seconds (1, status_tick_cb, self);
    }
  else
    g_clear_handle_id (&self->status_tick_id, g_source_remove);
}

void
_luma_window_set_export_status (LumaWindow    *self,
                                gconstpointer  owner,
                                const char    *text)
{
  if (text == NULL && owner != self->export_owner)
    return;

  g_free (self->export_status);
  self->export_status = g_strdup (text);
  self->export_owner = text != NULL ? owner : NULL;
  update_status (self);
}

static gboolean
counts_idle_cb (gpointer user_data)
{
  LumaWindow *self = user_data;

  self->counts_id = 0;

  /* A task that moved to another state may leave or join the filter, or move
   * in the sort order. */
  if (self->filter_mode != LUMA_FILTER_ALL)
    _luma_window_refilter (self);
  if (self->sort_mode != LUMA_SORT_ADDED)
    gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);

  rebuild_filter_menu (self);
  update_status (self);
  update_list_page (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_counts (LumaWindow *self)
{
  /* Before the next frame is laid out: the counts it shows are current. */
  if (self->counts_id == 0)
    self->counts_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, counts_idle_cb, self, NULL);
}

static void
on_list_counts_changed (LumaWindow *self)
{
  schedule_counts (self);
}

static void
on_list_items_changed (LumaWindow *self,
                       guint       position,
                       guint       removed,
                       guint       added,
                       GListModel *model)
{
  schedule_counts (self);
}

static void
on_filter_items_changed (LumaWindow *self)
{
  update_list_page (self);

  if (self->select_pending != NULL &&
      gtk_filter_list_model_get_pending (self->filter_model) == 0 &&
      gtk_sort_list_model_get_pending (self->sort_model) == 0)
    {
      g_autofree char *id = g_steal_pointer (&self->select_pending);
      luma_window_select_task (self, id);
    }
}

/* The selection and the details */

GPtrArray *
_luma_window_dup_selected_tasks (LumaWindow *self)
{
  g_autoptr(GtkBitset) bitset = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  GPtrArray *tasks = g_ptr_array_new_with_free_func (g_object_unref);
  GtkBitsetIter iter;
  guint position;

  if (gtk_bitset_iter_init_first (&iter, bitset, &position))
    {
      do
        g_ptr_array_add (tasks, g_list_model_get_item (G_LIST_MODEL (self->selection), position));
      while (gtk_bitset_iter_next (&iter, &position));
    }

  return tasks;
}

GPtrArray *
_luma_window_dup_visible_tasks (LumaWindow *self)
{
  GListModel *model = G_LIST_MODEL (self->filter_model);
  guint n = g_list_model_get_n_items (model);
  GPtrArray *tasks = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (tasks, g_list_model_get_item (model, i));

  return tasks;
}

GPtrArray *
_luma_window_dup_all_tasks (LumaWindow *self)
{
  GListModel *model = G_LIST_MODEL (self->list);
  guint n = g_list_model_get_n_items (model);
  GPtrArray *tasks = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (tasks, g_list_model_get_item (model, i));

  return tasks;
}

static void
update_details (LumaWindow *self)
{
  g_autoptr(GtkBitset) bitset = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  guint64 n_selected = gtk_bitset_get_size (bitset);
  g_autoptr(LumaTask) task = NULL;
  gboolean any = n_selected > 0;

  if (n_selected == 1)
    task = g_list_model_get_item (G_LIST_MODEL (self->selection), gtk_bitset_get_nth (bitset, 0));

  luma_task_details_set_task (self->details, task, (guint) MIN (n_selected, G_MAXUINT));

  if (task != NULL)
    {
      adw_window_title_set_title (self->details_title, _("Task Details"));
      adw_window_title_set_subtitle (self->details_title, luma_task_get_id (task));
    }
  else
    {
      adw_window_title_set_title (self->details_title, "");
      adw_window_title_set_subtitle (self->details_title, "");
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.remove-selected", any);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-selected", any);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh-selected", any);
}

static void
on_selection_changed (LumaWindow *self)
{
  update_details (self);
}

static void
on_list_activate (LumaWindow  *self,
                  guint        position,
                  GtkListView *list_view)
{
  /* In a narrow window the details replace the list. */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, self->details_pane);
}

gboolean
luma_window_select_task (LumaWindow *self,
                         const char *id)
{
  LumaTask *task;
  GListModel *model;
  guint n;

  g_return_val_if_fail (LUMA_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  task = luma_task_list_lookup (self->list, id);
  if (task == NULL)
    return FALSE;

  _luma_window_reveal_all_rows (self);

  /* A task hidden by the search or the filter: show everything. */
  if (!filter_task (task, self))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      g_clear_pointer (&self->search_casefold, g_free);
      g_settings_set_string (self->settings, "filter", "all");
      self->filter_mode = LUMA_FILTER_ALL;
      _luma_window_refilter (self);
    }

  /* Look in the list as shown (the filter may still be at work: the task
   * is then found once it is done). */
  model = G_LIST_MODEL (self->filter_model);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(LumaTask) item = g_list_model_get_item (model, i);

      if (item == task)
        {
          gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), i, TRUE);
          gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", i);
          if (adw_leaflet_get_folded (self->leaflet))
            adw_leaflet_set_visible_child (self->leaflet, self->details_pane);
          g_clear_pointer (&self->select_pending, g_free);
          return TRUE;
        }
    }

  /* Still being filtered (a long list): select it once it shows. */
  if (gtk_filter_list_model_get_pending (self->filter_model) > 0 ||
      gtk_sort_list_model_get_pending (self->sort_model) > 0)
    {
      g_free (self->select_pending);
      self->select_pending = g_strdup (id);
      return TRUE;
    }

  return FALSE;
}

/* Rows */

static gboolean
time_tick_cb (gpointer user_data)
{
  LumaWindow *self = user_data;
  gint64 now = g_get_real_time ();
  GHashTableIter iter;
  gpointer row;

  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    luma_task_row_update_time (row, now);

  return G_SOURCE_CONTINUE;
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           LumaWindow               *self)
{
  gtk_list_item_set_child (item, luma_task_row_new ());
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          LumaWindow               *self)
{
  LumaTaskRow *row = LUMA_TASK_ROW (gtk_list_item_get_child (item));

  luma_task_row_set_task (row, gtk_list_item_get_item (item));
  g_hash_table_add (self->bound_rows, row);
}

static void
unbind_row (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            LumaWindow               *self)
{
  LumaTaskRow *row = LUMA_TASK_ROW (gtk_list_item_get_child (item));

  g_hash_table_remove (self->bound_rows, row);
  luma_task_row_set_task (row, NULL);
}

static void
teardown_row (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              LumaWindow               *self)
{
  GtkWidget *row = gtk_list_item_get_child (item);

  if (row != NULL)
    g_hash_table_remove (self->bound_rows, row);
}

/* The engine's signals */

static void
on_tracker_error (LumaWindow   *self,
                  const GError *error,
                  LumaTracker  *tracker)
{
  _luma_window_show_error (self, error);
}

static void
on_tracker_retrying (LumaWindow   *self,
                     const GError *error,
                     double        delay,
                     LumaTracker  *tracker)
{
  g_autofree char *text = NULL;
  guint seconds = (guint) MAX (1.0, delay + 0.5);

  if (g_error_matches (error, LUMA_ERROR, LUMA_ERROR_TOO_MANY_REQUESTS))
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Rate limited — retrying in %u s",
                                         "Rate limited — retrying in %u s", seconds),
                            seconds);
  else
    {
      g_autofree char *description = luma_error_describe (error);
      gsize len = strlen (description);

      /* The dash goes on with the sentence: "… (HTTP 502) — retrying",
       * not "… (HTTP 502). — retrying". An ellipsis stays. */
      if (len > 0 && description[len - 1] == '.' && (len == 1 || description[len - 2] != '.'))
        description[len - 1] = '\0';

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%s — retrying in %u s",
                                           "%s — retrying in %u s", seconds),
                              description, seconds);
    }

  /* One toast for the retries, updated in place. */
  if (self->rate_toast != NULL)
    {
      luma_toast_set_text (self->rate_toast, text);
      return;
    }

  self->rate_toast = luma_toast_new (text);
  /* Ahead of the "Added N tasks" toast, or it would show too late. */
  adw_toast_set_priority (self->rate_toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (self->rate_toast, MAX (seconds + 2, 5));
  g_object_add_weak_pointer (G_OBJECT (self->rate_toast), (gpointer *) &self->rate_toast);
  adw_toast_overlay_add_toast (self->toast_overlay, self->rate_toast);
}

static void
notify_finished (LumaWindow *self,
                 GPtrArray  *tasks)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = NULL;
  LumaTask *first;
  guint n_failed = 0;

  if (app == NULL || tasks == NULL || tasks->len == 0)
    return;
  if (!g_settings_get_boolean (self->settings, "notify-finished"))
    return;
  if (gtk_window_is_active (GTK_WINDOW (self)))
    return;

  for (guint i = 0; i < tasks->len; i++)
    if (luma_task_get_state (g_ptr_array_index (tasks, i)) == LUMA_TASK_STATE_FAILED)
      n_failed++;

  first = g_ptr_array_index (tasks, 0);
  if (tasks->len == 1)
    {
      const char *prompt = luma_task_get_prompt (first);

      notification = g_notification_new (n_failed > 0 ? _("A task failed") : _("A video is ready"));
      if (n_failed > 0 && luma_task_get_failure_reason (first) != NULL)
        body = g_strdup (luma_task_get_failure_reason (first));
      else
        body = g_strdup (prompt != NULL && *prompt != '\0' ? prompt : luma_task_get_id (first));
    }
  else
    {
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "%u task finished",
                                                             "%u tasks finished", tasks->len),
                                                tasks->len);
      notification = g_notification_new (title);
      if (n_failed > 0)
        body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of them failed.", "%u of them failed.", n_failed),
                                n_failed);
    }

  if (body != NULL)
    g_notification_set_body (notification, body);
  g_notification_set_default_action_and_target (notification, "app.select-task", "s",
                                                luma_task_get_id (first));
  g_application_send_notification (app, "tasks-finished", notification);
  self->notified = TRUE;
}

/* Back in the window: the notification has said what it had to. */
static void
on_active_changed (LumaWindow *self)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (!self->notified || app == NULL || !gtk_window_is_active (GTK_WINDOW (self)))
    return;

  g_application_withdraw_notification (app, "tasks-finished");
  self->notified = FALSE;
}

static void
on_tasks_finished (LumaWindow  *self,
                   GPtrArray   *tasks,
                   LumaTracker *tracker)
{
  notify_finished (self, tasks);
}

static void
on_busy_changed (LumaWindow *self)
{
  update_status (self);
}

static void
on_poller_polled (LumaWindow      *self,
                  LumaBatchResult *result,
                  GPtrArray       *changed,
                  LumaPoller      *poller)
{
  /* A poll that went through: the token works again. */
  if (result != NULL && result->error == NULL && _luma_batch_result_get_n_records (result) > 0)
    hide_service_banner (self);
  update_status (self);
}

static void
on_poller_changed (LumaWindow *self)
{
  update_status (self);
}

static void
on_tracker_poller_changed (LumaWindow *self)
{
  g_autoptr(LumaPoller) poller = NULL;

  g_object_get (self->tracker, "poller", &poller, NULL);
  g_signal_group_set_target (self->poller_signals, poller);
  update_status (self);
}

/* Loading the history */

/* For the start-up benchmarks (tests/bench/bench-startup.c): with
 * LUMA_TASKS_BENCH=first-frame the window prints, in monotonic µs (the
 * clock the benchmark shares):
 *   FIRST-FRAME <time> <rows>  the first frame painted with rows in it (or
 *                              once the history is loaded, if it has none);
 *   LOADED <time> <rss> <tasks> the first frame painted once the whole
 *                              history is loaded, with the resident memory;
 * then the app quits. */
static void
on_bench_after_paint (GdkFrameClock *clock,
                      LumaWindow    *self)
{
  g_autofree char *status = NULL;
  guint n_rows = g_hash_table_size (self->bound_rows);
  const char *rss;
  GApplication *app;

  if (!self->bench_first_done && (n_rows > 0 || self->loaded))
    {
      self->bench_first_done = TRUE;
      g_print ("FIRST-FRAME %" G_GINT64_FORMAT " %u\n", g_get_monotonic_time (), n_rows);
    }

  if (!self->loaded)
    return;

  g_signal_handlers_disconnect_by_func (clock, on_bench_after_paint, self);

  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (rss = strstr (status, "VmRSS:")) != NULL)
    rss += strlen ("VmRSS:");
  else
    rss = "0";

  g_print ("LOADED %" G_GINT64_FORMAT " %" G_GUINT64_FORMAT " %u\n",
           g_get_monotonic_time (),
           g_ascii_strtoull (rss, NULL, 10) * 1024,
           g_list_model_get_n_items (G_LIST_MODEL (self->list)));

  app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  if (app != NULL)
    g_application_quit (app);
}

static void
on_bench_map (LumaWindow *self)
{
  g_signal_handlers_disconnect_by_func (self, on_bench_map, NULL);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                    G_CALLBACK (on_bench_after_paint), self);
}

/* The first rows. GtkListView 4.8 builds some 200 rows for any long list,
 * most of them out of sight, at most of a millisecond each: the first
 * frame gets the rows that fit, each later frame some more, until the
 * list view has all it wants. */
#define FIRST_ROWS_GROWTH 48
#define FIRST_ROWS_ENOUGH 256
#define FIRST_ROWS_MIN_HEIGHT 40

static guint
first_rows_count (LumaWindow *self)
{
  int width = 0;
  int height = 0;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  return MAX (height, 800) / FIRST_ROWS_MIN_HEIGHT + 2;
}

void
_luma_window_reveal_all_rows (LumaWindow *self)
{
  if (self->first_rows_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->list_view), self->first_rows_tick_id);
      self->first_rows_tick_id = 0;
    }
  gtk_slice_list_model_set_size (self->first_rows, G_MAXUINT);
}

static gboolean
first_rows_tick_cb (GtkWidget     *widget,
                    GdkFrameClock *clock,
                    gpointer       user_data)
{
  LumaWindow *self = user_data;
  guint size = gtk_slice_list_model_get_size (self->first_rows);

  if (size >= FIRST_ROWS_ENOUGH ||
      (self->loaded && g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) <= size))
    {
      self->first_rows_tick_id = 0;
      gtk_slice_list_model_set_size (self->first_rows, G_MAXUINT);
      return G_SOURCE_REMOVE;
    }

  /* Rows built by an earlier frame have been painted: more may follow. */
  if (g_hash_table_size (self->bound_rows) > 0)
    gtk_slice_list_model_set_size (self->first_rows, size + FIRST_ROWS_GROWTH);

  return G_SOURCE_CONTINUE;
}

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  LumaTracker *tracker = LUMA_TRACKER (object);
  LumaWindow *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *moved_aside = NULL;
  g_autoptr(GPtrArray) pending = NULL;

  if (!luma_tracker_load_finish (tracker, result, &moved_aside, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = LUMA_WINDOW (user_data);
  self->loaded = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", TRUE);

  if (error != NULL)
    {
      g_free (self->history_notice);
      self->history_notice = g_strdup_printf (_("The task history could not be read: %s"), error->message);
      _luma_window_show_toast (self, self->history_notice);
    }
  else if (moved_aside != NULL)
    {
      g_autofree char *name = g_path_get_basename (moved_aside);
      AdwToast *toast;

      g_free (self->history_notice);
      self->history_notice = g_strdup_printf (_("The task history could not be read and was set aside as %s; a new one was started."),
                                              name);
      toast = luma_toast_new (self->history_notice);

      adw_toast_set_timeout (toast, 0);
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }

  pending = g_steal_pointer (&self->pending_texts);
  self->pending_texts = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < pending->len; i++)
    add_text_now (self, g_ptr_array_index (pending, i));

  rebuild_filter_menu (self);
  update_list_page (self);
  update_status (self);
  if (self->bench_first_frame)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
_luma_window_is_loaded (LumaWindow *self)
{
  return self->loaded;
}

/* Object */

static void
luma_window_constructed (GObject *object)
{
  LumaWindow *self = LUMA_WINDOW (object);

  G_OBJECT_CLASS (luma_window_parent_class)->constructed (object);

  _luma_window_apply_client_settings (self);
}

static void
luma_window_dispose (GObject *object)
{
  LumaWindow *self = LUMA_WINDOW (object);

  g_cancellable_cancel (self->cancellable);

  g_clear_handle_id (&self->time_tick_id, g_source_remove);
  g_clear_handle_id (&self->status_tick_id, g_source_remove);
  g_clear_handle_id (&self->counts_id, g_source_remove);

  /* The engine may outlive the window by a request or two. */
  if (self->tracker != NULL)
    g_signal_handlers_disconnect_by_data (self->tracker, self);
  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  if (self->poller_signals != NULL)
    g_signal_group_set_target (self->poller_signals, NULL);
  if (self->rate_toast != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->rate_toast), (gpointer *) &self->rate_toast);
      self->rate_toast = NULL;
    }
  if (self->error_toast != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->error_toast), (gpointer *) &self->error_toast);
      self->error_toast = NULL;
    }

  if (self->list_view != NULL)
    {
      gtk_list_view_set_model (self->list_view, NULL);
      gtk_list_view_set_factory (self->list_view, NULL);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), LUMA_TYPE_WINDOW);

  if (self->undo != NULL)
    g_clear_pointer (&self->undo, luma_tracker_removal_unref);
  g_clear_object (&self->selection);
  g_clear_object (&self->first_rows);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->filter);
  g_clear_object (&self->sorter);
  g_clear_object (&self->filter_menu);
  g_clear_object (&self->poller_signals);
  g_clear_object (&self->client);
  g_clear_object (&self->list);
  g_clear_object (&self->tracker);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (luma_window_parent_class)->dispose (object);
}

static void
luma_window_finalize (GObject *object)
{
  LumaWindow *self = LUMA_WINDOW (object);

  g_clear_pointer (&self->bound_rows, g_hash_table_unref);
  g_clear_pointer (&self->pending_texts, g_ptr_array_unref);
  g_clear_pointer (&self->export_status, g_free);
  g_clear_pointer (&self->search_casefold, g_free);
  g_clear_pointer (&self->select_pending, g_free);
  g_clear_pointer (&self->history_notice, g_free);
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (luma_window_parent_class)->finalize (object);
}

static void
luma_window_class_init (LumaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = luma_window_constructed;
  object_class->dispose = luma_window_dispose;
  object_class->finalize = luma_window_finalize;

  g_type_ensure (LUMA_TYPE_TASK_DETAILS);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/luma-window.ui");
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, list_pane);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, details_pane);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, details_title);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, refresh_stack);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, refresh_spinner);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, token_revealer);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, token_label);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, network_revealer);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, filter_button);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, LumaWindow, details);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);

  _luma_window_class_init_actions (klass);
}

static void
luma_window_init (LumaWindow *self)
{
  g_autoptr(GtkListItemFactory) factory = NULL;
  g_autofree char *filter = NULL;
  g_autofree char *sort = NULL;

  /* The history loads on the store's thread while the widgets are built:
   * nothing of it reaches the window before the main loop runs again. */
  self->cancellable = g_cancellable_new ();
  self->store = luma_store_new (NULL);
  self->tracker = luma_tracker_new (self->store);
  self->list = g_object_ref (luma_tracker_get_list (self->tracker));
  luma_tracker_load_async (self->tracker, self->cancellable, on_loaded, self);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  self->pending_texts = g_ptr_array_new_with_free_func (g_free);
  self->bound_rows = g_hash_table_new (NULL, NULL);

  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "list-pane-width", self->list_pane, "width-request", G_SETTINGS_BIND_GET);

  /* The engine: the client and the poller. */

  self->poller_signals = g_signal_group_new (LUMA_TYPE_POLLER);
  g_signal_group_connect_object (self->poller_signals, "notify::busy", G_CALLBACK (on_poller_changed), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->poller_signals, "notify::paused", G_CALLBACK (on_poller_changed), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->poller_signals, "notify::next-poll", G_CALLBACK (on_poller_changed), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->poller_signals, "polled", G_CALLBACK (on_poller_polled), self, G_CONNECT_SWAPPED);

  g_signal_connect_swapped (self->tracker, "error", G_CALLBACK (on_tracker_error), self);
  g_signal_connect_swapped (self->tracker, "retrying", G_CALLBACK (on_tracker_retrying), self);
  g_signal_connect_swapped (self->tracker, "tasks-finished", G_CALLBACK (on_tasks_finished), self);
  g_signal_connect_swapped (self->tracker, "notify::busy", G_CALLBACK (on_busy_changed), self);
  g_signal_connect_swapped (self->tracker, "notify::poller", G_CALLBACK (on_tracker_poller_changed), self);
  on_tracker_poller_changed (self);

  /* The list: search and state filter over the sorted tasks. */
  filter = g_settings_get_string (self->settings, "filter");
  sort = g_settings_get_string (self->settings, "sort");
  self->filter_mode = filter_mode_from_string (filter);
  self->sort_mode = sort_mode_from_string (sort);

  self->sorter = gtk_custom_sorter_new (compare_tasks, self, NULL);
  self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->list)), NULL);
  self->filter = gtk_custom_filter_new (filter_task, self, NULL);
  self->filter_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->sort_model)),
                                                  g_object_ref (GTK_FILTER (self->filter)));
  /* Not incremental: filtering 100,000 tasks takes milliseconds, and
   * "select all", "export what is shown" and the counts then always see the
   * whole result. */
  self->first_rows = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->filter_model)),
                                               0, first_rows_count (self));
  self->selection = gtk_multi_selection_new (g_object_ref (G_LIST_MODEL (self->first_rows)));
  _luma_window_resort (self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row), self);
  g_signal_connect (factory, "teardown", G_CALLBACK (teardown_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  self->first_rows_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->list_view),
                                                           first_rows_tick_cb, self, NULL);

  g_signal_connect_swapped (self->selection, "selection-changed", G_CALLBACK (on_selection_changed), self);
  g_signal_connect_swapped (self->selection, "items-changed", G_CALLBACK (on_selection_changed), self);
  g_signal_connect_swapped (self->filter_model, "items-changed", G_CALLBACK (on_filter_items_changed), self);
  g_signal_connect_swapped (self->filter_model, "notify::pending", G_CALLBACK (on_filter_items_changed), self);
  g_signal_connect_swapped (self->sort_model, "notify::pending", G_CALLBACK (on_filter_items_changed), self);
  g_signal_connect_swapped (self->list, "items-changed", G_CALLBACK (on_list_items_changed), self);
  g_signal_connect_swapped (self->list, "notify::n-unfinished", G_CALLBACK (on_list_counts_changed), self);
  g_signal_connect_swapped (self->list, "notify::n-completed", G_CALLBACK (on_list_counts_changed), self);
  g_signal_connect_swapped (self->list, "notify::n-failed", G_CALLBACK (on_list_counts_changed), self);

  g_signal_connect_swapped (self->settings, "changed::filter", G_CALLBACK (on_filter_setting_changed), self);
  g_signal_connect_swapped (self->settings, "changed::api-base-url", G_CALLBACK (on_client_setting_changed), self);
  g_signal_connect_swapped (self->settings, "changed::batch-size", G_CALLBACK (on_client_setting_changed), self);
  g_signal_connect_swapped (self->settings, "changed::max-in-flight", G_CALLBACK (on_client_setting_changed), self);
  g_signal_connect_swapped (self->settings, "changed::sort", G_CALLBACK (on_filter_setting_changed), self);

  self->filter_menu = g_menu_new ();
  gtk_menu_button_set_menu_model (self->filter_button, G_MENU_MODEL (self->filter_menu));
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self->list_view));

  self->time_tick_id = g_timeout_add_seconds (TIME_TICK_SECONDS, time_tick_cb, self);

  _luma_window_init_actions (self);
  _luma_window_init_dnd (self);

  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_active_changed), NULL);

  self->bench_first_frame = g_strcmp0 (g_getenv ("LUMA_TASKS_BENCH"), "first-frame") == 0;
  if (self->bench_first_frame)
    g_signal_connect (self, "map", G_CALLBACK (on_bench_map), NULL);

  rebuild_filter_menu (self);
  update_details (self);
  update_list_page (self);
  update_status (self);
}
