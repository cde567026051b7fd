/* luma-app-test.h: what the app tests share.
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "luma-application.h"
#include "luma-task-row.h"
#include "luma-window.h"

/* Iterates the main loop until @cond holds, for @max_ms at most; never
 * sleeps longer than a millisecond at a time. */
#define LUMA_TEST_WAIT_UNTIL(cond, max_ms)                                   \
  G_STMT_START {                                                             \
    gint64 luma_test_end_ = g_get_monotonic_time () + (gint64) (max_ms) * 1000; \
    while (!(cond) && g_get_monotonic_time () < luma_test_end_)              \
      {                                                                      \
        if (!g_main_context_iteration (NULL, FALSE))                         \
          g_usleep (1000);                                                   \
      }                                                                      \
  } G_STMT_END

static inline void
luma_test_collect_rows (GtkWidget *widget,
                        GPtrArray *rows)
{
  if (LUMA_IS_TASK_ROW (widget))
    g_ptr_array_add (rows, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    luma_test_collect_rows (child, rows);
}

/* The row a list view shows for task @id, or NULL when it shows none. */
static inline LumaTaskRow *
luma_test_find_row (GtkWidget  *list_view,
                    const char *id)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  luma_test_collect_rows (list_view, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      LumaTask *task = luma_task_row_get_task (rows->pdata[i]);

      if (task != NULL && g_str_equal (luma_task_get_id (task), id))
        return rows->pdata[i];
    }

  return NULL;
}

/* What a toast says: its title is Pango markup. */
static inline char *
luma_test_toast_text (AdwToast *toast)
{
  char *text = NULL;

  g_assert_true (pango_parse_markup (adw_toast_get_title (toast), -1, 0, NULL, &text, NULL, NULL));

  return text;
}

/* The test's application, registered: not unique, so that every window a
 * test opens lives in the test's own process. */
static inline LumaApplication *
luma_test_app_new (GError **error)
{
  LumaApplication *app = luma_application_new ();

  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, error);

  return app;
}

/* Runs the main loop for a while (to let things settle). */
static inline void
luma_test_iterate (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* Call right after g_test_init(). G_TEST_OPTION_ISOLATE_DIRS also points
 * XDG_DATA_DIRS at an empty folder: give GTK the system's icon theme back,
 * or every icon lookup ends in a warning. */
static inline void
luma_test_init_gtk (void)
{
  g_setenv ("XDG_DATA_DIRS", "/usr/local/share:/usr/share", TRUE);
  /* Xvfb has no GPU: GL through llvmpipe makes every frame slow (very slow
   * under the sanitizers), and a spinning spinner then keeps the main loop
   * busy with frames. Cairo draws the same widgets in software, fast. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_unsetenv ("ACEDATACLOUD_API_TOKEN");
  g_unsetenv ("ACEDATACLOUD_API_BASE_URL");
  gtk_init ();
  adw_init ();
}

/* Destroys @window and checks nothing kept it alive. */
static inline void
luma_test_destroy_window (gpointer window)
{
  GObject *object = window;

  g_object_add_weak_pointer (object, (gpointer *) &object);
  gtk_window_destroy (GTK_WINDOW (window));
  LUMA_TEST_WAIT_UNTIL (object == NULL, 5000);
  g_assert_null (object);
}
