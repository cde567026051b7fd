/* luma-application.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-application"

#include "config.h"

#include <glib/gi18n.h>

#include "luma-application.h"
#include "luma-window.h"

struct _LumaApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (LumaApplication, luma_application, ADW_TYPE_APPLICATION)

LumaApplication *
luma_application_new (void)
{
  return g_object_new (LUMA_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

static void
luma_application_activate (GApplication *app)
{
  GtkWindow *window;

  g_assert (LUMA_IS_APPLICATION (app));

  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    window = GTK_WINDOW (luma_window_new (LUMA_APPLICATION (app)));

  gtk_window_present (window);
}

static void
luma_application_about_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  static const char *developers[] = { "The Luma Tasks authors", NULL };
  LumaApplication *self = user_data;
  GtkWindow *window;

  g_assert (LUMA_IS_APPLICATION (self));

  window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("Luma Tasks"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Luma Tasks authors"),
                         "version", PACKAGE_VERSION,
                         "website", PACKAGE_WEBSITE,
                         "issue-url", PACKAGE_WEBSITE "/issues",
                         "comments", _("Follow your Luma video generation tasks: paste task IDs, watch them finish, preview and export the videos."),
                         "developers", developers,
                         "copyright", "© 2026 The Luma Tasks authors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
luma_application_quit_action (GSimpleAction *action,
                              GVariant      *parameter,
                              gpointer       user_data)
{
  LumaApplication *self = user_data;

  g_assert (LUMA_IS_APPLICATION (self));

  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "quit", luma_application_quit_action },
  { "about", luma_application_about_action },
};

static void
luma_application_startup (GApplication *app)
{
  LumaApplication *self = LUMA_APPLICATION (app);

  G_APPLICATION_CLASS (luma_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                         "app.quit",
                                         (const char *[]) { "<primary>q", NULL });
}

static void
luma_application_class_init (LumaApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = luma_application_activate;
  app_class->startup = luma_application_startup;
}

static void
luma_application_init (LumaApplication *self)
{
}
