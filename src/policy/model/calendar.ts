/** The compiled form of policies/calendar.yml: the team's zone, working days and hours, holidays (declared with the calendar that reads it). */
export type { CalendarConfig } from "../../domain/calendar/config.js";
