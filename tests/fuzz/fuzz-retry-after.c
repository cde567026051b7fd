/* fuzz-retry-after.c
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Retry-After parsing: any header value gives a finite delay or "unusable"
 * (negative), never NaN or infinity, which would break the backoff timer.
 */

#include "config.h"

#include <math.h>
#include <stdint.h>

#include "luma-client.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2024, 8, 31, 4, 10, 11.0);
  g_autofree char *value = g_strndup ((const char *) data, size);
  double delay;

  delay = luma_client_parse_retry_after (value, now);
  g_assert_false (isnan (delay));
  g_assert_false (isinf (delay));

  return 0;
}
