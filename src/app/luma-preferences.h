/* luma-preferences.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "luma-window.h"

G_BEGIN_DECLS

#define LUMA_TYPE_PREFERENCES (luma_preferences_get_type ())

G_DECLARE_FINAL_TYPE (LumaPreferences, luma_preferences, LUMA, PREFERENCES, AdwPreferencesWindow)

LumaPreferences *luma_preferences_new                (LumaWindow      *window);

/* For tests: what the base URL row says of its text (NULL when valid), and
 * the message of the last token check or save. */
const char      *luma_preferences_get_url_error      (LumaPreferences *self);
const char      *luma_preferences_get_token_status   (LumaPreferences *self);
/* Sets the text of a row and applies it, as the user would. */
void             luma_preferences_apply_base_url     (LumaPreferences *self,
                                                      const char      *url);
void             luma_preferences_apply_token        (LumaPreferences *self,
                                                      const char      *token);
/* Types a token without saving it (what "Check" then checks). */
void             luma_preferences_set_token_text     (LumaPreferences *self,
                                                      const char      *token);

G_END_DECLS
