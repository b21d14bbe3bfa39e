/** A problem in the calendar settings, located by its path in calendar.yml (e.g. `["workingHours", "start"]`). */
export interface CalendarConfigIssue {
  path: (string | number)[];
  message: string;
}

export function formatIssue(issue: CalendarConfigIssue): string {
  const where = issue.path.reduce<string>(
    (acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part),
    "",
  );
  return where ? `${where}: ${issue.message}` : issue.message;
}

/** Thrown when a calendar is created from settings that cannot be used; lists every problem. */
export class CalendarConfigError extends Error {
  constructor(readonly issues: CalendarConfigIssue[]) {
    super(`The business calendar settings have ${issues.length} problem(s):\n${issues.map((i) => `- ${formatIssue(i)}`).join("\n")}`);
    this.name = "CalendarConfigError";
  }
}
