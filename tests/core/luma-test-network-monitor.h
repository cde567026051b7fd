/* luma-test-network-monitor.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GNetworkMonitor the tests control: available until told otherwise,
 * whatever the machine running the test says.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TEST_TYPE_NETWORK_MONITOR (test_network_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TestNetworkMonitor, test_network_monitor, TEST, NETWORK_MONITOR, GObject)

void test_network_monitor_set_available (TestNetworkMonitor *self,
                                         gboolean            available);

G_END_DECLS
