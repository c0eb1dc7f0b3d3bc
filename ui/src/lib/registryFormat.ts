// Digests and times as the registry screen shows them.

/** A digest short enough for a table: `sha256:` and the first 12 hex digits. */
export function shortDigest(digest: string): string {
  const [algo, hex] = digest.includes(":") ? (digest.split(":", 2) as [string, string]) : ["sha256", digest];
  return `${algo}:${hex.slice(0, 12)}`;
}

/** A moment as a clock time ("14:05"), with the date too when it is not on `nowMs`'s day. */
export function clockTime(ms: number, nowMs: number, locale: string): string {
  const at = new Date(ms);
  const now = new Date(nowMs);
  const sameDay = at.getFullYear() === now.getFullYear() && at.getMonth() === now.getMonth() && at.getDate() === now.getDate();
  const options: Intl.DateTimeFormatOptions = sameDay
    ? { hour: "numeric", minute: "2-digit" }
    : { day: "numeric", month: "short", hour: "numeric", minute: "2-digit" };
  return new Intl.DateTimeFormat(locale, options).format(at);
}

/** A moment in full, for a title attribute ("22 Nov 2026, 14:05:09"). */
export function fullTime(ms: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium" }).format(new Date(ms));
}

/** The registry host of an account's ECR in a region (crates/core/src/ecr.rs `registry_host`). */
export function registryHost(account: string, region: string): string {
  return `${account}.dkr.ecr.${region}.amazonaws.com`;
}
