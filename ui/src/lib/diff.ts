// How a proposed file's diff is shown: counts, and long unchanged stretches folded away.
import type { DiffLine } from "./bindings";

/** Lines added and removed. */
export function diffStats(lines: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.kind === "added") added++;
    else if (l.kind === "removed") removed++;
  }
  return { added, removed };
}

/** A row of the unified view: a line, or a fold standing for `count` unchanged lines. */
export type DiffRow =
  | { kind: "line"; line: DiffLine }
  | { kind: "fold"; start: number; count: number; oldLine: number | null; newLine: number | null };

/**
 * The unified view: every change with `context` unchanged lines around it; longer unchanged
 * stretches become one fold. A fold of a single line is not worth it, so that line stays.
 */
export function diffRows(lines: readonly DiffLine[], context = 3): DiffRow[] {
  const keep = lines.map(() => false);
  lines.forEach((l, i) => {
    if (l.kind === "same") return;
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) keep[j] = true;
  });
  const rows: DiffRow[] = [];
  for (let i = 0; i < lines.length; ) {
    if (keep[i]) {
      rows.push({ kind: "line", line: lines[i]! });
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && !keep[j]) j++;
    if (j - i === 1) rows.push({ kind: "line", line: lines[i]! });
    else rows.push({ kind: "fold", start: i, count: j - i, oldLine: lines[i]!.old_line, newLine: lines[i]!.new_line });
    i = j;
  }
  return rows;
}

/** Whether a proposed file is new, replaces the person's content, or is already as proposed. */
export function fileStatus(f: { current: string | null; proposed: string; overwrites: boolean }): "new" | "replaces" | "unchanged" | "updates" {
  if (f.current === null) return "new";
  if (f.current === f.proposed) return "unchanged";
  return f.overwrites ? "replaces" : "updates";
}
