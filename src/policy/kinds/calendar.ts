/** calendar.yml: the team's zone, working days and hours, holidays. */
import { compileCalendar } from "../compile/calendar.js";
import { calendarSchema } from "../schemas/calendar.js";
import { singleFileKind } from "./kind.js";

export const calendarKind = singleFileKind({
  name: "calendar",
  title: "mops-bot business calendar (calendar.yml)",
  file: "calendar.yml",
  schema: calendarSchema,
  load: ({ source, data }, ctx) => compileCalendar(source, data, ctx.sink),
  toPolicy: (calendar) => ({ calendar }),
});
