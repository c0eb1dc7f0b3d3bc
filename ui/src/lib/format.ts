// Sizes and running times as people read them ("45.2 MB", "1:05").

const UNITS = ["B", "kB", "MB", "GB", "TB"];

/** Bytes in decimal units, like `docker images`: "512 B", "4.2 kB", "45.2 MB". */
export function formatBytes(bytes: number, locale: string): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${UNITS[unit]}`;
}

/** A running time as a clock: "0:07", "1:05", "1:02:03". */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** `text` cut to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  const t = text.trim().replace(/\s+/g, " ");
  return t.length <= max ? t : `${t.slice(0, Math.max(1, max - 1)).trimEnd()}…`;
}

/** The short form of an image id: the first 12 hex digits without `sha256:`. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}

/** The first web address in a text (a hint that names the console page to open), without the
 *  punctuation that ends its sentence. */
export function urlIn(text: string): string | null {
  const m = /https?:\/\/[^\s"'<>]+/.exec(text);
  return m ? m[0].replace(/[.,;:)]+$/, "") : null;
}
