/* luma-add-dialog.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-add-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "luma-add-dialog.h"
#include "luma-ids.h"

/* Text up to this size is counted at once; larger pastes are counted on a
 * worker thread after a pause in typing, so the dialog never stutters. */
#define COUNT_INLINE_MAX   (64 * 1024)
#define COUNT_DEBOUNCE_MS  150

struct _LumaAddDialog
{
  AdwWindow      parent_instance;

  LumaTaskList  *list;
  GCancellable  *cancellable;
  guint          debounce_id;
  guint          generation;
  gboolean       counting;

  GtkTextView   *text_view;
  GtkLabel      *feedback_label;
  GtkButton     *add_button;
};

G_DEFINE_FINAL_TYPE (LumaAddDialog, luma_add_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_TASK_LIST,
  N_PROPS
};

enum {
  ADD_TEXT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  char          **ids;
  LumaIdsReport   report;
  guint           generation;
} CountResult;

static void
count_result_free (CountResult *result)
{
  g_strfreev (result->ids);
  g_free (result);
}

LumaAddDialog *
luma_add_dialog_new (GtkWindow    *parent,
                     LumaTaskList *list)
{
  return g_object_new (LUMA_TYPE_ADD_DIALOG,
                       "transient-for", parent,
                       "task-list", list,
                       NULL);
}

static char *
dup_text (LumaAddDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
show_count (LumaAddDialog *self,
            CountResult   *result)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n_known = 0;
  guint n_ids = result->report.n_found;

  if (self->list != NULL)
    {
      for (guint i = 0; result->ids[i] != NULL; i++)
        if (luma_task_list_lookup (self->list, result->ids[i]) != NULL)
          n_known++;
    }

  if (n_ids == 0 && result->report.n_lines_ignored == 0)
    g_string_append (text, _("Paste text that contains task IDs."));
  else if (n_ids == 0)
    g_string_append (text, _("No task IDs found"));
  else
    g_string_append_printf (text,
                            g_dngettext (GETTEXT_PACKAGE, "%u task ID", "%u task IDs", n_ids),
                            n_ids);

  if (n_known > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE, "%u already in the list", "%u already in the list", n_known),
                              n_known);
    }
  if (result->report.n_lines_ignored > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE, "%u line ignored", "%u lines ignored",
                                           result->report.n_lines_ignored),
                              result->report.n_lines_ignored);
    }

  gtk_label_set_label (self->feedback_label, text->str);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "add.add", n_ids > 0);
}

typedef struct
{
  char  *text;
  guint  generation;
} CountJob;

static void
count_job_free (CountJob *job)
{
  g_free (job->text);
  g_free (job);
}

static void
count_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  CountJob *job = task_data;
  CountResult *result = g_new0 (CountResult, 1);

  result->ids = luma_ids_extract (job->text, -1, &result->report);
  result->generation = job->generation;
  g_task_return_pointer (task, result, (GDestroyNotify) count_result_free);
}

/* The task holds no reference on the dialog (a transient window must not
 * outlive its parent): dispose cancels it, and the answer is looked at
 * only when it was not cancelled. */
static void
count_done (GObject      *object,
            GAsyncResult *res,
            gpointer      user_data)
{
  LumaAddDialog *self;
  CountResult *result = g_task_propagate_pointer (G_TASK (res), NULL);

  if (result == NULL)
    return;

  self = LUMA_ADD_DIALOG (user_data);

  /* Only the count of the latest text is shown. */
  if (result->generation == self->generation)
    {
      self->counting = FALSE;
      show_count (self, result);
    }

  count_result_free (result);
}

static gboolean
count_later_cb (gpointer user_data)
{
  LumaAddDialog *self = user_data;
  g_autoptr(GTask) task = NULL;
  CountJob *job = g_new0 (CountJob, 1);

  self->debounce_id = 0;

  job->text = dup_text (self);
  job->generation = self->generation;
  task = g_task_new (NULL, self->cancellable, count_done, self);
  g_task_set_source_tag (task, count_later_cb);
  g_task_set_task_data (task, job, (GDestroyNotify) count_job_free);
  g_task_run_in_thread (task, count_in_thread);

  return G_SOURCE_REMOVE;
}

static void
on_buffer_changed (LumaAddDialog *self,
                   GtkTextBuffer *buffer)
{
  self->generation++;
  g_clear_handle_id (&self->debounce_id, g_source_remove);

  if (gtk_text_buffer_get_char_count (buffer) <= COUNT_INLINE_MAX)
    {
      g_autofree char *text = dup_text (self);
      CountResult result = { 0 };

      result.ids = luma_ids_extract (text, -1, &result.report);
      self->counting = FALSE;
      show_count (self, &result);
      g_strfreev (result.ids);
      return;
    }

  self->counting = TRUE;
  gtk_label_set_label (self->feedback_label, _("Counting task IDs…"));
  self->debounce_id = g_timeout_add (COUNT_DEBOUNCE_MS, count_later_cb, self);
}

void
luma_add_dialog_set_text (LumaAddDialog *self,
                          const char    *text)
{
  g_return_if_fail (LUMA_IS_ADD_DIALOG (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text ? text : "", -1);
}

const char *
luma_add_dialog_get_feedback (LumaAddDialog *self)
{
  g_return_val_if_fail (LUMA_IS_ADD_DIALOG (self), NULL);

  return gtk_label_get_label (self->feedback_label);
}

gboolean
luma_add_dialog_is_counting (LumaAddDialog *self)
{
  g_return_val_if_fail (LUMA_IS_ADD_DIALOG (self), FALSE);

  return self->counting;
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  LumaAddDialog *self = LUMA_ADD_DIALOG (widget);
  g_autofree char *text = dup_text (self);

  g_signal_emit (self, signals[ADD_TEXT], 0, text);
  gtk_window_close (GTK_WINDOW (self));
}

static void
luma_add_dialog_dispose (GObject *object)
{
  LumaAddDialog *self = LUMA_ADD_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_clear_object (&self->list);

  gtk_widget_dispose_template (GTK_WIDGET (self), LUMA_TYPE_ADD_DIALOG);

  G_OBJECT_CLASS (luma_add_dialog_parent_class)->dispose (object);
}

static void
luma_add_dialog_finalize (GObject *object)
{
  LumaAddDialog *self = LUMA_ADD_DIALOG (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (luma_add_dialog_parent_class)->finalize (object);
}

static void
luma_add_dialog_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  LumaAddDialog *self = LUMA_ADD_DIALOG (object);

  switch (prop_id)
    {
    case PROP_TASK_LIST:
      g_value_set_object (value, self->list);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_add_dialog_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  LumaAddDialog *self = LUMA_ADD_DIALOG (object);

  switch (prop_id)
    {
    case PROP_TASK_LIST:
      g_set_object (&self->list, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_add_dialog_class_init (LumaAddDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = luma_add_dialog_dispose;
  object_class->finalize = luma_add_dialog_finalize;
  object_class->get_property = luma_add_dialog_get_property;
  object_class->set_property = luma_add_dialog_set_property;

  properties[PROP_TASK_LIST] =
    g_param_spec_object ("task-list", NULL, NULL,
                         LUMA_TYPE_TASK_LIST,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * LumaAddDialog::add-text:
   * @text: everything the user pasted
   */
  signals[ADD_TEXT] =
    g_signal_new ("add-text",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/luma-add-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, LumaAddDialog, text_view);
  gtk_widget_class_bind_template_child (widget_class, LumaAddDialog, feedback_label);
  gtk_widget_class_bind_template_child (widget_class, LumaAddDialog, add_button);

  gtk_widget_class_install_action (widget_class, "add.add", NULL, add_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "add.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "add.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
luma_add_dialog_init (LumaAddDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (gtk_text_view_get_buffer (self->text_view), "changed",
                           G_CALLBACK (on_buffer_changed), self,
                           G_CONNECT_SWAPPED);
  gtk_label_set_label (self->feedback_label, _("Paste text that contains task IDs."));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "add.add", FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}
