/* luma-window.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "luma-application.h"

G_BEGIN_DECLS

#define LUMA_TYPE_WINDOW (luma_window_get_type ())

G_DECLARE_FINAL_TYPE (LumaWindow, luma_window, LUMA, WINDOW, AdwApplicationWindow)

LumaWindow *luma_window_new (LumaApplication *application);

G_END_DECLS
