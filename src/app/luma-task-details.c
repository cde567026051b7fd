/* luma-task-details.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-task-details"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "luma-format.h"
#include "luma-preview.h"
#include "luma-state-badge.h"
#include "luma-task-details.h"

struct _LumaTaskDetails
{
  GtkBox        parent_instance;

  LumaTask     *task;
  GSignalGroup *task_signals;

  GtkStack     *stack;
  AdwStatusPage *empty_page;
  GtkBox       *preview_slot;
  LumaPreview  *preview;
  GtkScrolledWindow *scroller;
  GtkWidget    *open_video_button;
  GtkTextView  *record_view;

  AdwActionRow *id_row;
  AdwActionRow *state_row;
  AdwActionRow *reason_row;
  AdwActionRow *fetch_error_row;
  AdwActionRow *prompt_row;
  AdwActionRow *action_row;
  AdwActionRow *aspect_ratio_row;
  AdwActionRow *video_id_row;
  AdwActionRow *trace_id_row;
  AdwActionRow *added_row;
  AdwActionRow *created_row;
  AdwActionRow *started_row;
  AdwActionRow *finished_row;
  AdwActionRow *elapsed_row;
  AdwActionRow *resolution_row;
  AdwActionRow *video_url_row;
  AdwActionRow *thumbnail_url_row;
};

G_DEFINE_FINAL_TYPE (LumaTaskDetails, luma_task_details, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_TASK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
luma_task_details_new (void)
{
  return g_object_new (LUMA_TYPE_TASK_DETAILS, NULL);
}

static char *
dup_nonempty (const char *value)
{
  return value != NULL && *value != '\0' ? g_strdup (value) : NULL;
}

static char *
dup_size (guint width,
          guint height)
{
  if (width == 0 || height == 0)
    return NULL;
  /* Translators: a video's width × height in pixels. */
  return g_strdup_printf (_("%u × %u"), width, height);
}

static char *
dup_record_pretty (LumaTask *task)
{
  g_autoptr(JsonObject) record = luma_task_dup_record (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonGenerator) generator = NULL;

  if (record == NULL)
    return NULL;

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, record);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);

  return json_generator_to_data (generator, NULL);
}

char *
luma_task_details_dup_field (LumaTaskDetails *self,
                             const char      *field)
{
  LumaTask *task;

  g_return_val_if_fail (LUMA_IS_TASK_DETAILS (self), NULL);
  g_return_val_if_fail (field != NULL, NULL);

  task = self->task;
  if (task == NULL)
    return NULL;

  if (g_str_equal (field, "id"))
    return g_strdup (luma_task_get_id (task));
  if (g_str_equal (field, "state"))
    return g_strdup (luma_state_badge_label_for (luma_task_get_state (task),
                                                 luma_task_get_state_word (task)));
  if (g_str_equal (field, "reason"))
    return luma_task_get_state (task) == LUMA_TASK_STATE_FAILED
           ? dup_nonempty (luma_task_get_failure_reason (task)) : NULL;
  if (g_str_equal (field, "fetch-error"))
    {
      const GError *error = luma_task_get_fetch_error (task);
      return error != NULL ? g_strdup (error->message) : NULL;
    }
  if (g_str_equal (field, "prompt"))
    return dup_nonempty (luma_task_get_prompt (task));
  if (g_str_equal (field, "action"))
    return dup_nonempty (luma_task_get_action (task));
  if (g_str_equal (field, "aspect-ratio"))
    return dup_nonempty (luma_task_get_aspect_ratio (task));
  if (g_str_equal (field, "video-id"))
    return dup_nonempty (luma_task_get_video_id (task));
  if (g_str_equal (field, "trace-id"))
    return dup_nonempty (luma_task_get_trace_id (task));
  if (g_str_equal (field, "added"))
    {
      gint64 added = luma_task_get_added_at (task);
      return added > 0 ? luma_format_local_time ((double) added / G_USEC_PER_SEC) : NULL;
    }
  if (g_str_equal (field, "created"))
    return luma_format_local_time (luma_task_get_created_at (task));
  if (g_str_equal (field, "started"))
    return luma_format_local_time (luma_task_get_started_at (task));
  if (g_str_equal (field, "finished"))
    return luma_format_local_time (luma_task_get_finished_at (task));
  if (g_str_equal (field, "elapsed"))
    return luma_format_duration (luma_task_get_elapsed (task));
  if (g_str_equal (field, "resolution"))
    return dup_size (luma_task_get_video_width (task), luma_task_get_video_height (task));
  if (g_str_equal (field, "video-url"))
    return dup_nonempty (luma_task_get_video_url (task));
  if (g_str_equal (field, "thumbnail-url"))
    return dup_nonempty (luma_task_get_thumbnail_url (task));
  if (g_str_equal (field, "record"))
    return dup_record_pretty (task);

  return NULL;
}

static void
update_row (LumaTaskDetails *self,
            AdwActionRow    *row,
            const char      *field)
{
  g_autofree char *value = luma_task_details_dup_field (self, field);

  gtk_widget_set_visible (GTK_WIDGET (row), value != NULL);
  adw_action_row_set_subtitle (row, value ? value : "");
}

static void
luma_task_details_update (LumaTaskDetails *self)
{
  g_autofree char *record = NULL;
  const char *video_url;
  const char *thumbnail_url;

  if (self->task == NULL)
    return;

  update_row (self, self->id_row, "id");
  update_row (self, self->state_row, "state");
  update_row (self, self->reason_row, "reason");
  update_row (self, self->fetch_error_row, "fetch-error");
  update_row (self, self->prompt_row, "prompt");
  update_row (self, self->action_row, "action");
  update_row (self, self->aspect_ratio_row, "aspect-ratio");
  update_row (self, self->video_id_row, "video-id");
  update_row (self, self->trace_id_row, "trace-id");
  update_row (self, self->added_row, "added");
  update_row (self, self->created_row, "created");
  update_row (self, self->started_row, "started");
  update_row (self, self->finished_row, "finished");
  update_row (self, self->elapsed_row, "elapsed");
  update_row (self, self->resolution_row, "resolution");
  update_row (self, self->video_url_row, "video-url");
  update_row (self, self->thumbnail_url_row, "thumbnail-url");

  record = dup_record_pretty (self->task);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->record_view),
                            record ? record : _("No answer from the service yet."), -1);

  video_url = luma_task_get_video_url (self->task);
  thumbnail_url = luma_task_get_thumbnail_url (self->task);
  /* Only tasks with media have something to preview. */
  gtk_widget_set_visible (GTK_WIDGET (self->preview_slot),
                          (video_url != NULL && *video_url != '\0') ||
                          (thumbnail_url != NULL && *thumbnail_url != '\0'));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "task.open-video",
                                 video_url != NULL && *video_url != '\0');
  /* No video (yet): no button that cannot do anything. */
  gtk_widget_set_visible (self->open_video_button, video_url != NULL && *video_url != '\0');
}

static void
on_task_notify (LumaTaskDetails *self,
                GParamSpec      *pspec,
                LumaTask        *task)
{
  luma_task_details_update (self);
}

LumaTask *
luma_task_details_get_task (LumaTaskDetails *self)
{
  g_return_val_if_fail (LUMA_IS_TASK_DETAILS (self), NULL);

  return self->task;
}

void
luma_task_details_set_task (LumaTaskDetails *self,
                            LumaTask        *task,
                            guint            n_selected)
{
  g_return_if_fail (LUMA_IS_TASK_DETAILS (self));
  g_return_if_fail (task == NULL || LUMA_IS_TASK (task));

  if (task == NULL)
    {
      if (n_selected > 1)
        {
          g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                                 "%u Task Selected",
                                                                 "%u Tasks Selected",
                                                                 n_selected),
                                                    n_selected);
          adw_status_page_set_title (self->empty_page, title);
          adw_status_page_set_description (self->empty_page,
                                           _("Refresh, export, copy or remove them together with the buttons and shortcuts of the list."));
        }
      else
        {
          adw_status_page_set_title (self->empty_page, _("No Task Selected"));
          adw_status_page_set_description (self->empty_page,
                                           _("Select a task in the list to see its details."));
        }
    }

  if (g_set_object (&self->task, task))
    {
      g_signal_group_set_target (self->task_signals, task);
      luma_preview_set_task (self->preview, task);
      /* Another task: start from its top, the preview. */
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TASK]);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "task.refresh", task != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "task.copy-field", task != NULL);
  if (task == NULL)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "task.open-video", FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->preview_slot), FALSE);
    }

  gtk_stack_set_visible_child_name (self->stack, task != NULL ? "details" : "empty");
  luma_task_details_update (self);
}

GtkBox *
luma_task_details_get_preview_slot (LumaTaskDetails *self)
{
  g_return_val_if_fail (LUMA_IS_TASK_DETAILS (self), NULL);

  return self->preview_slot;
}

static void
show_toast (LumaTaskDetails *self,
            const char      *title)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  AdwToast *toast;

  if (overlay == NULL)
    return;

  toast = luma_toast_new (title);
  adw_toast_set_timeout (toast, 2);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

static void
copy_field_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  LumaTaskDetails *self = LUMA_TASK_DETAILS (widget);
  const char *field = g_variant_get_string (parameter, NULL);
  g_autofree char *value = luma_task_details_dup_field (self, field);

  if (value == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), value);
  show_toast (self, _("Copied to the clipboard"));
}

static void
open_video_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  LumaTaskDetails *self = LUMA_TASK_DETAILS (widget);
  const char *url;

  if (self->task == NULL)
    return;

  url = luma_task_get_video_url (self->task);
  if (url == NULL || *url == '\0')
    return;

  gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (widget)), url, GDK_CURRENT_TIME);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LumaTaskDetails *self = LUMA_TASK_DETAILS (widget);

  if (self->task == NULL)
    return;

  /* The window owns the tracker that refreshes tasks. */
  gtk_widget_activate_action (widget, "win.refresh-task", "s", luma_task_get_id (self->task));
}

static void
luma_task_details_dispose (GObject *object)
{
  LumaTaskDetails *self = LUMA_TASK_DETAILS (object);

  if (self->task_signals != NULL)
    g_signal_group_set_target (self->task_signals, NULL);
  g_clear_object (&self->task_signals);
  g_clear_object (&self->task);

  gtk_widget_dispose_template (GTK_WIDGET (self), LUMA_TYPE_TASK_DETAILS);

  G_OBJECT_CLASS (luma_task_details_parent_class)->dispose (object);
}

static void
luma_task_details_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LumaTaskDetails *self = LUMA_TASK_DETAILS (object);

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
luma_task_details_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  LumaTaskDetails *self = LUMA_TASK_DETAILS (object);

  switch (prop_id)
    {
    case PROP_TASK:
      luma_task_details_set_task (self, g_value_get_object (value), 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_task_details_class_init (LumaTaskDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = luma_task_details_dispose;
  object_class->get_property = luma_task_details_get_property;
  object_class->set_property = luma_task_details_set_property;

  properties[PROP_TASK] =
    g_param_spec_object ("task", NULL, NULL,
                         LUMA_TYPE_TASK,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/luma-task-details.ui");
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, stack);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, empty_page);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, preview_slot);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, scroller);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, open_video_button);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, record_view);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, id_row);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, state_row);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, reason_row);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, fetch_error_row);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, prompt_row);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, action_row);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, aspect_ratio_row);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, video_id_row);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, trace_id_row);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, added_row);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, created_row);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, started_row);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, finished_row);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, elapsed_row);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, resolution_row);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, video_url_row);
  gtk_widget_class_bind_template_child (widget_class, LumaTaskDetails, thumbnail_url_row);

  gtk_widget_class_install_action (widget_class, "task.copy-field", "s", copy_field_action);
  gtk_widget_class_install_action (widget_class, "task.open-video", NULL, open_video_action);
  gtk_widget_class_install_action (widget_class, "task.refresh", NULL, refresh_action);
}

static void
luma_task_details_init (LumaTaskDetails *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->preview = LUMA_PREVIEW (luma_preview_new ());
  /* The preview fills what it is given: give it room for a 16:9 video. */
  gtk_widget_set_size_request (GTK_WIDGET (self->preview), -1, 280);
  gtk_box_append (self->preview_slot, GTK_WIDGET (self->preview));

  self->task_signals = g_signal_group_new (LUMA_TYPE_TASK);
  g_signal_group_connect_object (self->task_signals, "notify",
                                 G_CALLBACK (on_task_notify), self,
                                 G_CONNECT_SWAPPED);

  luma_task_details_set_task (self, NULL, 0);
}
