/**
 * The calendar's arithmetic on instants (epoch milliseconds), over lazily built year tables.
 * Intervals are measured as "working time since the start of a year" differences, so the cost of
 * a question does not grow with the length of the interval.
 */
import { MAX_YEAR, MIN_YEAR } from "./dates.js";
import { buildYearTable, dayIndexOf, dayReachingMillis, millisIntoYear, nthWorkingDay, type DayLayout, type YearTable } from "./year-table.js";

/** A position on the timeline: a year table and a day in it. */
export interface DayRef {
  table: YearTable;
  day: number;
}

/** How many consecutive years without a working day are searched before giving up. */
const MAX_EMPTY_YEARS = 10;

export class Timeline {
  private readonly years = new Map<number, YearTable>();
  /** The table used last: consecutive calls nearly always stay in the same year. */
  private recent: YearTable | null = null;

  constructor(private readonly layout: DayLayout) {}

  table(year: number): YearTable {
    if (year < MIN_YEAR || year > MAX_YEAR) {
      throw new RangeError(`The business calendar covers the years ${MIN_YEAR} to ${MAX_YEAR}; ${year} is outside them.`);
    }
    let table = this.years.get(year);
    if (!table) {
      table = buildYearTable(year, this.layout);
      this.years.set(year, table);
    }
    return table;
  }

  /** The local year containing `t`. */
  tableOf(t: number): YearTable {
    const recent = this.recent;
    if (recent && t >= recent.midnight[0]! && t < recent.midnight[recent.dayCount]!) return recent;
    // The UTC year is at most one off from the local one.
    const utcYear = new Date(t).getUTCFullYear();
    let table = this.table(utcYear);
    if (t < table.midnight[0]!) table = this.table(utcYear - 1);
    else if (t >= table.midnight[table.dayCount]!) table = this.table(utcYear + 1);
    this.recent = table;
    return table;
  }

  dayOf(t: number): DayRef {
    const table = this.tableOf(t);
    return { table, day: dayIndexOf(table, t) };
  }

  isWorkingMoment(t: number): boolean {
    const { table, day } = this.dayOf(t);
    return t >= table.workStart[day]! && t < table.workEnd[day]!;
  }

  /** Working milliseconds in [a, b); 0 when b <= a. */
  millisBetween(a: number, b: number): number {
    if (b <= a) return 0;
    const ta = this.tableOf(a);
    const tb = this.tableOf(b);
    if (ta === tb) return millisIntoYear(tb, b) - millisIntoYear(ta, a);
    let total = ta.millisBefore[ta.dayCount]! - millisIntoYear(ta, a);
    for (let y = ta.year + 1; y < tb.year; y++) {
      const t = this.table(y);
      total += t.millisBefore[t.dayCount]!;
    }
    return total + millisIntoYear(tb, b);
  }

  /** The earliest instant at which `millis` (> 0) of working time have passed since `from`. */
  addMillis(from: number, millis: number): number {
    let table = this.tableOf(from);
    let target = millisIntoYear(table, from) + millis;
    let emptyYears = 0;
    while (target > table.millisBefore[table.dayCount]!) {
      const yearTotal = table.millisBefore[table.dayCount]!;
      emptyYears = yearTotal === 0 ? emptyYears + 1 : 0;
      if (emptyYears >= MAX_EMPTY_YEARS) throw noWorkingTime(table.year);
      target -= yearTotal;
      table = this.table(table.year + 1);
    }
    const day = dayReachingMillis(table, target);
    return table.workStart[day]! + (target - table.millisBefore[day]!);
  }

  /** `t` when it is a working moment, else the start of the next working span. */
  nextWorkingMoment(t: number): number {
    const { table, day } = this.dayOf(t);
    if (t < table.workEnd[day]!) return Math.max(t, table.workStart[day]!);
    const next = this.workingDayAfter(table, table.workdaysBefore[day + 1]!, 0);
    return next.table.workStart[next.day]!;
  }

  /**
   * The working day `n` working days after the working day with year-ordinal `ordinal` in `table`
   * (n = 0: that day itself).
   */
  workingDayAfter(table: YearTable, ordinal: number, n: number): DayRef {
    let current = table;
    let wanted = ordinal + n;
    let emptyYears = 0;
    while (wanted >= current.workdaysBefore[current.dayCount]!) {
      const yearDays = current.workdaysBefore[current.dayCount]!;
      emptyYears = yearDays === 0 ? emptyYears + 1 : 0;
      if (emptyYears >= MAX_EMPTY_YEARS) throw noWorkingTime(current.year);
      wanted -= yearDays;
      current = this.table(current.year + 1);
    }
    return { table: current, day: nthWorkingDay(current, wanted) };
  }
}

function noWorkingTime(year: number): Error {
  return new RangeError(
    `The business calendar has no working day in the ${MAX_EMPTY_YEARS} years up to ${year}; check its working days and days off.`,
  );
}
