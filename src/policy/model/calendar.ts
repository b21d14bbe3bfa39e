/** The compiled form of policies/calendar.yml: the team's zone, working days and hours, holidays. */

export interface CalendarConfig {
  /** IANA zone, e.g. `America/New_York`. */
  timeZone: string;
  /** ISO weekdays, 1 = Monday .. 7 = Sunday. */
  workingDays: number[];
  /** `HH:MM` local times; `end` is exclusive. */
  workingHours: { start: string; end: string };
  holidays: {
    /** Public holidays from `date-holidays`, e.g. `{ country: "US" }`, optionally a state/region. */
    region: { country: string; state?: string; region?: string } | null;
    /** Which date-holidays types count as days off (default: public). */
    types: string[];
    /** Company days off, `YYYY-MM-DD`. */
    dates: { date: string; name: string }[];
  };
}
