/**
 * GitLab writes times in more than one format: ISO-8601 in the REST API
 * (`2016-01-04T15:31:46.176Z`), `2015-05-17 18:08:09 UTC` in several webhook payloads, and its
 * own documented examples contain slips such as `2015-04-08T21: 00:25-07:00`. These helpers read
 * all of them and return null instead of throwing or producing an Invalid Date.
 */

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
/** `2015-05-17 18:08:09 UTC` or `2015-05-17 18:08:09 +0200`. */
const SPACED_RE = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ?(UTC|Z|[+-]\d{2}:?\d{2})$/;
const DATE_ONLY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDate(text: string): Date | null {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

function normaliseOffset(zone: string): string {
  if (zone === "UTC" || zone === "Z") return "Z";
  return zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
}

/** A GitLab timestamp as a Date, or null when it is missing or cannot be read. */
export function parseGitLabTime(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (text === "") return null;
  if (ISO_RE.test(text)) return validDate(text);
  const spaced = SPACED_RE.exec(text);
  if (spaced) return validDate(`${spaced[1]}T${spaced[2]}${normaliseOffset(spaced[3]!)}`);
  // Stray whitespace inside the time part (seen in GitLab's own examples): remove it and retry once.
  const squeezed = text.replace(/(\d)\s*:\s*(\d)/g, "$1:$2");
  if (squeezed !== text) return parseGitLabTime(squeezed);
  return null;
}

/** A calendar date `YYYY-MM-DD` (due dates, milestone dates), or null when absent or unreadable. */
export function parseCalendarDate(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const text = value.trim().slice(0, 10);
  const m = DATE_ONLY_RE.exec(text);
  if (!m) return null;
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return text;
}
