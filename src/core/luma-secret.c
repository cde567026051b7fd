/* luma-secret.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-secret"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "luma-secret.h"

static const SecretSchema *
luma_secret_get_schema (void)
{
  static const SecretSchema schema = {
    LUMA_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { "base-url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

/* "https://api.acedata.cloud/" and "https://api.acedata.cloud" name the same API. */
static char *
normalize_base_url (const char *base_url)
{
  char *url = g_strstrip (g_strdup (base_url));
  gsize len = strlen (url);

  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';

  return url;
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
luma_secret_store_token_async (const char          *base_url,
                               const char          *token,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autofree char *url = NULL;
  GTask *task;

  g_return_if_fail (base_url != NULL);
  g_return_if_fail (token != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, luma_secret_store_token_async);

  url = normalize_base_url (base_url);
  secret_password_store (luma_secret_get_schema (), SECRET_COLLECTION_DEFAULT,
                         _("Luma Tasks API token"), token,
                         cancellable, store_cb, task,
                         "base-url", url,
                         NULL);
}

gboolean
luma_secret_store_token_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *token;

  token = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, token, (GDestroyNotify) secret_password_free);
}

void
luma_secret_lookup_token_async (const char          *base_url,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autofree char *url = NULL;
  GTask *task;

  g_return_if_fail (base_url != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, luma_secret_lookup_token_async);

  url = normalize_base_url (base_url);
  secret_password_lookup (luma_secret_get_schema (), cancellable, lookup_cb, task,
                          "base-url", url,
                          NULL);
}

char *
luma_secret_lookup_token_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  char *secret;
  char *token;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  secret = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  /* Hand out plain memory; libsecret's is wiped on free. */
  token = g_strdup (secret);
  if (secret != NULL)
    secret_password_free (secret);

  return token;
}

char *
luma_secret_lookup_token_sync (const char    *base_url,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autofree char *url = NULL;
  char *secret;
  char *token;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  url = normalize_base_url (base_url);
  secret = secret_password_lookup_sync (luma_secret_get_schema (), cancellable, error,
                                        "base-url", url,
                                        NULL);
  token = g_strdup (secret);
  if (secret != NULL)
    secret_password_free (secret);

  return token;
}

void
luma_secret_release (void)
{
  g_autoptr(GDBusConnection) bus = NULL;

  secret_service_disconnect ();

  /* Closed, the connection stops receiving: what is already queued can be
   * dispatched by the caller before exiting. */
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus != NULL)
    {
      /* The session bus connection would otherwise end the process on close. */
      g_dbus_connection_set_exit_on_close (bus, FALSE);
      g_dbus_connection_close_sync (bus, NULL, NULL);
    }
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean removed;

  removed = secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, removed);
}

void
luma_secret_clear_token_async (const char          *base_url,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autofree char *url = NULL;
  GTask *task;

  g_return_if_fail (base_url != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, luma_secret_clear_token_async);

  url = normalize_base_url (base_url);
  secret_password_clear (luma_secret_get_schema (), cancellable, clear_cb, task,
                         "base-url", url,
                         NULL);
}

gboolean
luma_secret_clear_token_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
