import { describe, expect, it } from "vitest";
import type { DiffLine } from "./bindings";
import { diffRows, diffStats, fileStatus } from "./diff";

const same = (n: number): DiffLine => ({ kind: "same", old_line: n, new_line: n, text: `line ${n}` });

describe("diff rows", () => {
  const lines: DiffLine[] = [
    ...Array.from({ length: 10 }, (_, i) => same(i + 1)),
    { kind: "removed", old_line: 11, new_line: null, text: "FROM python:latest" },
    { kind: "added", old_line: null, new_line: 11, text: "FROM python:3.12-slim-bookworm" },
    ...Array.from({ length: 10 }, (_, i) => ({ ...same(i + 12) })),
  ];

  it("counts additions and removals", () => {
    expect(diffStats(lines)).toEqual({ added: 1, removed: 1 });
    expect(diffStats([])).toEqual({ added: 0, removed: 0 });
  });

  it("keeps three lines of context around a change and folds the rest", () => {
    const rows = diffRows(lines);
    expect(rows[0]).toEqual({ kind: "fold", start: 0, count: 7, oldLine: 1, newLine: 1 });
    expect(rows.slice(1, 4).map((r) => (r.kind === "line" ? r.line.old_line : null))).toEqual([8, 9, 10]);
    expect(rows[4]).toMatchObject({ kind: "line", line: { kind: "removed" } });
    expect(rows[5]).toMatchObject({ kind: "line", line: { kind: "added" } });
    expect(rows.at(-1)).toEqual({ kind: "fold", start: 15, count: 7, oldLine: 15, newLine: 15 });
    expect(rows).toHaveLength(1 + 3 + 2 + 3 + 1);
  });

  it("never folds a single line, and folds nothing around adjacent changes", () => {
    const short: DiffLine[] = [same(1), same(2), same(3), same(4), { kind: "added", old_line: null, new_line: 5, text: "x" }];
    expect(diffRows(short).map((r) => r.kind)).toEqual(["line", "line", "line", "line", "line"]);
    const unchanged = Array.from({ length: 5 }, (_, i) => same(i + 1));
    expect(diffRows(unchanged)).toEqual([{ kind: "fold", start: 0, count: 5, oldLine: 1, newLine: 1 }]);
  });
});

describe("file status", () => {
  it("tells new, replaced, unchanged and updated files apart", () => {
    expect(fileStatus({ current: null, proposed: "a", overwrites: false })).toBe("new");
    expect(fileStatus({ current: "a", proposed: "a", overwrites: false })).toBe("unchanged");
    expect(fileStatus({ current: "a", proposed: "b", overwrites: true })).toBe("replaces");
    expect(fileStatus({ current: "a", proposed: "b", overwrites: false })).toBe("updates");
  });
});
