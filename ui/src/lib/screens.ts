// The screens of the app and the keyboard shortcuts that reach them.

export type StepId = "dockerfile" | "build" | "registry" | "service" | "pipeline" | "monitor";
export type ScreenId = StepId | "labs" | "history" | "doctor" | "settings" | "projects";

/** The six steps, in the order a deployment goes. */
export const STEPS: readonly StepId[] = ["dockerfile", "build", "registry", "service", "pipeline", "monitor"];

/** Everything in the sidebar, top to bottom. */
export const NAV: readonly ScreenId[] = [...STEPS, "labs", "history", "doctor", "settings"];

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** The screen a key press opens, or null: Ctrl/Cmd+1..6 the steps, Ctrl+, Settings, Ctrl+O projects. */
export function shortcutTarget(e: KeyLike): ScreenId | null {
  const mod = e.ctrlKey || e.metaKey;
  if (!mod || e.altKey || e.shiftKey) return null;
  if (/^[1-6]$/.test(e.key)) return STEPS[Number(e.key) - 1] ?? null;
  if (e.key === ",") return "settings";
  if (e.key.toLowerCase() === "o") return "projects";
  return null;
}

/** The sidebar item an arrow key moves to from `current`, wrapping around. */
export function moveInNav(current: ScreenId, key: string): ScreenId | null {
  const i = NAV.indexOf(current);
  const at = i < 0 ? 0 : i;
  switch (key) {
    case "ArrowDown":
      return NAV[(at + 1) % NAV.length] ?? null;
    case "ArrowUp":
      return NAV[(at - 1 + NAV.length) % NAV.length] ?? null;
    case "Home":
      return NAV[0] ?? null;
    case "End":
      return NAV[NAV.length - 1] ?? null;
    default:
      return null;
  }
}
