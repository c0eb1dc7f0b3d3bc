// Ordering the AWS profiles in the picker: the built-in practice profile first, then by name.
import type { ProfileSummary } from "./bindings";

export const PRACTICE_PROFILE = "practice";

/** The built-in practice profile first, then the others alphabetically (default before the rest). */
export function orderProfiles(profiles: readonly ProfileSummary[]): ProfileSummary[] {
  const rank = (p: ProfileSummary) => (p.kind === "practice" || p.name === PRACTICE_PROFILE ? 0 : p.name === "default" ? 1 : 2);
  return [...profiles].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/** Whether a profile is the built-in practice stack. */
export function isPractice(p: ProfileSummary): boolean {
  return p.kind === "practice";
}
