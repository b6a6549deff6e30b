// Dates and times in credentials, status lists and trust lists, by the rules of
// graders/credentials/instants.py: a date and time with a zone, and a little slack for the
// difference between the signer's clock and the checker's.

export const CLOCK_SKEW_MS = 5 * 60 * 1000;

// The forms Python's datetime.fromisoformat reads in the documents bdhvs makes and reads: a
// date, or a date and time with or without seconds, fraction and zone.
const DATE = String.raw`(\d{4})-(\d{2})-(\d{2})`;
const TIME = String.raw`(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?`;
const ZONE = String.raw`(Z|[+-]\d{2}:\d{2})`;
const DATE_TIME = new RegExp(`^${DATE}(?:[T ]${TIME}${ZONE}?)?$`);

// The instant `value` names, in milliseconds since 1970, or null when it is not a date and
// time (with a zone, unless `zoneOptional`).
export function instant(value, zoneOptional = false) {
  const parts = typeof value === "string" ? DATE_TIME.exec(value) : null;
  if (parts === null || (parts[8] === undefined && !zoneOptional)) {
    return null;
  }
  const [year, month, day, hour, minute, second] = parts
    .slice(1, 7)
    .map((part) => Number(part ?? 0));
  const fraction = Number(`0.${parts[7] ?? "0"}`);
  const local = Date.UTC(year, month - 1, day, hour, minute, second) + fraction * 1000;
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return null;
  }
  const zone = parts[8] ?? "Z";
  if (zone === "Z") {
    return local;
  }
  const sign = zone[0] === "-" ? -1 : 1;
  const offset = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60 * 1000;
  return local - sign * offset;
}

export function notYetValid(validFrom, now) {
  return validFrom > now + CLOCK_SKEW_MS;
}

// The day of an ISO date and time ("2025-07-01T…") as Vietnamese write it: 01/07/2025.
export function day(value) {
  return value.slice(0, 10).split("-").reverse().join("/");
}
