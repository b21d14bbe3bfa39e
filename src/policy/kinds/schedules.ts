/** schedules.yml: when the scheduled jobs run inside `serve`; a job without a zone runs in the calendar's. */
import { compileSchedules } from "../compile/schedules.js";
import { schedulesSchema } from "../schemas/schedules.js";
import { calendarKind } from "./calendar.js";
import { singleFileKind } from "./kind.js";

export const schedulesKind = singleFileKind({
  name: "schedules",
  title: "mops-bot schedules (schedules.yml)",
  file: "schedules.yml",
  schema: schedulesSchema,
  load: ({ source, data }, ctx) => compileSchedules(source, data, ctx.compiled(calendarKind)?.timeZone ?? "UTC", ctx.sink, ctx.knownJobs),
  toPolicy: (schedules) => ({ schedules }),
});
