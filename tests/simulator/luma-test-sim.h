/* luma-test-sim.h
 *
 * Copyright 2026 The Luma Tasks authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Starts, drives and stops a luma-tasks-sim for a test: the simulator runs as
 * a child process (path in $LUMA_TASKS_SIM) on a free loopback port. Every
 * function asserts on failure, as test code.
 *
 * luma_test_sim_start (NULL) starts it with no extra arguments; otherwise
 * pass arguments ending with NULL: luma_test_sim_start ("--progress", "5", NULL). */
typedef struct _LumaTestSim LumaTestSim;

/* Tasks of the built-in demo set (tests/simulator/demo-tasks.json). */
#define LUMA_TEST_SIM_SEED_ID_1          "50fc6182-fa86-4c7d-ac12-2fa27ec2f151" /* completed, the seed's */
#define LUMA_TEST_SIM_SEED_ID_2          "76a05f61-68ad-4c1a-838f-a00cd08cf65b" /* completed, the seed's */
#define LUMA_TEST_SIM_PENDING_ID         "1cb000fc-4a11-4fd3-a30d-65e5eccf7d56" /* no response member */
#define LUMA_TEST_SIM_PENDING_NULL_ID    "65c4d556-6059-4121-87fd-99d7ab9bae9b" /* response: null */
#define LUMA_TEST_SIM_PENDING_STATE_ID   "c0418d8d-e741-4736-88c8-55f341059913" /* state "pending" */
#define LUMA_TEST_SIM_PROCESSING_ID      "512ee3da-2f62-41d0-9ce7-7e830ab98eec" /* state "processing" */
#define LUMA_TEST_SIM_PROCESSING_BARE_ID "f27eaad8-1e00-4a56-97bf-09869adfacff" /* success, no video_url */
#define LUMA_TEST_SIM_PORTRAIT_ID        "6f45aedd-7961-4542-8600-39d309ba91e4" /* completed 752×1360 */
#define LUMA_TEST_SIM_NO_STATE_ID        "b4b22ee6-9a11-4fd3-9c35-4445cf6f4266" /* completed, no state word */
#define LUMA_TEST_SIM_MODERATED_ID       "e00b66c0-ba49-4899-b09e-8c50223c7688" /* failed: success false */
#define LUMA_TEST_SIM_FAILED_CODE_ID     "aa9bc43f-35dd-48a9-ae6c-371573780e58" /* state "failed", code only */
#define LUMA_TEST_SIM_QUEUED_ID          "d2d365c4-2983-494c-92cb-f959fb0b62f2" /* unknown state "queued" */
#define LUMA_TEST_SIM_NOT_A_VIDEO_ID     "cb81985d-1dd1-4382-8046-5544af238647" /* video is an HTML page */
#define LUMA_TEST_SIM_UNDECODABLE_ID     "4b439321-bcd7-43fd-8afd-99cffcaa9bf2" /* video is AV1 */
#define LUMA_TEST_SIM_MEDIA_MISSING_ID   "fb3e226d-c6aa-4894-a4c2-f6cf27564f10" /* video and thumbnail 404 */
#define LUMA_TEST_SIM_BAD_THUMBNAIL_ID   "b1cb5244-b849-4fab-b2b4-7d36e6079c6a" /* thumbnail is text */
#define LUMA_TEST_SIM_EVERY_CHARACTER_ID "2c94282c-419e-4d95-ad04-e97ae1ea1427" /* prompt: , " \n 中文 العربية 🎬 */
#define LUMA_TEST_SIM_PENDING_2_ID       "6edee2fc-4618-4617-a536-7abb436efcd7" /* no response member */

LumaTestSim *luma_test_sim_start          (const char          *first_arg,
                                           ...);
LumaTestSim *luma_test_sim_startv         (const char * const  *args);
const char  *luma_test_sim_get_base_url   (LumaTestSim         *sim);
const char  *luma_test_sim_get_api_url    (LumaTestSim         *sim);
const char  *luma_test_sim_get_token      (LumaTestSim         *sim);
void         luma_test_sim_set_fault      (LumaTestSim         *sim,
                                           const char          *kind,
                                           int                  count);
void         luma_test_sim_set_fault_json (LumaTestSim         *sim,
                                           const char          *json);
JsonArray   *luma_test_sim_get_log        (LumaTestSim         *sim);
void         luma_test_sim_clear_log      (LumaTestSim         *sim);
GStrv        luma_test_sim_get_ids        (LumaTestSim         *sim);
JsonNode    *luma_test_sim_control        (LumaTestSim         *sim,
                                           const char          *method,
                                           const char          *path,
                                           const char          *body);
void         luma_test_sim_stop           (LumaTestSim         *sim);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LumaTestSim, luma_test_sim_stop)

G_END_DECLS
