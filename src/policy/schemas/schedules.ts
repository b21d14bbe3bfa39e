/** policies/schedules.yml: when scheduled jobs run. */
import { z } from "zod";
import { kebabName, text, timeZone } from "./common.js";

export const schedulesSchema = z
  .object({
    schedules: z.array(
      z
        .object({
          job: kebabName.describe("The job to run, e.g. sweep."),
          cron: z.string().min(1).describe("Cron expression (minute hour day-of-month month day-of-week), e.g. `0 2 * * 1-5`."),
          time_zone: timeZone.optional().describe("Zone the cron expression is read in (default: calendar.yml's)."),
          description: text,
        })
        .strict(),
    ),
  })
  .strict()
  .describe("When scheduled jobs run.");

export type SchedulesFile = z.infer<typeof schedulesSchema>;
