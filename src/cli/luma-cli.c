/* luma-cli.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib/gi18n.h>
#include <gio/gio.h>

#define EXIT_USAGE 2

static const char *summary =
  N_("Commands:\n"
     "  get     Retrieve tasks by ID and print or save their details\n"
     "\n"
     "Run “luma-tasks-cli COMMAND --help” for the options of a command.");

static int
print_usage (GOptionContext *context,
             FILE           *stream)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  fputs (help, stream);
  return stream == stdout ? EXIT_SUCCESS : EXIT_USAGE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Show the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (_("COMMAND [ARGUMENT…]"));
  g_option_context_set_summary (context, _("Follow Luma video generation tasks from scripts."));
  g_option_context_set_description (context, _(summary));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_strict_posix (context, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("luma-tasks-cli: %s\n", error->message);
      return EXIT_USAGE;
    }

  if (version)
    {
      g_print ("luma-tasks-cli %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (argc < 2)
    return print_usage (context, stderr);

  g_printerr (_("luma-tasks-cli: unknown command “%s”\n"), argv[1]);
  return EXIT_USAGE;
}
