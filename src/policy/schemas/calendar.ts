/** policies/calendar.yml: the business calendar SLAs and due dates are counted in. */
import { z } from "zod";
import { text, timeZone } from "./common.js";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const HOLIDAY_TYPES = ["public", "bank", "school", "optional", "observance"] as const;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "expected a time as HH:MM (24-hour), e.g. \"09:00\"");
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD, e.g. \"2026-07-03\"");

export const calendarSchema = z
  .object({
    time_zone: timeZone,
    working_days: z.array(z.enum(WEEKDAYS)).min(1),
    working_hours: z.object({ start: hhmm, end: hhmm.describe("Exclusive.") }).strict(),
    holidays: z
      .object({
        region: z
          .union([
            z
              .object({
                country: z.string().describe("ISO country code known to date-holidays, e.g. US."),
                state: z.string().optional().describe("State/province code, e.g. NY."),
                region: z.string().optional(),
              })
              .strict(),
            z.null(),
          ])
          .describe("Public holidays from date-holidays, or null for none."),
        types: z.array(z.enum(HOLIDAY_TYPES)).optional().describe("Which holiday types are days off (default: public)."),
        dates: z
          .array(z.object({ date: isoDate, name: text }).strict())
          .optional()
          .describe("Company days off."),
      })
      .strict(),
  })
  .strict()
  .describe("The team's business calendar.");

export type CalendarFile = z.infer<typeof calendarSchema>;
