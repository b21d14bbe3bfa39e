/**
 * Days off: public holidays of a region (from the `date-holidays` data, computed in memory) and
 * the company's own dates. Computed once per year and cached, because SLA clocks ask about the
 * same few years over and over.
 */
import Holidays from "date-holidays";
import type { HolidaysTypes } from "date-holidays";
import type { CalendarConfigIssue } from "./config-issue.js";

/** The holiday types `date-holidays` assigns. */
export const HOLIDAY_TYPES: readonly string[] = ["public", "bank", "school", "optional", "observance"];

export interface HolidayRegion {
  country: string;
  state?: string;
  region?: string;
}

/** One day off, as listed when explaining why a clock did not run. */
export interface DayOff {
  /** `YYYY-MM-DD` in the calendar's zone. */
  date: string;
  name: string;
  /** `region`: from the holiday data of the configured country/state/region; `company`: listed in the policy. */
  source: "region" | "company";
  /** The date-holidays type (`public`, `bank`, ...) or `company`. */
  type: string;
}

/** Names are given in English: the region's own variant when it has one (US: "Labor Day"), else plain English. */
const NAME_LANGUAGE = "en";

/** The region's codes as date-holidays spells them, or the problems found (unknown codes, listed alternatives). */
export function resolveRegion(region: HolidayRegion): { region: HolidayRegion; issues: CalendarConfigIssue[] } {
  const catalog = new Holidays();
  const issues: CalendarConfigIssue[] = [];
  const countries = catalog.getCountries(NAME_LANGUAGE);
  const country = matchCode(region.country, countries);
  if (!country) {
    issues.push({
      path: ["holidays", "region", "country"],
      message: `"${region.country}" is not a country the holiday data knows; use an ISO 3166 code such as "US", "DE" or "GB"`,
    });
    return { region, issues };
  }
  if (region.state === undefined) {
    if (region.region !== undefined) {
      issues.push({ path: ["holidays", "region", "region"], message: "a region needs its state as well; add `state`" });
    }
    return { region: { country }, issues };
  }
  const states = catalog.getStates(country, NAME_LANGUAGE) ?? {};
  const state = matchCode(region.state, states);
  if (!state) {
    issues.push({
      path: ["holidays", "region", "state"],
      message: `"${region.state}" is not a state of ${country} in the holiday data; ${knownCodes(states)}`,
    });
    return { region, issues };
  }
  if (region.region === undefined) return { region: { country, state }, issues };
  const regions = catalog.getRegions(country, state, NAME_LANGUAGE) ?? {};
  const sub = matchCode(region.region, regions);
  if (!sub) {
    issues.push({
      path: ["holidays", "region", "region"],
      message: `"${region.region}" is not a region of ${country}/${state} in the holiday data; ${knownCodes(regions)}`,
    });
    return { region, issues };
  }
  return { region: { country, state, region: sub }, issues };
}

function matchCode(code: string, known: Record<string, string> | undefined): string | undefined {
  if (!known) return undefined;
  const wanted = code.trim().toUpperCase();
  return Object.keys(known).find((k) => k.toUpperCase() === wanted);
}

function knownCodes(known: Record<string, string>): string {
  const codes = Object.keys(known);
  return codes.length === 0 ? "it has none listed; remove the field" : `use one of ${codes.join(", ")}`;
}

export class HolidayBook {
  private readonly data: Holidays | null;
  private readonly language: string;
  private readonly regionByYear = new Map<number, HolidaysTypes.Holiday[]>();
  private readonly daysOffByYear = new Map<number, ReadonlyMap<string, readonly DayOff[]>>();
  private readonly company: readonly DayOff[];

  /** `region` must already be resolved (see resolveRegion); `types` are the date-holidays types that count. */
  constructor(
    region: HolidayRegion | null,
    private readonly types: ReadonlySet<string>,
    companyDates: readonly { date: string; name: string }[],
  ) {
    this.data = region ? new Holidays({ country: region.country, state: region.state, region: region.region }) : null;
    this.language = this.data?.getLanguages().find((l) => l.startsWith(NAME_LANGUAGE)) ?? NAME_LANGUAGE;
    this.company = companyDates.map((d) => ({ date: d.date, name: d.name, source: "company", type: "company" }));
  }

  /** Days off of one calendar year, keyed by `YYYY-MM-DD`. */
  daysOffIn(year: number): ReadonlyMap<string, readonly DayOff[]> {
    let days = this.daysOffByYear.get(year);
    if (!days) {
      days = this.collect(year);
      this.daysOffByYear.set(year, days);
    }
    return days;
  }

  isDayOff(date: string): boolean {
    return this.daysOffIn(Number(date.slice(0, 4))).has(date);
  }

  private collect(year: number): ReadonlyMap<string, readonly DayOff[]> {
    const prefix = `${String(year).padStart(4, "0")}-`;
    const days = new Map<string, DayOff[]>();
    const add = (off: DayOff) => {
      const list = days.get(off.date);
      if (!list) days.set(off.date, [off]);
      else if (!list.some((o) => o.name === off.name && o.source === off.source)) list.push(off);
    };
    // An observed day can land in the neighbouring year (New Year's Day on a Saturday is observed
    // on Friday 31 December), so the neighbours' lists are read too and filtered by date.
    for (const y of [year - 1, year, year + 1]) {
      for (const h of this.regionHolidays(y)) {
        const date = h.date.slice(0, 10);
        if (date.startsWith(prefix) && this.types.has(h.type)) add({ date, name: h.name, source: "region", type: h.type });
      }
    }
    for (const off of this.company) if (off.date.startsWith(prefix)) add(off);
    return days;
  }

  private regionHolidays(year: number): HolidaysTypes.Holiday[] {
    if (!this.data) return [];
    let list = this.regionByYear.get(year);
    if (!list) {
      list = this.data.getHolidays(year, this.language);
      this.regionByYear.set(year, list);
    }
    return list;
  }
}
