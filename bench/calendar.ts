/**
 * Business calendar throughput: the calls SLA clocks make for every issue of a sweep.
 * Run: npx tsx bench/calendar.ts
 */
import { performance } from "node:perf_hooks";
import { createBusinessCalendar, type BusinessCalendar, type TimeInterval } from "../src/domain/calendar.js";

const CALLS = 100_000;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const FROM = Date.parse("2025-01-01T00:00:00Z");
const SPREAD = 3 * 365 * DAY;

/** Deterministic inputs (mulberry32) so runs compare. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sum of every result, printed at the end so the measured calls cannot be optimised away. */
let checksum = 0;

function measure(label: string, calls: number, body: (i: number) => number): void {
  let sink = 0;
  for (let i = 0; i < Math.min(calls, 5_000); i++) sink += body(i); // warm up
  const started = performance.now();
  for (let i = 0; i < calls; i++) sink += body(i);
  const ms = performance.now() - started;
  const opsPerSec = Math.round((calls / ms) * 1000);
  console.log(`${label.padEnd(58)} ${opsPerSec.toLocaleString("en-US").padStart(12)} ops/s  (${calls.toLocaleString("en-US")} calls, ${ms.toFixed(1)} ms)`);
  checksum = (checksum + sink) % Number.MAX_SAFE_INTEGER;
}

function run(name: string, cal: BusinessCalendar): void {
  const next = random(42);
  const starts = Array.from({ length: CALLS }, () => new Date(FROM + Math.floor(next() * SPREAD)));
  const ends = starts.map((s) => new Date(s.getTime() + 90 * DAY));
  const hours = starts.map(() => Math.round(next() * 200 * 4) / 4);
  const days = starts.map(() => Math.floor(next() * 30));
  const pauses: TimeInterval[][] = starts.map((s) =>
    [3, 20, 17, 60].map((offsetDays) => ({ start: new Date(s.getTime() + offsetDays * DAY), end: new Date(s.getTime() + (offsetDays + 4) * DAY + 5 * HOUR) })),
  );

  console.log(`\n${name} (${cal.timeZone})`);
  measure("businessMillisBetween, 90-day interval", CALLS, (i) => cal.businessMillisBetween(starts[i]!, ends[i]!));
  measure("businessMillisBetween, 90-day interval, 4 overlapping pauses", CALLS, (i) => cal.businessMillisBetween(starts[i]!, ends[i]!, pauses[i]));
  measure("addBusinessHours, 0-200 h", CALLS, (i) => cal.addBusinessHours(starts[i]!, hours[i]!).getTime());
  measure("addBusinessDays, 0-29 days", CALLS, (i) => cal.addBusinessDays(starts[i]!, days[i]!).getTime());
  measure("isWorkingMoment", CALLS, (i) => (cal.isWorkingMoment(starts[i]!) ? 1 : 0));
}

const settings = (timeZone: string, country: string, state?: string) => ({
  timeZone,
  workingDays: [1, 2, 3, 4, 5],
  workingHours: { start: "09:00", end: "17:00" },
  holidays: { region: state ? { country, state } : { country }, types: ["public"], dates: [] },
});

// Cold start: building the calendar and its first year tables (zone conversions, holiday data).
const coldStarted = performance.now();
const coldCal = createBusinessCalendar(settings("America/New_York", "US"));
coldCal.businessMillisBetween(new Date(FROM), new Date(FROM + SPREAD));
console.log(`cold start: create calendar + first 4 years of tables: ${(performance.now() - coldStarted).toFixed(1)} ms`);

run("New York, US holidays", createBusinessCalendar(settings("America/New_York", "US")));
run("Sydney, NSW holidays", createBusinessCalendar(settings("Australia/Sydney", "AU", "NSW")));
console.log(`\nchecksum ${checksum}`);
