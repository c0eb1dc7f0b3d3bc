// A webview started with LANG=C (or POSIX) reports navigator.language as "C", which is not a
// language tag: Intl constructors given it throw RangeError("invalid language tag: C"). Libraries
// that read navigator.language at import time (uPlot formats its axes that way) then fail to
// load, and a whole screen with them. Before anything else runs, a tag that Intl refuses is
// replaced by the nearest valid one ("C.UTF-8" → "en-US", "vi_VN.UTF-8" → "vi-VN").

/** The language tag to use for `raw`, or null when `raw` is already valid. */
export function repairedTag(raw: string | undefined | null): string | null {
  // C and POSIX name "no locale"; "posix" even parses as a language subtag, so test by name.
  if (raw && !/^(c|posix)([.@].*)?$/i.test(raw)) {
    try {
      Intl.getCanonicalLocales(raw);
      return null;
    } catch {
      // fall through: try the POSIX shape (ll_CC.charset@modifier) before giving up
    }
    const posix = /^([a-zA-Z]{2,3})(?:[_-]([a-zA-Z]{2}|\d{3}))?(?:[.@].*)?$/.exec(raw);
    if (posix?.[1]) {
      const language = posix[1].toLowerCase();
      const tag = posix[2] ? `${language}-${posix[2].toUpperCase()}` : language;
      try {
        Intl.getCanonicalLocales(tag);
        return tag;
      } catch {
        // not even that: the default below
      }
    }
  }
  return "en-US";
}

/** Makes navigator.language and navigator.languages valid language tags for this page. */
export function repairNavigatorLocale(nav: Navigator = navigator): void {
  const language = repairedTag(nav.language);
  const languages = (nav.languages ?? []).map((l) => repairedTag(l) ?? l);
  const changed = language !== null || languages.some((l, i) => l !== nav.languages[i]);
  if (!changed) return;
  const fixed = language ?? nav.language;
  try {
    Object.defineProperty(nav, "language", { value: fixed, configurable: true });
    Object.defineProperty(nav, "languages", { value: Object.freeze(languages.length ? languages : [fixed]), configurable: true });
  } catch {
    // A navigator that cannot be redefined keeps its value; the app's own formatting never
    // reads it directly (it formats with the chosen UI language).
  }
}
