/* luma-thumbnail.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "luma-thumbnail"

#include "config.h"

#include <glib/gi18n.h>

#include "luma-thumbnail.h"
#include "luma-thumbnail-loader.h"

struct _LumaThumbnail
{
  GtkWidget            parent_instance;

  GtkWidget           *icon;

  LumaTask            *task;
  char                *url;
  guint                thumbnail_width;
  guint                thumbnail_height;
  int                  natural_width;

  LumaThumbnailStatus  status;
  GdkTexture          *texture;
  int                  loaded_width;    /* the width the texture was asked at */
  int                  loading_width;
  char                *failure;
  GCancellable        *cancellable;
};

G_DEFINE_FINAL_TYPE (LumaThumbnail, luma_thumbnail, GTK_TYPE_WIDGET)

G_DEFINE_ENUM_TYPE (LumaThumbnailStatus, luma_thumbnail_status,
                    G_DEFINE_ENUM_VALUE (LUMA_THUMBNAIL_EMPTY, "empty"),
                    G_DEFINE_ENUM_VALUE (LUMA_THUMBNAIL_LOADING, "loading"),
                    G_DEFINE_ENUM_VALUE (LUMA_THUMBNAIL_LOADED, "loaded"),
                    G_DEFINE_ENUM_VALUE (LUMA_THUMBNAIL_FAILED, "failed"))

enum {
  PROP_0,
  PROP_TASK,
  PROP_URL,
  PROP_THUMBNAIL_WIDTH,
  PROP_THUMBNAIL_HEIGHT,
  PROP_NATURAL_WIDTH,
  PROP_STATUS,
  PROP_FAILURE,
  PROP_TEXTURE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Textures come in a few widths so that rows of slightly different sizes
 * share one entry of the loader's memory cache. */
static const int width_buckets[] = { 64, 128, 256, 512, 1024, 2048 };

static int
bucket_for_width (int width)
{
  for (guint i = 0; i < G_N_ELEMENTS (width_buckets); i++)
    {
      if (width <= width_buckets[i])
        return width_buckets[i];
    }
  return 0;  /* the image's own size */
}

static double
luma_thumbnail_get_aspect (LumaThumbnail *self)
{
  if (self->thumbnail_width > 0 && self->thumbnail_height > 0)
    return (double) self->thumbnail_width / self->thumbnail_height;
  if (self->texture != NULL)
    return (double) gdk_texture_get_width (self->texture) / gdk_texture_get_height (self->texture);
  return 16.0 / 9.0;
}

static void
set_status (LumaThumbnail       *self,
            LumaThumbnailStatus  status)
{
  if (self->status == status)
    return;

  self->status = status;

  gtk_widget_set_visible (self->icon, status != LUMA_THUMBNAIL_LOADED);
  gtk_image_set_from_icon_name (GTK_IMAGE (self->icon),
                                status == LUMA_THUMBNAIL_FAILED ? "image-missing-symbolic"
                                                                : "image-x-generic-symbolic");
  if (status == LUMA_THUMBNAIL_FAILED)
    gtk_widget_remove_css_class (self->icon, "dim-label");
  else
    gtk_widget_add_css_class (self->icon, "dim-label");

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
set_failure (LumaThumbnail *self,
             const char    *failure)
{
  if (g_strcmp0 (self->failure, failure) == 0)
    return;

  g_free (self->failure);
  self->failure = g_strdup (failure);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), failure);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURE]);
}

static void
set_texture (LumaThumbnail *self,
             GdkTexture    *texture,
             int            loaded_width)
{
  gboolean size_changed = (self->texture == NULL) != (texture == NULL);

  self->loaded_width = loaded_width;
  if (!g_set_object (&self->texture, texture))
    return;

  if (size_changed || self->thumbnail_width == 0)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXTURE]);
}

static void
cancel_load (LumaThumbnail *self)
{
  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      g_clear_object (&self->cancellable);
    }
}

static int
wanted_width (LumaThumbnail *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  if (width <= 0)
    width = self->natural_width > 0 ? self->natural_width : (int) self->thumbnail_width;
  if (width <= 0)
    return 0;

  return bucket_for_width (width * gtk_widget_get_scale_factor (GTK_WIDGET (self)));
}

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(LumaThumbnail) self = user_data;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;

  texture = luma_thumbnail_loader_load_finish (LUMA_THUMBNAIL_LOADER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);

  if (texture == NULL)
    {
      set_texture (self, NULL, 0);
      set_failure (self, error->message);
      set_status (self, LUMA_THUMBNAIL_FAILED);
      return;
    }

  set_failure (self, NULL);
  set_texture (self, texture, self->loading_width);
  set_status (self, LUMA_THUMBNAIL_LOADED);
}

static void
maybe_load (LumaThumbnail *self)
{
  LumaThumbnailLoader *loader;
  const char *failure;
  GdkTexture *texture;
  int width;

  if (self->url == NULL)
    {
      cancel_load (self);
      set_texture (self, NULL, 0);
      set_failure (self, NULL);
      set_status (self, LUMA_THUMBNAIL_EMPTY);
      return;
    }

  /* Only what is on screen loads. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)) || self->cancellable != NULL)
    return;

  width = wanted_width (self);
  if (self->status == LUMA_THUMBNAIL_FAILED)
    return;
  if (self->texture != NULL &&
      (self->loaded_width == 0 || (width != 0 && self->loaded_width >= width)))
    return;

  loader = luma_thumbnail_loader_get_default ();

  failure = luma_thumbnail_loader_get_failure (loader, self->url);
  if (failure != NULL)
    {
      set_texture (self, NULL, 0);
      set_failure (self, failure);
      set_status (self, LUMA_THUMBNAIL_FAILED);
      return;
    }

  texture = luma_thumbnail_loader_lookup (loader, self->url, width, 0);
  if (texture != NULL)
    {
      set_failure (self, NULL);
      set_texture (self, texture, width);
      set_status (self, LUMA_THUMBNAIL_LOADED);
      return;
    }

  if (self->texture == NULL)
    set_status (self, LUMA_THUMBNAIL_LOADING);

  /* One load at a time: a new one starts only after this one ends or is
   * cancelled, so the width it was made for is known in load_cb. */
  self->cancellable = g_cancellable_new ();
  self->loading_width = width;
  luma_thumbnail_loader_load_async (loader,
                                    self->task ? luma_task_get_id (self->task) : NULL,
                                    self->url, width, 0, self->cancellable,
                                    load_cb, g_object_ref (self));
}

static void
reset (LumaThumbnail *self)
{
  cancel_load (self);
  set_texture (self, NULL, 0);
  set_failure (self, NULL);
  set_status (self, self->url ? LUMA_THUMBNAIL_LOADING : LUMA_THUMBNAIL_EMPTY);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  maybe_load (self);
}

static void
update_from_task (LumaThumbnail *self)
{
  const char *url = NULL;
  guint width = 0, height = 0;

  if (self->task != NULL)
    {
      url = luma_task_get_thumbnail_url (self->task);
      width = luma_task_get_thumbnail_width (self->task);
      height = luma_task_get_thumbnail_height (self->task);
    }

  luma_thumbnail_set_url (self, url, width, height);
}

static void
on_task_notify (LumaThumbnail *self)
{
  update_from_task (self);
}

/* ------------------------------------------------------------------ */

static void
luma_thumbnail_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  LumaThumbnail *self = LUMA_THUMBNAIL (widget);
  double aspect = luma_thumbnail_get_aspect (self);
  int icon_min = 0, icon_nat = 0;
  int nat_width;

  gtk_widget_measure (self->icon, orientation, -1, &icon_min, &icon_nat, NULL, NULL);

  nat_width = self->natural_width;
  if (nat_width < 0)
    {
      nat_width = (int) self->thumbnail_width;
      if (nat_width == 0 && self->texture != NULL)
        nat_width = gdk_texture_get_width (self->texture);
      if (nat_width == 0)
        nat_width = 160;
    }

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = icon_min;
      *natural = for_size >= 0 ? (int) (for_size * aspect + 0.5) : nat_width;
    }
  else
    {
      *minimum = icon_min;
      *natural = (int) ((for_size >= 0 ? for_size : nat_width) / aspect + 0.5);
    }

  *natural = MAX (*natural, *minimum);
}

static GtkSizeRequestMode
luma_thumbnail_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
luma_thumbnail_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  LumaThumbnail *self = LUMA_THUMBNAIL (widget);
  int icon_w, icon_h;

  gtk_widget_measure (self->icon, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &icon_w, NULL, NULL);
  gtk_widget_measure (self->icon, GTK_ORIENTATION_VERTICAL, -1, NULL, &icon_h, NULL, NULL);
  icon_w = MIN (icon_w, width);
  icon_h = MIN (icon_h, height);
  gtk_widget_size_allocate (self->icon,
                            &(GtkAllocation) { (width - icon_w) / 2, (height - icon_h) / 2, icon_w, icon_h },
                            -1);

  /* A larger allocation than the texture was made for gets a sharper one. */
  if (self->texture != NULL && self->loaded_width != 0 && self->cancellable == NULL &&
      gtk_widget_get_mapped (widget))
    {
      int wanted = wanted_width (self);

      if (wanted == 0 || wanted > self->loaded_width)
        maybe_load (self);
    }
}

static void
luma_thumbnail_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  LumaThumbnail *self = LUMA_THUMBNAIL (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (self->texture != NULL && width > 0 && height > 0)
    {
      double aspect = luma_thumbnail_get_aspect (self);
      double w = width, h = width / aspect;

      if (h > height)
        {
          h = height;
          w = height * aspect;
        }

      gtk_snapshot_append_texture (snapshot, self->texture,
                                   &GRAPHENE_RECT_INIT ((width - w) / 2, (height - h) / 2, w, h));
    }

  gtk_widget_snapshot_child (widget, self->icon, snapshot);
}

static void
luma_thumbnail_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (luma_thumbnail_parent_class)->map (widget);

  maybe_load (LUMA_THUMBNAIL (widget));
}

static void
luma_thumbnail_unmap (GtkWidget *widget)
{
  LumaThumbnail *self = LUMA_THUMBNAIL (widget);

  /* Scrolled away: whatever it was waiting for is not needed now. */
  cancel_load (self);

  GTK_WIDGET_CLASS (luma_thumbnail_parent_class)->unmap (widget);
}

static void
luma_thumbnail_dispose (GObject *object)
{
  LumaThumbnail *self = LUMA_THUMBNAIL (object);

  cancel_load (self);
  if (self->task != NULL)
    g_signal_handlers_disconnect_by_data (self->task, self);
  g_clear_object (&self->task);
  g_clear_pointer (&self->icon, gtk_widget_unparent);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (luma_thumbnail_parent_class)->dispose (object);
}

static void
luma_thumbnail_finalize (GObject *object)
{
  LumaThumbnail *self = LUMA_THUMBNAIL (object);

  g_free (self->url);
  g_free (self->failure);

  G_OBJECT_CLASS (luma_thumbnail_parent_class)->finalize (object);
}

static void
luma_thumbnail_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LumaThumbnail *self = LUMA_THUMBNAIL (object);

  switch (prop_id)
    {
    case PROP_TASK:
      g_value_set_object (value, self->task);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_THUMBNAIL_WIDTH:
      g_value_set_uint (value, self->thumbnail_width);
      break;
    case PROP_THUMBNAIL_HEIGHT:
      g_value_set_uint (value, self->thumbnail_height);
      break;
    case PROP_NATURAL_WIDTH:
      g_value_set_int (value, self->natural_width);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_FAILURE:
      g_value_set_string (value, self->failure);
      break;
    case PROP_TEXTURE:
      g_value_set_object (value, self->texture);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_thumbnail_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  LumaThumbnail *self = LUMA_THUMBNAIL (object);

  switch (prop_id)
    {
    case PROP_TASK:
      luma_thumbnail_set_task (self, g_value_get_object (value));
      break;
    case PROP_URL:
      luma_thumbnail_set_url (self, g_value_get_string (value),
                              self->thumbnail_width, self->thumbnail_height);
      break;
    case PROP_THUMBNAIL_WIDTH:
      luma_thumbnail_set_url (self, self->url, g_value_get_uint (value), self->thumbnail_height);
      break;
    case PROP_THUMBNAIL_HEIGHT:
      luma_thumbnail_set_url (self, self->url, self->thumbnail_width, g_value_get_uint (value));
      break;
    case PROP_NATURAL_WIDTH:
      luma_thumbnail_set_natural_width (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
luma_thumbnail_class_init (LumaThumbnailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = luma_thumbnail_dispose;
  object_class->finalize = luma_thumbnail_finalize;
  object_class->get_property = luma_thumbnail_get_property;
  object_class->set_property = luma_thumbnail_set_property;

  widget_class->measure = luma_thumbnail_measure;
  widget_class->get_request_mode = luma_thumbnail_get_request_mode;
  widget_class->size_allocate = luma_thumbnail_size_allocate;
  widget_class->snapshot = luma_thumbnail_snapshot;
  widget_class->map = luma_thumbnail_map;
  widget_class->unmap = luma_thumbnail_unmap;

  properties[PROP_TASK] =
    g_param_spec_object ("task", NULL, NULL, LUMA_TYPE_TASK,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_THUMBNAIL_WIDTH] =
    g_param_spec_uint ("thumbnail-width", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_THUMBNAIL_HEIGHT] =
    g_param_spec_uint ("thumbnail-height", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NATURAL_WIDTH] =
    g_param_spec_int ("natural-width", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, LUMA_TYPE_THUMBNAIL_STATUS, LUMA_THUMBNAIL_EMPTY,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAILURE] =
    g_param_spec_string ("failure", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXTURE] =
    g_param_spec_object ("texture", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "lumathumbnail");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
luma_thumbnail_init (LumaThumbnail *self)
{
  self->natural_width = -1;
  self->status = LUMA_THUMBNAIL_EMPTY;

  self->icon = gtk_image_new_from_icon_name ("image-x-generic-symbolic");
  gtk_image_set_icon_size (GTK_IMAGE (self->icon), GTK_ICON_SIZE_LARGE);
  gtk_widget_add_css_class (self->icon, "dim-label");
  gtk_widget_set_parent (self->icon, GTK_WIDGET (self));

  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

GtkWidget *
luma_thumbnail_new (void)
{
  return g_object_new (LUMA_TYPE_THUMBNAIL, NULL);
}

LumaTask *
luma_thumbnail_get_task (LumaThumbnail *self)
{
  g_return_val_if_fail (LUMA_IS_THUMBNAIL (self), NULL);

  return self->task;
}

void
luma_thumbnail_set_task (LumaThumbnail *self,
                         LumaTask      *task)
{
  g_return_if_fail (LUMA_IS_THUMBNAIL (self));
  g_return_if_fail (task == NULL || LUMA_IS_TASK (task));

  if (self->task == task)
    return;

  if (self->task != NULL)
    g_signal_handlers_disconnect_by_data (self->task, self);
  g_set_object (&self->task, task);

  if (task != NULL)
    {
      /* A task that finishes later gets its thumbnail then. */
      g_signal_connect_swapped (task, "notify::thumbnail-url", G_CALLBACK (on_task_notify), self);
      g_signal_connect_swapped (task, "notify::thumbnail-width", G_CALLBACK (on_task_notify), self);
      g_signal_connect_swapped (task, "notify::thumbnail-height", G_CALLBACK (on_task_notify), self);
    }

  /* Another task: what was loading for the old one is not wanted. */
  cancel_load (self);
  set_texture (self, NULL, 0);
  update_from_task (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TASK]);
}

void
luma_thumbnail_set_url (LumaThumbnail *self,
                        const char    *url,
                        guint          width,
                        guint          height)
{
  gboolean url_changed;

  g_return_if_fail (LUMA_IS_THUMBNAIL (self));

  if (url != NULL && *url == '\0')
    url = NULL;

  url_changed = g_strcmp0 (self->url, url) != 0;

  g_object_freeze_notify (G_OBJECT (self));

  if (width != self->thumbnail_width || height != self->thumbnail_height)
    {
      if (width != self->thumbnail_width)
        {
          self->thumbnail_width = width;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THUMBNAIL_WIDTH]);
        }
      if (height != self->thumbnail_height)
        {
          self->thumbnail_height = height;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THUMBNAIL_HEIGHT]);
        }
      gtk_widget_queue_resize (GTK_WIDGET (self));
    }

  if (url_changed)
    {
      g_free (self->url);
      self->url = g_strdup (url);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
      reset (self);
    }
  else if (self->url == NULL)
    {
      set_status (self, LUMA_THUMBNAIL_EMPTY);
    }
  else if (self->texture == NULL)
    {
      maybe_load (self);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

const char *
luma_thumbnail_get_url (LumaThumbnail *self)
{
  g_return_val_if_fail (LUMA_IS_THUMBNAIL (self), NULL);

  return self->url;
}

void
luma_thumbnail_set_natural_width (LumaThumbnail *self,
                                  int            natural_width)
{
  g_return_if_fail (LUMA_IS_THUMBNAIL (self));

  if (self->natural_width == natural_width)
    return;

  self->natural_width = natural_width;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NATURAL_WIDTH]);
}

LumaThumbnailStatus
luma_thumbnail_get_status (LumaThumbnail *self)
{
  g_return_val_if_fail (LUMA_IS_THUMBNAIL (self), LUMA_THUMBNAIL_EMPTY);

  return self->status;
}

GdkTexture *
luma_thumbnail_get_texture (LumaThumbnail *self)
{
  g_return_val_if_fail (LUMA_IS_THUMBNAIL (self), NULL);

  return self->texture;
}

const char *
luma_thumbnail_get_failure (LumaThumbnail *self)
{
  g_return_val_if_fail (LUMA_IS_THUMBNAIL (self), NULL);

  return self->failure;
}
