// Relative times for the recent-projects list ("5 minutes ago", "5 phút trước").

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

// Making a formatter costs far more than using one, and live lists (step 6's events) format
// dozens of times a second.
const formatters = new Map<string, Intl.RelativeTimeFormat>();

/** `thenMs` relative to `nowMs` in `locale`; under a minute reads "now". */
export function relativeTime(thenMs: number, nowMs: number, locale: string): string {
  const seconds = Math.round((thenMs - nowMs) / 1000);
  let fmt = formatters.get(locale);
  if (!fmt) formatters.set(locale, (fmt = new Intl.RelativeTimeFormat(locale, { numeric: "auto" })));
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return fmt.format(Math.trunc(seconds / size), unit);
  }
  return fmt.format(0, "second");
}

/** A check's duration: "12 ms" under a second, "1.2 s" (or "1,2 s") above, "< 1 ms" for zero. */
export function formatDuration(ms: number, locale: string): string {
  if (ms < 1) return "< 1 ms";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(ms / 1000);
  return `${s} s`;
}
