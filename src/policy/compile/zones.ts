/** Time zone validation shared by calendar.yml and schedules.yml. */
const ZONES = new Set(Intl.supportedValuesOf("timeZone"));

export function isTimeZone(zone: string): boolean {
  if (ZONES.has(zone) || zone === "UTC") return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone.includes("/");
  } catch {
    return false;
  }
}

export function knownTimeZones(): Iterable<string> {
  return ZONES;
}
