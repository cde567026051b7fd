/* luma-application.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define LUMA_TYPE_APPLICATION (luma_application_get_type ())

G_DECLARE_FINAL_TYPE (LumaApplication, luma_application, LUMA, APPLICATION, AdwApplication)

LumaApplication *luma_application_new (void);

G_END_DECLS
