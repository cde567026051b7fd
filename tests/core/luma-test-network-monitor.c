/* luma-test-network-monitor.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "luma-test-network-monitor.h"

struct _TestNetworkMonitor
{
  GObject  parent_instance;
  gboolean available;
};

enum {
  MON_PROP_0,
  MON_PROP_NETWORK_AVAILABLE,
  MON_PROP_NETWORK_METERED,
  MON_PROP_CONNECTIVITY,
};

static void test_network_monitor_iface_init (GNetworkMonitorInterface *iface);
static void test_network_monitor_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestNetworkMonitor, test_network_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, test_network_monitor_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, test_network_monitor_iface_init))

static gboolean
test_network_monitor_initable_init (GInitable     *initable,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  return TRUE;
}

static void
test_network_monitor_initable_iface_init (GInitableIface *iface)
{
  iface->init = test_network_monitor_initable_init;
}

static gboolean
test_network_monitor_can_reach (GNetworkMonitor     *monitor,
                                GSocketConnectable  *connectable,
                                GCancellable        *cancellable,
                                GError             **error)
{
  return TEST_NETWORK_MONITOR (monitor)->available;
}

static void
test_network_monitor_iface_init (GNetworkMonitorInterface *iface)
{
  iface->can_reach = test_network_monitor_can_reach;
}

static void
test_network_monitor_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TestNetworkMonitor *self = TEST_NETWORK_MONITOR (object);

  switch (prop_id)
    {
    case MON_PROP_NETWORK_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case MON_PROP_NETWORK_METERED:
      g_value_set_boolean (value, FALSE);
      break;
    case MON_PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_network_monitor_class_init (TestNetworkMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_network_monitor_get_property;

  g_object_class_override_property (object_class, MON_PROP_NETWORK_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, MON_PROP_NETWORK_METERED, "network-metered");
  g_object_class_override_property (object_class, MON_PROP_CONNECTIVITY, "connectivity");
}

static void
test_network_monitor_init (TestNetworkMonitor *self)
{
  self->available = TRUE;
}

void
test_network_monitor_set_available (TestNetworkMonitor *self,
                                    gboolean            available)
{
  self->available = available;
  g_object_notify (G_OBJECT (self), "network-available");
  g_signal_emit_by_name (self, "network-changed", available);
}
