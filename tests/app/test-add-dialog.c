/* test-add-dialog.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "luma-add-dialog.h"
#include "luma-app-test.h"
#include "luma-task-list.h"

#define ID_A "50fc6182-fa86-4c7d-ac12-2fa27ec2f151"
#define ID_B "76a05f61-68ad-4c1a-838f-a00cd08cf65b"
#define ID_C "00000000-0000-4000-8000-000000000000"

static void
on_add_text (LumaAddDialog  *dialog,
             const char     *text,
             char          **out)
{
  g_free (*out);
  *out = g_strdup (text);
}

static void
test_add_dialog_feedback (void)
{
  g_autoptr(LumaTaskList) list = luma_task_list_new ();
  const char *known[] = { ID_A };
  g_autoptr(GPtrArray) added = luma_task_list_add_ids (list, known, 1);
  LumaAddDialog *dialog = luma_add_dialog_new (NULL, list);
  g_autofree char *emitted = NULL;

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_signal_connect (dialog, "add-text", G_CALLBACK (on_add_text), &emitted);
  gtk_window_present (GTK_WINDOW (dialog));

  /* Nothing yet: nothing to add. */
  g_assert_cmpstr (luma_add_dialog_get_feedback (dialog), ==, "Paste text that contains task IDs.");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "add.add", NULL);
  g_assert_null (emitted);

  luma_add_dialog_set_text (dialog,
                            ID_A "\n"
                            "  {\"id\": \"" ID_B "\"}\n"
                            "a line without any ID\n"
                            "\n"
                            ID_B " again, and " ID_C "\n");
  g_assert_cmpstr (luma_add_dialog_get_feedback (dialog), ==,
                   "3 task IDs · 1 already in the list · 1 line ignored");

  luma_add_dialog_set_text (dialog, "only words here\nand here");
  g_assert_cmpstr (luma_add_dialog_get_feedback (dialog), ==, "No task IDs found · 2 lines ignored");

  luma_add_dialog_set_text (dialog, ID_C);
  g_assert_cmpstr (luma_add_dialog_get_feedback (dialog), ==, "1 task ID");

  /* Adding emits the whole text and closes the dialog. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "add.add", NULL));
  g_assert_cmpstr (emitted, ==, ID_C);
  LUMA_TEST_WAIT_UNTIL (dialog == NULL, 15000);
  g_assert_null (dialog);
}

static void
test_add_dialog_large_paste (void)
{
  g_autoptr(LumaTaskList) list = luma_task_list_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  LumaAddDialog *dialog = luma_add_dialog_new (NULL, list);

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);

  /* 20,000 IDs, one a line: counted off the UI thread. */
  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (text, "%08x-0000-4000-8000-%012x\n", i, i);
  luma_add_dialog_set_text (dialog, text->str);
  g_assert_true (luma_add_dialog_is_counting (dialog));

  LUMA_TEST_WAIT_UNTIL (!luma_add_dialog_is_counting (dialog), 20000);
  g_assert_false (luma_add_dialog_is_counting (dialog));
  g_assert_cmpstr (luma_add_dialog_get_feedback (dialog), ==, "20000 task IDs");

  gtk_window_destroy (GTK_WINDOW (dialog));
  LUMA_TEST_WAIT_UNTIL (dialog == NULL, 15000);
  g_assert_null (dialog);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  luma_test_init_gtk ();

  g_test_add_func ("/add-dialog/feedback", test_add_dialog_feedback);
  g_test_add_func ("/add-dialog/large-paste", test_add_dialog_large_paste);

  return g_test_run ();
}
