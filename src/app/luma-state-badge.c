/* luma-state-badge.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-state-badge"

#include "config.h"

#include <glib/gi18n.h>

#include "luma-state-badge.h"

struct _LumaStateBadge
{
  GtkWidget      parent_instance;

  GtkWidget     *box;
  GtkImage      *icon;
  GtkLabel      *label;
  LumaTaskState  state;
  char          *word;
  const char    *css_class;
};

G_DEFINE_FINAL_TYPE (LumaStateBadge, luma_state_badge, GTK_TYPE_WIDGET)

const char *
luma_state_badge_label_for (LumaTaskState  state,
                            const char    *word)
{
  switch (state)
    {
    case LUMA_TASK_STATE_LOADING:
      return _("Loading");
    case LUMA_TASK_STATE_NOT_FOUND:
      return _("Not found");
    case LUMA_TASK_STATE_PENDING:
      return _("Pending");
    case LUMA_TASK_STATE_PROCESSING:
      return _("Processing");
    case LUMA_TASK_STATE_COMPLETED:
      return _("Completed");
    case LUMA_TASK_STATE_FAILED:
      return _("Failed");
    case LUMA_TASK_STATE_OTHER:
    default:
      /* A word the app does not know is shown as the service wrote it. */
      return word != NULL && *word != '\0' ? word : _("Unknown");
    }
}

const char *
luma_state_badge_icon_for (LumaTaskState state)
{
  switch (state)
    {
    case LUMA_TASK_STATE_LOADING:
      return "content-loading-symbolic";
    case LUMA_TASK_STATE_NOT_FOUND:
      return "dialog-question-symbolic";
    case LUMA_TASK_STATE_PENDING:
      return "alarm-symbolic";
    case LUMA_TASK_STATE_PROCESSING:
      return "emblem-synchronizing-symbolic";
    case LUMA_TASK_STATE_COMPLETED:
      return "emblem-ok-symbolic";
    case LUMA_TASK_STATE_FAILED:
      return "dialog-error-symbolic";
    case LUMA_TASK_STATE_OTHER:
    default:
      return "dialog-information-symbolic";
    }
}

const char *
luma_state_badge_css_class_for (LumaTaskState state)
{
  switch (state)
    {
    case LUMA_TASK_STATE_LOADING:
      return "loading";
    case LUMA_TASK_STATE_NOT_FOUND:
      return "not-found";
    case LUMA_TASK_STATE_PENDING:
      return "pending";
    case LUMA_TASK_STATE_PROCESSING:
      return "processing";
    case LUMA_TASK_STATE_COMPLETED:
      return "completed";
    case LUMA_TASK_STATE_FAILED:
      return "failed";
    case LUMA_TASK_STATE_OTHER:
    default:
      return "other";
    }
}

GtkWidget *
luma_state_badge_new (void)
{
  return g_object_new (LUMA_TYPE_STATE_BADGE, NULL);
}

void
luma_state_badge_set_state (LumaStateBadge *self,
                            LumaTaskState   state,
                            const char     *word)
{
  const char *css_class;

  g_return_if_fail (LUMA_IS_STATE_BADGE (self));

  if (self->state == state && g_strcmp0 (self->word, word) == 0)
    return;

  self->state = state;
  g_free (self->word);
  self->word = g_strdup (word);

  css_class = luma_state_badge_css_class_for (state);
  if (self->css_class != css_class)
    {
      if (self->css_class != NULL)
        gtk_widget_remove_css_class (GTK_WIDGET (self), self->css_class);
      gtk_widget_add_css_class (GTK_WIDGET (self), css_class);
      self->css_class = css_class;
    }

  gtk_image_set_from_icon_name (self->icon, luma_state_badge_icon_for (state));
  gtk_label_set_label (self->label, luma_state_badge_label_for (state, word));
}

const char *
luma_state_badge_get_label (LumaStateBadge *self)
{
  g_return_val_if_fail (LUMA_IS_STATE_BADGE (self), NULL);

  return gtk_label_get_label (self->label);
}

static void
luma_state_badge_dispose (GObject *object)
{
  LumaStateBadge *self = LUMA_STATE_BADGE (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (luma_state_badge_parent_class)->dispose (object);
}

static void
luma_state_badge_finalize (GObject *object)
{
  LumaStateBadge *self = LUMA_STATE_BADGE (object);

  g_clear_pointer (&self->word, g_free);

  G_OBJECT_CLASS (luma_state_badge_parent_class)->finalize (object);
}

static void
luma_state_badge_class_init (LumaStateBadgeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = luma_state_badge_dispose;
  object_class->finalize = luma_state_badge_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "statebadge");
}

static void
luma_state_badge_init (LumaStateBadge *self)
{
  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->icon = GTK_IMAGE (gtk_image_new ());
  gtk_image_set_pixel_size (self->icon, 12);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->icon));

  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_ellipsize (self->label, PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (self->label, 16);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->label));

  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_START);

  /* Start from an impossible state so the first set always applies. */
  self->state = (LumaTaskState) -1;
  luma_state_badge_set_state (self, LUMA_TASK_STATE_LOADING, NULL);
}
