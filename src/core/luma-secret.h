/* luma-secret.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The API token in the user's keyring (Secret Service, through libsecret):
 * one item per API base URL, with the schema below and one string attribute,
 * "base-url" (the URL without trailing slashes). */
#define LUMA_SECRET_SCHEMA_NAME "io.github.lumatasks.LumaTasks.Token"

void      luma_secret_store_token_async   (const char          *base_url,
                                           const char          *token,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean  luma_secret_store_token_finish  (GAsyncResult        *result,
                                           GError             **error);

/* NULL without an error when no token is saved for @base_url. */
void      luma_secret_lookup_token_async  (const char          *base_url,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
char     *luma_secret_lookup_token_finish (GAsyncResult        *result,
                                           GError             **error);
char     *luma_secret_lookup_token_sync   (const char          *base_url,
                                           GCancellable        *cancellable,
                                           GError             **error);

/* Lets go of the Secret Service and closes the session bus connection, for
 * a program about to exit (the CLI) that will not use the bus again. */
void      luma_secret_release             (void);

/* TRUE when a token was removed. */
void      luma_secret_clear_token_async   (const char          *base_url,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean  luma_secret_clear_token_finish  (GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
