/* luma-task-row.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-task-row"

#include "config.h"

#include <glib/gi18n.h>

#include "luma-format.h"
#include "luma-state-badge.h"
#include "luma-task-row.h"
#include "luma-thumbnail.h"

/* One row of the task list. Rows are recycled by the GtkListView: all the
 * work happens on bind (set_task) and on the task's own notifications, and
 * no row owns a timer. */
struct _LumaTaskRow
{
  GtkBox          parent_instance;

  LumaTask       *task;
  gulong          notify_handler;

  GtkStack       *thumbnail_slot;
  LumaThumbnail  *thumbnail;
  GtkLabel       *title_label;
  LumaStateBadge *badge;
  GtkLabel       *detail_label;
  GtkLabel       *time_label;
};

G_DEFINE_FINAL_TYPE (LumaTaskRow, luma_task_row, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_TASK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
luma_task_row_new (void)
{
  return g_object_new (LUMA_TYPE_TASK_ROW, NULL);
}

static gint64
task_time_us (LumaTask *task)
{
  double created = luma_task_get_created_at (task);

  if (created >= 0)
    return (gint64) (created * G_USEC_PER_SEC);
  return luma_task_get_added_at (task);
}

void
luma_task_row_update_time (LumaTaskRow *self,
                           gint64       now_us)
{
  g_autofree char *text = NULL;
  gint64 then;

  g_return_if_fail (LUMA_IS_TASK_ROW (self));

  if (self->task == NULL)
    {
      gtk_label_set_label (self->time_label, "");
      return;
    }

  then = task_time_us (self->task);
  if (then > 0)
    text = luma_format_relative_time (then, now_us);

  if (g_strcmp0 (gtk_label_get_label (self->time_label), text ? text : "") != 0)
    gtk_label_set_label (self->time_label, text ? text : "");
}

static void
set_detail (LumaTaskRow *self,
            const char  *text,
            gboolean     is_error)
{
  gtk_label_set_label (self->detail_label, text ? text : "");
  if (is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->detail_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->detail_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "dim-label");
    }
}

static void
luma_task_row_update (LumaTaskRow *self)
{
  LumaTask *task = self->task;
  const char *prompt;
  const GError *fetch_error;
  const char *thumbnail_url;
  LumaTaskState state;

  if (task == NULL)
    {
      gtk_stack_set_visible_child_name (self->thumbnail_slot, "placeholder");
      gtk_label_set_label (self->title_label, "");
      set_detail (self, NULL, FALSE);
      gtk_label_set_label (self->time_label, "");
      return;
    }

  prompt = luma_task_get_prompt (task);
  if (prompt != NULL && *prompt != '\0')
    {
      /* One line: the label is single-line, but a prompt with newlines would
       * still show them as glyphs; keep the first line only. */
      const char *newline = strchr (prompt, '\n');

      if (newline != NULL)
        {
          g_autofree char *first = g_strndup (prompt, newline - prompt);
          g_autofree char *shown = g_strconcat (first, " …", NULL);
          gtk_label_set_label (self->title_label, shown);
        }
      else
        gtk_label_set_label (self->title_label, prompt);
      gtk_widget_remove_css_class (GTK_WIDGET (self->title_label), "monospace");
    }
  else
    {
      gtk_label_set_label (self->title_label, luma_task_get_id (task));
      gtk_widget_add_css_class (GTK_WIDGET (self->title_label), "monospace");
    }

  thumbnail_url = luma_task_get_thumbnail_url (task);
  gtk_stack_set_visible_child_name (self->thumbnail_slot,
                                    thumbnail_url != NULL && *thumbnail_url != '\0' ? "thumbnail" : "placeholder");

  state = luma_task_get_state (task);
  luma_state_badge_set_state (self->badge, state, luma_task_get_state_word (task));

  fetch_error = luma_task_get_fetch_error (task);
  if (state == LUMA_TASK_STATE_FAILED)
    set_detail (self, luma_task_get_failure_reason (task), TRUE);
  else if (fetch_error != NULL)
    set_detail (self, fetch_error->message, TRUE);
  else if (state == LUMA_TASK_STATE_NOT_FOUND)
    set_detail (self, _("The service does not know this task ID."), FALSE);
  else
    set_detail (self, NULL, FALSE);

  luma_task_row_update_time (self, g_get_real_time ());
}

static void
on_task_notify (LumaTask    *task,
                GParamSpec  *pspec,
                LumaTaskRow *self)
{
  luma_task_row_update (self);
}

LumaTask *
luma_task_row_get_task (LumaTaskRow *self)
{
  g_return_val_if_fail (LUMA_IS_TASK_ROW (self), NULL);

  return self->task;
}

void
luma_task_row_set_task (LumaTaskRow *self,
                        LumaTask    *task)
{
  g_return_if_fail (LUMA_IS_TASK_ROW (self));
  g_return_if_fail (task == NULL || LUMA_IS_TASK (task));

  if (self->task == task)
    return;

  if (self->task != NULL)
    {
      g_clear_signal_handler (&self->notify_handler, self->task);
      g_clear_object (&self->task);
    }

  if (task != NULL)
    {
      self->task = g_object_ref (task);
      self->notify_handler = g_signal_connect (task, "notify",
                                               G_CALLBACK (on_task_notify), self);
    }

  /* The thumbnail loads (and is cached) by itself, for bound rows only. */
  luma_thumbnail_set_task (self->thumbnail, task);
  luma_task_row_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TASK]);
}

GtkStack *
luma_task_row_get_thumbnail_slot (LumaTaskRow *self)
{
  g_return_val_if_fail (LUMA_IS_TASK_ROW (self), NULL);

  return self->thumbnail_slot;
}

const char *
luma_task_row_get_title (LumaTaskRow *self)
{
  g_return_val_if_fail (LUMA_IS_TASK_ROW (self), NULL);

  return gtk_label_get_label (self->title_label);
}

const char *
luma_task_row_get_state_label (LumaTaskRow *self)
{
  g_return_val_if_fail (LUMA_IS_TASK_ROW (self), NULL);

  return luma_state_badge_get_label (self->badge);
}

const char *
luma_task_row_get_detail (LumaTaskRow *self)
{
  g_return_val_if_fail (LUMA_IS_TASK_ROW (self), NULL);

  return gtk_label_get_label (self->detail_label);
}

const char *
luma_task_row_get_time (LumaTaskRow *self)
{
  g_return_val_if_fail (LUMA_IS_TASK_ROW (self), NULL);

  return gtk_label_get_label (self->time_label);
}

static void
luma_task_row_dispose (GObject *object)
{
  LumaTaskRow *self = LUMA_TASK_ROW (object);

  if (self->task != NULL)
    g_clear_signal_handler (&self->notify_handler, self->task);
  g_clear_object (&self->task);

  G_OBJECT_CLASS (luma_task_row_parent_class)->dispose (object);
}

static void
luma_task_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  LumaTaskRow *self = LUMA_TASK_ROW (object);

  switch (prop_id)
    {
    case PROP_TASK:
      g_value_set_object (value, self->task);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_task_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  LumaTaskRow *self = LUMA_TASK_ROW (object);

  switch (prop_id)
    {
    case PROP_TASK:
      luma_task_row_set_task (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_task_row_class_init (LumaTaskRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = luma_task_row_dispose;
  object_class->get_property = luma_task_row_get_property;
  object_class->set_property = luma_task_row_set_property;

  properties[PROP_TASK] =
    g_param_spec_object ("task", NULL, NULL,
                         LUMA_TYPE_TASK,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "taskrow");
}

static GtkLabel *
row_label (float        xalign,
           const char  *first_class,
           ...)
{
  GtkLabel *label = GTK_LABEL (gtk_label_new (NULL));
  va_list classes;

  gtk_label_set_xalign (label, xalign);
  gtk_label_set_single_line_mode (label, TRUE);

  va_start (classes, first_class);
  for (const char *name = first_class; name != NULL; name = va_arg (classes, const char *))
    gtk_widget_add_css_class (GTK_WIDGET (label), name);
  va_end (classes);

  return label;
}

/* Built in code rather than from a template: GtkListView makes some 200
 * rows at once, and parsing a template for each cost most of the first
 * frame of a long list. */
static void
luma_task_row_init (LumaTaskRow *self)
{
  GtkBox *box = GTK_BOX (self);
  GtkWidget *text_box;
  GtkWidget *detail_box;
  GtkWidget *placeholder;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_HORIZONTAL);
  gtk_box_set_spacing (box, 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 6);
  gtk_widget_set_margin_start (GTK_WIDGET (self), 6);
  gtk_widget_set_margin_end (GTK_WIDGET (self), 6);

  self->thumbnail_slot = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->thumbnail_slot), GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (GTK_WIDGET (self->thumbnail_slot), 64, 36);
  gtk_widget_set_overflow (GTK_WIDGET (self->thumbnail_slot), GTK_OVERFLOW_HIDDEN);
  gtk_widget_add_css_class (GTK_WIDGET (self->thumbnail_slot), "task-thumbnail");
  placeholder = gtk_image_new_from_icon_name ("image-x-generic-symbolic");
  gtk_image_set_pixel_size (GTK_IMAGE (placeholder), 16);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_stack_add_named (self->thumbnail_slot, placeholder, "placeholder");
  gtk_box_append (box, GTK_WIDGET (self->thumbnail_slot));

  text_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_hexpand (text_box, TRUE);
  gtk_widget_set_valign (text_box, GTK_ALIGN_CENTER);
  gtk_box_append (box, text_box);

  self->title_label = row_label (0, "task-title", NULL);
  gtk_label_set_max_width_chars (self->title_label, 1);
  gtk_label_set_ellipsize (self->title_label, PANGO_ELLIPSIZE_END);
  gtk_label_set_lines (self->title_label, 1);
  gtk_box_append (GTK_BOX (text_box), GTK_WIDGET (self->title_label));

  detail_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (text_box), detail_box);

  self->badge = LUMA_STATE_BADGE (luma_state_badge_new ());
  gtk_box_append (GTK_BOX (detail_box), GTK_WIDGET (self->badge));

  self->detail_label = row_label (0, "caption", NULL);
  gtk_label_set_max_width_chars (self->detail_label, 1);
  gtk_widget_set_hexpand (GTK_WIDGET (self->detail_label), TRUE);
  gtk_label_set_ellipsize (self->detail_label, PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (detail_box), GTK_WIDGET (self->detail_label));

  self->time_label = row_label (1, "caption", "dim-label", "numeric", NULL);
  gtk_box_append (GTK_BOX (detail_box), GTK_WIDGET (self->time_label));

  self->thumbnail = LUMA_THUMBNAIL (luma_thumbnail_new ());
  luma_thumbnail_set_natural_width (self->thumbnail, 64);
  gtk_stack_add_named (self->thumbnail_slot, GTK_WIDGET (self->thumbnail), "thumbnail");
  gtk_stack_set_visible_child_name (self->thumbnail_slot, "placeholder");
}
