/* luma-preferences.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "luma-client.h"
#include "luma-error.h"
#include "luma-preferences.h"
#include "luma-secret.h"
#include "luma-window-private.h"

struct _LumaPreferences
{
  AdwPreferencesWindow  parent_instance;

  LumaWindow           *window;   /* weak */
  GSettings            *settings;
  GCancellable         *cancellable;
  char                 *url_error;
  char                 *token_status;

  AdwActionRow         *env_row;
  AdwPasswordEntryRow  *token_row;
  AdwActionRow         *token_status_row;
  GtkImage             *token_status_icon;
  GtkSpinner           *check_spinner;
  AdwEntryRow          *base_url_row;
  GtkLabel             *url_error_label;
  GtkSpinButton        *batch_spin;
  GtkSpinButton        *in_flight_spin;
  GtkSpinButton        *cache_size_spin;
  GtkSwitch            *notify_switch;
};

G_DEFINE_FINAL_TYPE (LumaPreferences, luma_preferences, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_WINDOW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

LumaPreferences *
luma_preferences_new (LumaWindow *window)
{
  return g_object_new (LUMA_TYPE_PREFERENCES,
                       "transient-for", window,
                       "window", window,
                       NULL);
}

static void
set_token_status (LumaPreferences *self,
                  const char      *icon_name,
                  const char      *text)
{
  g_free (self->token_status);
  self->token_status = g_strdup (text);

  adw_action_row_set_subtitle (self->token_status_row, text ? text : "");
  gtk_image_set_from_icon_name (self->token_status_icon, icon_name);
  gtk_widget_set_visible (GTK_WIDGET (self->token_status_row), text != NULL);
}

/* The base URL */

/* NULL when @url may be used (empty means the default), else why not:
 * the client applies DESIGN §3's rule, so ask it. */
static char *
check_base_url (const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LumaClient) client = NULL;

  if (url == NULL || *url == '\0')
    return NULL;

  client = luma_client_new (url, NULL, &error);
  if (client == NULL)
    return g_strdup (error->message);

  return NULL;
}

static void
show_url_error (LumaPreferences *self,
                const char      *message)
{
  g_free (self->url_error);
  self->url_error = g_strdup (message);

  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->base_url_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->base_url_row), "error");

  gtk_label_set_label (self->url_error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->url_error_label), message != NULL);
}

static void
on_base_url_changed (LumaPreferences *self,
                     AdwEntryRow     *row)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autofree char *message = check_base_url (url);

  show_url_error (self, message);
}

static void
on_base_url_apply (LumaPreferences *self,
                   AdwEntryRow     *row)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autofree char *message = check_base_url (url);

  show_url_error (self, message);
  if (message != NULL)
    return;

  /* The default stays the default: an empty key follows future changes. */
  if (g_str_equal (url, DEFAULT_API_BASE_URL))
    g_settings_set_string (self->settings, "api-base-url", "");
  else
    g_settings_set_string (self->settings, "api-base-url", url);
}

void
luma_preferences_apply_base_url (LumaPreferences *self,
                                 const char      *url)
{
  g_return_if_fail (LUMA_IS_PREFERENCES (self));

  gtk_editable_set_text (GTK_EDITABLE (self->base_url_row), url);
  on_base_url_apply (self, self->base_url_row);
}

const char *
luma_preferences_get_url_error (LumaPreferences *self)
{
  g_return_val_if_fail (LUMA_IS_PREFERENCES (self), NULL);

  return self->url_error;
}

/* The token */

static const char *
current_base_url (LumaPreferences *self)
{
  if (self->window != NULL && _luma_window_get_base_url (self->window) != NULL)
    return _luma_window_get_base_url (self->window);
  return DEFAULT_API_BASE_URL;
}

/* Callbacks hold no strong reference on this window: a transient window
 * must not outlive its parent. Checks and look-ups are cancelled in dispose
 * and their callbacks look at the cancellation first; saving uses weak
 * references. */
typedef struct
{
  GWeakRef  self;
  GWeakRef  window;
  char     *token;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_weak_ref_clear (&data->self);
  g_weak_ref_clear (&data->window);
  g_free (data->token);
  g_free (data);
}

/* Saving is not cancelled with the window: a token applied just before
 * closing Preferences is still kept, and still used. */
static void
on_token_saved (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  SaveData *data = user_data;
  g_autoptr(LumaPreferences) self = g_weak_ref_get (&data->self);
  g_autoptr(LumaWindow) window = g_weak_ref_get (&data->window);
  g_autoptr(GError) error = NULL;
  gboolean cleared = data->token == NULL;

  if (cleared)
    luma_secret_clear_token_finish (result, &error);
  else
    luma_secret_store_token_finish (result, &error);

  if (error == NULL && window != NULL)
    _luma_window_set_token (window, data->token);

  if (self != NULL && error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The token could not be saved in the keyring: %s"), error->message);
      set_token_status (self, "dialog-error-symbolic", text);
    }
  else if (self != NULL)
    set_token_status (self, "emblem-ok-symbolic",
                      cleared ? _("The token was removed from the keyring.")
                              : _("The token was saved in the keyring."));

  save_data_free (data);
}

static void
on_token_apply (LumaPreferences *self,
                AdwEntryRow     *row)
{
  g_autofree char *token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  SaveData *data = g_new0 (SaveData, 1);

  g_weak_ref_init (&data->self, self);
  g_weak_ref_init (&data->window, self->window);
  data->token = *token != '\0' ? g_strdup (token) : NULL;

  if (data->token != NULL)
    luma_secret_store_token_async (current_base_url (self), data->token, NULL,
                                   on_token_saved, data);
  else
    luma_secret_clear_token_async (current_base_url (self), NULL,
                                   on_token_saved, data);
}

void
luma_preferences_apply_token (LumaPreferences *self,
                              const char      *token)
{
  g_return_if_fail (LUMA_IS_PREFERENCES (self));

  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token);
  on_token_apply (self, ADW_ENTRY_ROW (self->token_row));
}

void
luma_preferences_set_token_text (LumaPreferences *self,
                                 const char      *token)
{
  g_return_if_fail (LUMA_IS_PREFERENCES (self));

  gtk_editable_set_text (GTK_EDITABLE (self->token_row), token);
}

const char *
luma_preferences_get_token_status (LumaPreferences *self)
{
  g_return_val_if_fail (LUMA_IS_PREFERENCES (self), NULL);

  return self->token_status;
}

static void
on_token_checked (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  LumaPreferences *self;
  g_autoptr(GError) error = NULL;

  if (!luma_client_check_token_finish (LUMA_CLIENT (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = LUMA_PREFERENCES (user_data);

  gtk_spinner_set_spinning (self->check_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->check_spinner), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.check-token", TRUE);

  if (error == NULL)
    set_token_status (self, "emblem-ok-symbolic", _("The service accepted the token."));
  else
    {
      g_autofree char *description = luma_error_describe (error);
      g_autofree char *text = NULL;

      if (g_error_matches (error, LUMA_ERROR, LUMA_ERROR_INVALID_TOKEN) ||
          g_error_matches (error, LUMA_ERROR, LUMA_ERROR_TOKEN_MISMATCHED) ||
          g_error_matches (error, LUMA_ERROR, LUMA_ERROR_NO_TOKEN))
        text = g_strdup_printf (_("The service refused the token: %s"), description);
      else
        text = g_strdup_printf (_("The token could not be checked: %s"), description);
      set_token_status (self, "dialog-error-symbolic", text);
    }
}

static void
check_token_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  LumaPreferences *self = LUMA_PREFERENCES (widget);
  g_autofree char *typed = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));
  g_autoptr(LumaClient) client = NULL;
  g_autoptr(GError) error = NULL;
  const char *token = typed;

  /* Check what the user typed, else what the window uses. */
  if (*typed == '\0' && self->window != NULL && _luma_window_get_client (self->window) != NULL)
    client = g_object_ref (_luma_window_get_client (self->window));
  else
    client = luma_client_new (current_base_url (self), *token != '\0' ? token : NULL, &error);

  if (client == NULL)
    {
      set_token_status (self, "dialog-error-symbolic", error->message);
      return;
    }

  set_token_status (self, "content-loading-symbolic", _("Checking the token…"));
  gtk_widget_set_visible (GTK_WIDGET (self->check_spinner), TRUE);
  gtk_spinner_set_spinning (self->check_spinner, TRUE);
  gtk_widget_action_set_enabled (widget, "prefs.check-token", FALSE);

  luma_client_check_token_async (client, self->cancellable, on_token_checked, self);
}

static void
on_saved_token (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  LumaPreferences *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = luma_secret_lookup_token_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = LUMA_PREFERENCES (user_data);
  /* Show that a token is saved (as dots), unless the user typed already. */
  if (token != NULL && *gtk_editable_get_text (GTK_EDITABLE (self->token_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->token_row), token);
}

/* Object */

static void
luma_preferences_constructed (GObject *object)
{
  LumaPreferences *self = LUMA_PREFERENCES (object);
  g_autofree char *saved_url = g_settings_get_string (self->settings, "api-base-url");
  g_autoptr(GString) env = g_string_new (NULL);

  G_OBJECT_CLASS (luma_preferences_parent_class)->constructed (object);

  gtk_editable_set_text (GTK_EDITABLE (self->base_url_row),
                         *saved_url != '\0' ? saved_url : DEFAULT_API_BASE_URL);
  show_url_error (self, NULL);

  if (self->window != NULL && _luma_window_token_from_env (self->window))
    g_string_append (env, _("ACEDATACLOUD_API_TOKEN is set: this run uses it instead of the saved token."));
  if (self->window != NULL && _luma_window_base_url_from_env (self->window))
    {
      g_autofree char *text = g_strdup_printf (_("ACEDATACLOUD_API_BASE_URL is set: this run talks to %s instead of the saved URL."),
                                               _luma_window_get_base_url (self->window));
      if (env->len > 0)
        g_string_append_c (env, '\n');
      g_string_append (env, text);
    }
  if (env->len > 0)
    {
      adw_action_row_set_subtitle (self->env_row, env->str);
      gtk_widget_set_visible (GTK_WIDGET (self->env_row), TRUE);
    }

  luma_secret_lookup_token_async (current_base_url (self), self->cancellable,
                                  on_saved_token, self);
}

static void
luma_preferences_dispose (GObject *object)
{
  LumaPreferences *self = LUMA_PREFERENCES (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->window);

  gtk_widget_dispose_template (GTK_WIDGET (self), LUMA_TYPE_PREFERENCES);

  G_OBJECT_CLASS (luma_preferences_parent_class)->dispose (object);
}

static void
luma_preferences_finalize (GObject *object)
{
  LumaPreferences *self = LUMA_PREFERENCES (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->url_error, g_free);
  g_clear_pointer (&self->token_status, g_free);

  G_OBJECT_CLASS (luma_preferences_parent_class)->finalize (object);
}

static void
luma_preferences_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LumaPreferences *self = LUMA_PREFERENCES (object);

  switch (prop_id)
    {
    case PROP_WINDOW:
      g_value_set_object (value, self->window);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_preferences_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  LumaPreferences *self = LUMA_PREFERENCES (object);

  switch (prop_id)
    {
    case PROP_WINDOW:
      g_set_weak_pointer (&self->window, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_preferences_class_init (LumaPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = luma_preferences_constructed;
  object_class->dispose = luma_preferences_dispose;
  object_class->finalize = luma_preferences_finalize;
  object_class->get_property = luma_preferences_get_property;
  object_class->set_property = luma_preferences_set_property;

  properties[PROP_WINDOW] =
    g_param_spec_object ("window", NULL, NULL,
                         LUMA_TYPE_WINDOW,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/luma-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, LumaPreferences, env_row);
  gtk_widget_class_bind_template_child (widget_class, LumaPreferences, token_row);
  gtk_widget_class_bind_template_child (widget_class, LumaPreferences, token_status_row);
  gtk_widget_class_bind_template_child (widget_class, LumaPreferences, token_status_icon);
  gtk_widget_class_bind_template_child (widget_class, LumaPreferences, check_spinner);
  gtk_widget_class_bind_template_child (widget_class, LumaPreferences, base_url_row);
  gtk_widget_class_bind_template_child (widget_class, LumaPreferences, url_error_label);
  gtk_widget_class_bind_template_child (widget_class, LumaPreferences, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, LumaPreferences, in_flight_spin);
  gtk_widget_class_bind_template_child (widget_class, LumaPreferences, cache_size_spin);
  gtk_widget_class_bind_template_child (widget_class, LumaPreferences, notify_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_token_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_base_url_apply);
  gtk_widget_class_bind_template_callback (widget_class, on_base_url_changed);

  gtk_widget_class_install_action (widget_class, "prefs.check-token", NULL, check_token_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
luma_preferences_init (LumaPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);

  g_settings_bind (self->settings, "batch-size",
                   gtk_spin_button_get_adjustment (self->batch_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "max-in-flight",
                   gtk_spin_button_get_adjustment (self->in_flight_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "media-cache-size",
                   gtk_spin_button_get_adjustment (self->cache_size_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notify-finished",
                   self->notify_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
}
