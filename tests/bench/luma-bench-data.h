/* luma-bench-data.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Records of the real service's shape and size (about 1.2 KB, like the
 * seed's), made up from an index so benchmarks need no files.
 */

#pragma once

#include <glib.h>

/* The task ID of record @index: a valid, lowercase UUID. */
static inline char *
luma_bench_task_id (guint index)
{
  return g_strdup_printf ("%08x-%04x-4%03x-8%03x-%012x",
                          0x5eed0000u + index, index & 0xffff, index & 0xfff,
                          (index >> 12) & 0xfff, index);
}

/* One record; @completed selects a finished task or a processing one. */
static inline char *
luma_bench_record_json (guint    index,
                        gboolean completed)
{
  g_autofree char *id = luma_bench_task_id (index);
  double created = 1725077411.961 + index;

  if (!completed)
    return g_strdup_printf (
      "{\"_id\":\"66d297a3550a4144a5a5%04x\",\"id\":\"%s\","
      "\"api_id\":\"94fc9028-5a9f-4875-aae4-38463bd30ac5\","
      "\"application_id\":\"06484a45-9d04-498a-98a7-67086dee8166\","
      "\"created_at\":%.3f,\"credential_id\":\"e6a879e5-a7c0-4f7b-9d6f-f9a837421a50\","
      "\"request\":{\"action\":\"generate\",\"prompt\":\"Astronauts shuttle from space to volcano, take %u\",\"aspect_ratio\":\"16:9\"},"
      "\"trace_id\":\"0b7c1c1a-045c-4145-a434-609cba88f0a9\","
      "\"user_id\":\"ad7afe47-cea9-4cda-980f-2ad8810e51cf\","
      "\"response\":{\"success\":true,\"task_id\":\"%s\",\"state\":\"processing\"}}",
      index & 0xffff, id, created, index, id);

  return g_strdup_printf (
    "{\"_id\":\"66d297a3550a4144a5a5%04x\",\"id\":\"%s\","
    "\"api_id\":\"94fc9028-5a9f-4875-aae4-38463bd30ac5\","
    "\"application_id\":\"06484a45-9d04-498a-98a7-67086dee8166\","
    "\"created_at\":%.3f,\"credential_id\":\"e6a879e5-a7c0-4f7b-9d6f-f9a837421a50\","
    "\"request\":{\"action\":\"generate\",\"prompt\":\"Astronauts shuttle from space to volcano, take %u\",\"aspect_ratio\":\"16:9\"},"
    "\"trace_id\":\"0b7c1c1a-045c-4145-a434-609cba88f0a9\","
    "\"user_id\":\"ad7afe47-cea9-4cda-980f-2ad8810e51cf\","
    "\"response\":{\"success\":true,\"task_id\":\"%s\","
    "\"video_id\":\"4b088fc8-2bbc-4706-80a6-a0fb118adc1a\","
    "\"prompt\":\"Astronauts shuttle from space to volcano, take %u\","
    "\"video_url\":\"https://platform.cdn.acedata.cloud/luma/%s.mp4\","
    "\"video_height\":752,\"video_width\":1360,\"state\":\"completed\","
    "\"thumbnail_url\":\"https://platform.cdn.acedata.cloud/luma/%s.jpg\","
    "\"thumbnail_width\":1360,\"thumbnail_height\":752},"
    "\"finished_at\":%.3f}",
    index & 0xffff, id, created, index, id, index, id, id, created + 154.28);
}
