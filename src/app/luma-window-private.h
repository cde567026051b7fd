/* luma-window-private.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "luma-client.h"
#include "luma-export.h"
#include "luma-store.h"
#include "luma-task-details.h"
#include "luma-tracker.h"
#include "luma-window.h"

G_BEGIN_DECLS

typedef enum
{
  LUMA_FILTER_ALL,
  LUMA_FILTER_UNFINISHED,
  LUMA_FILTER_COMPLETED,
  LUMA_FILTER_FAILED,
} LumaFilterMode;

typedef enum
{
  LUMA_SORT_ADDED,
  LUMA_SORT_CREATED,
  LUMA_SORT_STATE,
} LumaSortMode;

typedef enum
{
  LUMA_EXPORT_SCOPE_ALL,
  LUMA_EXPORT_SCOPE_SELECTED,
  LUMA_EXPORT_SCOPE_VISIBLE,
} LumaExportScope;

struct _LumaWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  GCancellable         *cancellable;

  /* The engine. */
  LumaStore            *store;
  LumaTracker          *tracker;
  LumaTaskList         *list;
  LumaClient           *client;
  char                 *token;
  char                 *base_url;
  gboolean              token_from_env;
  gboolean              base_url_from_env;
  gboolean              loaded;
  GPtrArray            *pending_texts;      /* added before the store answered */
  LumaTrackerRemoval   *undo;               /* the last removal, for "Undo" */
  GSignalGroup         *poller_signals;

  /* The list's models. */
  GtkCustomFilter      *filter;
  GtkCustomSorter      *sorter;
  GtkSortListModel     *sort_model;
  GtkFilterListModel   *filter_model;
  GtkSliceListModel    *first_rows;         /* limits the rows of the first frames */
  guint                 first_rows_tick_id;
  GtkMultiSelection    *selection;
  char                 *search_casefold;
  gboolean              search_is_ascii;
  char                 *select_pending;     /* to select once filtered */
  LumaFilterMode        filter_mode;
  LumaSortMode          sort_mode;
  guint                 counts_id;
  GMenu                *filter_menu;

  /* One timer for the relative times of all bound rows, one for the
   * "next refresh" countdown. */
  GHashTable           *bound_rows;
  guint                 time_tick_id;
  guint                 status_tick_id;
  char                 *history_notice;     /* why the history started anew */
  gboolean              notified;           /* a notification is out */
  char                 *export_status;      /* the running export, in the status bar */
  gconstpointer         export_owner;       /* which export it is */
  gboolean              bench_first_frame;  /* LUMA_TASKS_BENCH=first-frame */
  gboolean              bench_first_done;

  AdwToast             *rate_toast;
  AdwToast             *error_toast;

  /* Template children. */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *list_pane;
  GtkWidget            *details_pane;
  AdwWindowTitle       *window_title;
  AdwWindowTitle       *details_title;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkStack             *refresh_stack;
  GtkSpinner           *refresh_spinner;
  GtkRevealer          *token_revealer;
  GtkLabel             *token_label;
  GtkRevealer          *network_revealer;
  GtkStack             *list_stack;
  GtkSpinner           *loading_spinner;
  AdwStatusPage        *empty_page;
  GtkListView          *list_view;
  GtkMenuButton        *filter_button;
  GtkSpinner           *status_spinner;
  GtkLabel             *status_label;
  LumaTaskDetails      *details;
};

/* luma-window.c */
void        _luma_window_show_toast          (LumaWindow       *self,
                                              const char       *title);
void        _luma_window_show_error          (LumaWindow       *self,
                                              const GError     *error);
/* Adds every task ID in @text (kept until the store answered), and says
 * what it found in a toast. Returns the number of IDs found. */
guint       _luma_window_add_text            (LumaWindow       *self,
                                              const char       *text);
void        _luma_window_refilter            (LumaWindow       *self);
void        _luma_window_resort              (LumaWindow       *self);
GPtrArray  *_luma_window_dup_selected_tasks  (LumaWindow       *self);
/* What the status bar says while an export runs; @owner names the export,
 * and a NULL @text clears it only if that export set it last. */
void        _luma_window_set_export_status   (LumaWindow       *self,
                                              gconstpointer     owner,
                                              const char       *text);
GPtrArray  *_luma_window_dup_visible_tasks   (LumaWindow       *self);
GPtrArray  *_luma_window_dup_all_tasks       (LumaWindow       *self);
void        _luma_window_apply_client_settings (LumaWindow     *self);
/* The token the user saved in Preferences (ignored while the environment
 * gives one). */
void        _luma_window_set_token           (LumaWindow       *self,
                                              const char       *token);
const char *_luma_window_get_base_url        (LumaWindow       *self);
gboolean    _luma_window_token_from_env      (LumaWindow       *self);
gboolean    _luma_window_base_url_from_env   (LumaWindow       *self);
LumaClient *_luma_window_get_client          (LumaWindow       *self);
LumaTracker *_luma_window_get_tracker        (LumaWindow       *self);
gboolean    _luma_window_is_loaded           (LumaWindow       *self);
/* Lets every row in at once (the first frames get only those that fit). */
void        _luma_window_reveal_all_rows     (LumaWindow       *self);

/* luma-window-actions.c */
void        _luma_window_class_init_actions  (LumaWindowClass  *klass);
void        _luma_window_init_actions        (LumaWindow       *self);
void        _luma_window_export              (LumaWindow       *self,
                                              LumaExportScope   scope,
                                              LumaExportFormat  format,
                                              GFile            *file);
/* Reads text files off the UI thread and adds the task IDs they hold;
 * refuses binary and oversized files with a message. */
void        _luma_window_import_files        (LumaWindow       *self,
                                              GFile           **files,
                                              guint             n_files);

/* luma-window-dnd.c */
void        _luma_window_init_dnd            (LumaWindow       *self);

G_END_DECLS
