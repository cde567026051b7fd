/* luma-application.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-application"

#include "config.h"

#include <glib/gi18n.h>

#include "luma-application.h"
#include "luma-media-cache.h"
#include "luma-ids.h"
#include "luma-window.h"

struct _LumaApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (LumaApplication, luma_application, ADW_TYPE_APPLICATION)

LumaApplication *
luma_application_new (void)
{
  return g_object_new (LUMA_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

static LumaWindow *
get_window (LumaApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL || !LUMA_IS_WINDOW (window))
    {
      for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
        if (LUMA_IS_WINDOW (l->data))
          return l->data;
      return luma_window_new (self);
    }

  return LUMA_WINDOW (window);
}

static void
luma_application_activate (GApplication *app)
{
  g_assert (LUMA_IS_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (get_window (LUMA_APPLICATION (app))));
}

static void
luma_application_open (GApplication  *app,
                       GFile        **files,
                       int            n_files,
                       const char    *hint)
{
  LumaWindow *window = get_window (LUMA_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  luma_window_open_files (window, files, (guint) n_files);
}

/* Runs in the first instance, also for the arguments of a second one: task
 * IDs are added as text, every other argument is a file of text. */
static int
luma_application_command_line (GApplication            *app,
                               GApplicationCommandLine *command_line)
{
  LumaWindow *window = get_window (LUMA_APPLICATION (app));
  g_auto(GStrv) argv = NULL;
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  int argc = 0;

  argv = g_application_command_line_get_arguments (command_line, &argc);
  for (int i = 1; i < argc; i++)
    {
      if (luma_ids_is_valid (argv[i]))
        {
          g_string_append (ids, argv[i]);
          g_string_append_c (ids, '\n');
        }
      else
        g_ptr_array_add (files, g_application_command_line_create_file_for_arg (command_line, argv[i]));
    }

  gtk_window_present (GTK_WINDOW (window));

  if (ids->len > 0)
    luma_window_add_text (window, ids->str);
  if (files->len > 0)
    luma_window_open_files (window, (GFile **) files->pdata, files->len);

  return EXIT_SUCCESS;
}

static void
luma_application_select_task_action (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data)
{
  LumaApplication *self = user_data;
  LumaWindow *window = get_window (self);

  gtk_window_present (GTK_WINDOW (window));
  luma_window_select_task (window, g_variant_get_string (parameter, NULL));
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
  { "select-task", luma_application_select_task_action, "s" },
};

/* The media cache's size bound follows its setting, for this process. */
static void
on_media_cache_size_changed (GSettings  *settings,
                             const char *key,
                             gpointer    user_data)
{
  guint mebibytes = g_settings_get_uint (settings, "media-cache-size");

  luma_media_cache_set_max_size (luma_media_cache_get_default (), (guint64) mebibytes * 1024 * 1024);
}

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

  self->settings = g_settings_new (APP_ID);
  g_signal_connect (self->settings, "changed::media-cache-size",
                    G_CALLBACK (on_media_cache_size_changed), NULL);
  on_media_cache_size_changed (self->settings, "media-cache-size", NULL);
}

static void
luma_application_finalize (GObject *object)
{
  LumaApplication *self = LUMA_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (luma_application_parent_class)->finalize (object);
}

static void
luma_application_class_init (LumaApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = luma_application_finalize;

  app_class->activate = luma_application_activate;
  app_class->open = luma_application_open;
  app_class->command_line = luma_application_command_line;
  app_class->startup = luma_application_startup;
}

static void
luma_application_init (LumaApplication *self)
{
}
