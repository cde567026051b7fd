/* luma-window.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-window"

#include "config.h"

#include <glib/gi18n.h>

#include "luma-window.h"

struct _LumaWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  GCancellable         *cancellable;
};

G_DEFINE_FINAL_TYPE (LumaWindow, luma_window, ADW_TYPE_APPLICATION_WINDOW)

LumaWindow *
luma_window_new (LumaApplication *application)
{
  return g_object_new (LUMA_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

static void
luma_window_dispose (GObject *object)
{
  LumaWindow *self = LUMA_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), LUMA_TYPE_WINDOW);

  G_OBJECT_CLASS (luma_window_parent_class)->dispose (object);
}

static void
luma_window_finalize (GObject *object)
{
  LumaWindow *self = LUMA_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (luma_window_parent_class)->finalize (object);
}

static void
luma_window_class_init (LumaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = luma_window_dispose;
  object_class->finalize = luma_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/luma-window.ui");
}

static void
luma_window_init (LumaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);

  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
}
