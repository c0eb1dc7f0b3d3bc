// The buildspec as the Pipeline step shows it: the line a problem names, the lines that carry
// the container name, what imagedefinitions.json will say, and whether writing the file needs
// the person's word first.
import type { BuildspecInfo } from "./bindings";

/** The 1-based line a check message names ("... (line 12)", "at line 3, column 5"), if any. */
export function problemLine(message: string): number | null {
  const m = /\bline (\d+)/.exec(message);
  return m ? Number(m[1]) : null;
}

/** The lines (1-based) where the container's name is decided or written. */
export function containerLines(text: string): number[] {
  return text
    .split("\n")
    .map((l, i) => ({ l, n: i + 1 }))
    .filter(({ l }) => !l.trim().startsWith("#") && /CONTAINER_NAME|imagedefinitions\.json/.test(l))
    .map(({ n }) => n);
}

/** The file the build writes for the ECS deploy action, as it will read for `container`. */
export function imageDefinitions(container: string): string {
  return `[{"name":"${container}","imageUri":"<repository>:<tag>"}]`;
}

/**
 * What "Write buildspec.yml" does: create it (the folder has none), nothing (it is already
 * Slipway's), or replace a different file, which needs the person's word first.
 */
export type WriteKind = "create" | "same" | "replace";

export function writeKind(info: Pick<BuildspecInfo, "generated" | "existing">): WriteKind {
  if (info.existing === null) return "create";
  return info.existing.trimEnd() === info.generated.trimEnd() ? "same" : "replace";
}
