// Light and dark: follow the system unless Settings says otherwise.
import type { Theme } from "./bindings";

/** The theme actually shown for a setting and the system preference. */
export function effectiveTheme(setting: Theme, systemDark: boolean): "light" | "dark" {
  if (setting === "system") return systemDark ? "dark" : "light";
  return setting;
}

/** Applies the theme to <html data-theme>. */
export function applyTheme(setting: Theme): void {
  const dark = typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches;
  document.documentElement.dataset.theme = effectiveTheme(setting, dark);
}
