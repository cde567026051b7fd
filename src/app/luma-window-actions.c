/* luma-window-actions.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-window-actions"

#include "config.h"

#include <glib/gi18n.h>

#include "luma-add-dialog.h"
#include "luma-error.h"
#include "luma-preferences.h"
#include "luma-format.h"
#include "luma-window-private.h"

/* Files larger than this are refused: nobody pastes 64 MiB of task IDs. */
#define IMPORT_MAX_SIZE (64 * 1024 * 1024)

/* Adding */

static void
on_add_dialog_text (LumaWindow    *self,
                    const char    *text,
                    LumaAddDialog *dialog)
{
  _luma_window_add_text (self, text);
}

static void
add_dialog_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  LumaWindow *self = LUMA_WINDOW (widget);
  LumaAddDialog *dialog = luma_add_dialog_new (GTK_WINDOW (self), self->list);

  g_signal_connect_object (dialog, "add-text", G_CALLBACK (on_add_dialog_text), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_clipboard_text (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(LumaWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (text == NULL)
    {
      _luma_window_show_toast (self, _("The clipboard holds no text to take task IDs from"));
      return;
    }

  _luma_window_add_text (self, text);
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  LumaWindow *self = LUMA_WINDOW (widget);

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), self->cancellable,
                                 on_clipboard_text, g_object_ref (self));
}

/* Importing files */

typedef struct
{
  LumaWindow *window;
  GFile      *file;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_clear_object (&data->window);
  g_clear_object (&data->file);
  g_free (data);
}

typedef enum
{
  REFUSE_TOO_LARGE,
  REFUSE_BINARY,
  REFUSE_FOLDER,
} RefuseReason;

static void
import_refuse (LumaWindow   *self,
               GFile        *file,
               RefuseReason  reason)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *text = NULL;

  switch (reason)
    {
    case REFUSE_TOO_LARGE:
      text = g_strdup_printf (_("“%s” is larger than 64 MiB and was not read."), name);
      break;
    case REFUSE_BINARY:
      text = g_strdup_printf (_("“%s” is not a text file."), name);
      break;
    case REFUSE_FOLDER:
    default:
      text = g_strdup_printf (_("“%s” is a folder, not a text file."), name);
      break;
    }

  _luma_window_show_toast (self, text);
}

static void
on_import_loaded (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ImportData *data = user_data;
  LumaWindow *self = data->window;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &length, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *name = g_file_get_basename (data->file);
          g_autofree char *text = g_strdup_printf (_("“%s” could not be read: %s"), name, error->message);
          _luma_window_show_toast (self, text);
        }
      import_data_free (data);
      return;
    }

  /* Text files have no NUL bytes; anything else is not a list of IDs. */
  if (length > IMPORT_MAX_SIZE)
    import_refuse (self, data->file, REFUSE_TOO_LARGE);
  else if (memchr (contents, '\0', length) != NULL)
    import_refuse (self, data->file, REFUSE_BINARY);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (contents, length);
      _luma_window_add_text (self, valid);
    }

  import_data_free (data);
}

static void
on_import_info (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ImportData *data = user_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = g_file_query_info_finish (G_FILE (object), result, &error);
  if (info == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *name = g_file_get_parse_name (data->file);
          g_autofree char *text = g_strdup_printf (_("“%s” could not be read: %s"), name, error->message);
          _luma_window_show_toast (data->window, text);
        }
      import_data_free (data);
      return;
    }

  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      import_refuse (data->window, data->file, REFUSE_FOLDER);
      import_data_free (data);
      return;
    }
  if (g_file_info_get_size (info) > IMPORT_MAX_SIZE)
    {
      import_refuse (data->window, data->file, REFUSE_TOO_LARGE);
      import_data_free (data);
      return;
    }

  g_file_load_contents_async (data->file, data->window->cancellable, on_import_loaded, data);
}

void
_luma_window_import_files (LumaWindow  *self,
                           GFile      **files,
                           guint        n_files)
{
  for (guint i = 0; i < n_files; i++)
    {
      ImportData *data = g_new0 (ImportData, 1);

      data->window = g_object_ref (self);
      data->file = g_object_ref (files[i]);
      g_file_query_info_async (data->file,
                               G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                               G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT,
                               self->cancellable, on_import_info, data);
    }
}

static void
on_import_response (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  LumaWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      guint n = g_list_model_get_n_items (files);
      g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < n; i++)
        g_ptr_array_add (array, g_list_model_get_item (files, i));
      _luma_window_import_files (self, (GFile **) array->pdata, array->len);
    }

  g_object_unref (dialog);
  g_object_unref (self);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LumaWindow *self = LUMA_WINDOW (widget);
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) text_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all_filter = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (_("Import Task IDs from Files"),
                                        GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Import"),
                                        _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);

  gtk_file_filter_set_name (text_filter, _("Text Files"));
  gtk_file_filter_add_mime_type (text_filter, "text/*");
  gtk_file_filter_add_mime_type (text_filter, "application/json");
  gtk_file_filter_add_suffix (text_filter, "jsonl");
  gtk_file_filter_add_suffix (text_filter, "log");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), text_filter);
  gtk_file_filter_set_name (all_filter, _("All Files"));
  gtk_file_filter_add_pattern (all_filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all_filter);

  g_signal_connect (dialog, "response", G_CALLBACK (on_import_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Exporting */

typedef struct
{
  LumaWindow *window;
  GFile      *file;
  guint       n_tasks;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->window);
  g_clear_object (&data->file);
  g_free (data);
}

/* The engine's writer reports about a hundred times over a large export. */
static void
on_export_progress (guint    n_done,
                    guint    n_total,
                    gpointer user_data)
{
  ExportData *data = user_data;
  g_autofree char *title = NULL;

  if (n_total == 0)
    return;

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "Exporting %u task… %u %%",
                                        "Exporting %u tasks… %u %%",
                                        n_total),
                           n_total, (guint) ((guint64) n_done * 100 / n_total));
  _luma_window_set_export_status (data->window, data, title);
}

static void
on_export_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ExportData *data = user_data;
  LumaWindow *self = data->window;
  g_autoptr(GError) error = NULL;

  _luma_window_set_export_status (self, data, NULL);

  if (!luma_export_tasks_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf (_("The export failed: %s"), error->message);
          _luma_window_show_toast (self, text);
        }
    }
  else
    {
      g_autoptr(GFile) parent = g_file_get_parent (data->file);
      g_autofree char *name = g_file_get_basename (data->file);
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "Exported %u task to “%s”",
                                                             "Exported %u tasks to “%s”",
                                                             data->n_tasks),
                                                data->n_tasks, name);
      AdwToast *toast = luma_toast_new (title);

      if (parent != NULL)
        {
          g_autofree char *uri = g_file_get_uri (parent);

          adw_toast_set_button_label (toast, _("Open Folder"));
          adw_toast_set_action_name (toast, "win.open-folder");
          adw_toast_set_action_target_value (toast, g_variant_new_string (uri));
        }
      /* What the user just asked for: ahead of an older toast's timeout. */
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }

  export_data_free (data);
}

void
_luma_window_export (LumaWindow       *self,
                     LumaExportScope   scope,
                     LumaExportFormat  format,
                     GFile            *file)
{
  g_autoptr(GPtrArray) tasks = NULL;
  ExportData *data;

  switch (scope)
    {
    case LUMA_EXPORT_SCOPE_SELECTED:
      tasks = _luma_window_dup_selected_tasks (self);
      break;
    case LUMA_EXPORT_SCOPE_VISIBLE:
      tasks = _luma_window_dup_visible_tasks (self);
      break;
    case LUMA_EXPORT_SCOPE_ALL:
    default:
      tasks = _luma_window_dup_all_tasks (self);
      break;
    }

  data = g_new0 (ExportData, 1);
  data->window = g_object_ref (self);
  data->file = g_object_ref (file);
  data->n_tasks = tasks->len;

  /* Large exports take a moment: the status bar says so while the writer
   * works. Not a toast: it would go the moment a small export is done,
   * and libadwaita 1.2 crashes on a toast dismissed while it slides in. */
  {
    g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                           "Exporting %u task…",
                                                           "Exporting %u tasks…",
                                                           tasks->len),
                                              tasks->len);

    _luma_window_set_export_status (self, data, title);
  }

  luma_export_tasks_with_progress_async (tasks, format, file, on_export_progress, data,
                                         self->cancellable, on_export_done, data);
}

static LumaExportFormat
format_for_file (GFile            *file,
                 LumaExportFormat  fallback)
{
  g_autofree char *name = g_file_get_basename (file);

  if (name == NULL)
    return fallback;
  if (g_str_has_suffix (name, ".csv"))
    return LUMA_EXPORT_CSV;
  if (g_str_has_suffix (name, ".jsonl"))
    return LUMA_EXPORT_JSONL;
  if (g_str_has_suffix (name, ".json"))
    return LUMA_EXPORT_JSON;
  return fallback;
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  LumaWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      const char *format_name = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "format");
      const char *scope_name = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "scope");
      LumaExportFormat format = LUMA_EXPORT_JSON;
      LumaExportScope scope = LUMA_EXPORT_SCOPE_ALL;

      if (format_name != NULL)
        luma_export_format_from_string (format_name, &format);
      /* The file name's extension wins over the format choice. */
      format = format_for_file (file, format);

      if (g_strcmp0 (scope_name, "selected") == 0)
        scope = LUMA_EXPORT_SCOPE_SELECTED;
      else if (g_strcmp0 (scope_name, "visible") == 0)
        scope = LUMA_EXPORT_SCOPE_VISIBLE;

      if (file != NULL)
        _luma_window_export (self, scope, format, file);
    }

  g_object_unref (dialog);
  g_object_unref (self);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  static const char *format_ids[] = { "json", "jsonl", "csv", NULL };
  static const char *scope_ids[] = { "all", "selected", "visible", NULL };
  LumaWindow *self = LUMA_WINDOW (widget);
  const char *format_labels[] = { _("JSON"), _("JSON Lines"), _("CSV"), NULL };
  const char *scope_labels[] = { _("All Tasks"), _("Selected Tasks"), _("Tasks Shown"), NULL };
  g_autoptr(GPtrArray) selected = _luma_window_dup_selected_tasks (self);
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Export Tasks"),
                                        GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"),
                                        _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "luma-tasks.json");
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (dialog), "format", _("Format"),
                               format_ids, format_labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (dialog), "format", "json");
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (dialog), "scope", _("Tasks"),
                               scope_ids, scope_labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (dialog), "scope",
                               selected->len > 1 ? "selected" : "all");

  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_folder_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  gtk_show_uri (GTK_WINDOW (widget), g_variant_get_string (parameter, NULL), GDK_CURRENT_TIME);
}

/* Refreshing */

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  LumaWindow *self = LUMA_WINDOW (widget);

  luma_tracker_refresh (self->tracker, NULL);
}

static void
refresh_selected_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  LumaWindow *self = LUMA_WINDOW (widget);
  g_autoptr(GPtrArray) tasks = _luma_window_dup_selected_tasks (self);

  if (tasks->len > 0)
    luma_tracker_refresh (self->tracker, tasks);
}

static void
refresh_task_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  LumaWindow *self = LUMA_WINDOW (widget);
  LumaTask *task = luma_task_list_lookup (self->list, g_variant_get_string (parameter, NULL));
  g_autoptr(GPtrArray) tasks = NULL;

  if (task == NULL)
    return;

  tasks = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (tasks, g_object_ref (task));
  luma_tracker_refresh (self->tracker, tasks);
}

/* Removing */

static void
remove_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  LumaWindow *self = LUMA_WINDOW (widget);
  g_autoptr(GPtrArray) tasks = _luma_window_dup_selected_tasks (self);
  g_autofree char *title = NULL;
  AdwToast *toast;
  guint n;

  if (tasks->len == 0)
    return;

  g_clear_pointer (&self->undo, luma_tracker_removal_unref);
  self->undo = luma_tracker_remove_tasks (self->tracker, tasks);
  n = luma_tracker_removal_get_n_tasks (self->undo);

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Removed %u task", "Removed %u tasks", n), n);
  toast = luma_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo-remove");
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  gtk_widget_action_set_enabled (widget, "win.undo-remove", TRUE);
}

static void
undo_remove_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  LumaWindow *self = LUMA_WINDOW (widget);

  if (self->undo == NULL)
    return;

  luma_tracker_undo_remove (self->tracker, self->undo);
  g_clear_pointer (&self->undo, luma_tracker_removal_unref);
  gtk_widget_action_set_enabled (widget, "win.undo-remove", FALSE);
}

/* Selection and clipboard */

static void
select_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  LumaWindow *self = LUMA_WINDOW (widget);

  _luma_window_reveal_all_rows (self);
  gtk_selection_model_select_all (GTK_SELECTION_MODEL (self->selection));
}

static void
copy_selected_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  LumaWindow *self = LUMA_WINDOW (widget);
  g_autoptr(GPtrArray) tasks = _luma_window_dup_selected_tasks (self);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GdkContentProvider) provider = NULL;

  if (tasks->len == 0)
    return;

  for (guint i = 0; i < tasks->len; i++)
    {
      LumaTask *task = g_ptr_array_index (tasks, i);
      JsonObject *record = luma_task_dup_record (task);

      /* A task without an answer yet is copied as its ID, like exports. */
      if (record == NULL)
        {
          record = json_object_new ();
          json_object_set_string_member (record, "id", luma_task_get_id (task));
        }
      g_ptr_array_add (records, record);
    }

  bytes = luma_export_records_to_bytes (records, LUMA_EXPORT_JSON);
  provider = gdk_content_provider_new_for_bytes ("text/plain;charset=utf-8", bytes);
  gdk_clipboard_set_content (gtk_widget_get_clipboard (widget), provider);

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "Copied %u task as JSON",
                                        "Copied %u tasks as JSON", tasks->len),
                           tasks->len);
  _luma_window_show_toast (self, title);
}

/* Views */

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  LumaWindow *self = LUMA_WINDOW (widget);

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  LumaWindow *self = LUMA_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  LumaWindow *self = LUMA_WINDOW (widget);
  LumaPreferences *preferences = luma_preferences_new (self);

  gtk_window_present (GTK_WINDOW (preferences));
}

void
_luma_window_class_init_actions (LumaWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.add-dialog", NULL, add_dialog_action);
  gtk_widget_class_install_action (widget_class, "win.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.open-folder", "s", open_folder_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "win.refresh-selected", NULL, refresh_selected_action);
  gtk_widget_class_install_action (widget_class, "win.refresh-task", "s", refresh_task_action);
  gtk_widget_class_install_action (widget_class, "win.remove-selected", NULL, remove_selected_action);
  gtk_widget_class_install_action (widget_class, "win.undo-remove", NULL, undo_remove_action);
  gtk_widget_class_install_action (widget_class, "win.select-all", NULL, select_all_action);
  gtk_widget_class_install_action (widget_class, "win.copy-selected", NULL, copy_selected_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.add-dialog", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_V, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.add-dialog", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "win.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.refresh-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "win.remove-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "win.remove-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo-remove", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK, "win.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "win.copy-selected", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK, "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
}

void
_luma_window_init_actions (LumaWindow *self)
{
  g_autoptr(GAction) filter = g_settings_create_action (self->settings, "filter");
  g_autoptr(GAction) sort = g_settings_create_action (self->settings, "sort");

  g_action_map_add_action (G_ACTION_MAP (self), filter);
  g_action_map_add_action (G_ACTION_MAP (self), sort);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo-remove", FALSE);
  /* "Export" takes the whole list: not before the history is all in. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export", FALSE);
}
