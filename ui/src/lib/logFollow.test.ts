import { describe, expect, it } from "vitest";
import { atBottom, emptyLog, isContainerLine, isErrorLine, mergePage } from "./logFollow";

const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ at_ms: from + i, message: `line ${from + i}` }));

describe("following a build's log", () => {
  it("appends pages in order and keeps the token to read on", () => {
    const log = emptyLog();
    expect(mergePage(log, { lines: lines(0, 3), next_token: "t1" })).toBe(3);
    expect(mergePage(log, { lines: lines(3, 2), next_token: "t2" })).toBe(2);
    expect(log.lines.map((l) => l.message)).toEqual(["line 0", "line 1", "line 2", "line 3", "line 4"]);
    expect(log.token).toBe("t2");
    expect(log.started).toBe(true);
  });

  it("treats the same token back as nothing new", () => {
    const log = emptyLog();
    mergePage(log, { lines: lines(0, 2), next_token: "t1" });
    expect(mergePage(log, { lines: [], next_token: "t1" })).toBe(0);
    expect(log.lines).toHaveLength(2);
    expect(log.token).toBe("t1");
  });

  it("keeps its token when a page brings none", () => {
    const log = emptyLog();
    mergePage(log, { lines: lines(0, 1), next_token: "t1" });
    mergePage(log, { lines: [], next_token: null });
    expect(log.token).toBe("t1");
  });

  it("drops the oldest lines past the cap and counts them", () => {
    const log = emptyLog();
    mergePage(log, { lines: lines(0, 8), next_token: "a" }, 5);
    expect(log.lines.map((l) => l.at_ms)).toEqual([3, 4, 5, 6, 7]);
    expect(log.dropped).toBe(3);
    mergePage(log, { lines: lines(8, 2), next_token: "b" }, 5);
    expect(log.lines[0]!.at_ms).toBe(5);
    expect(log.dropped).toBe(5);
  });

  it("follows new lines only when the panel shows its end", () => {
    expect(atBottom(600, 1000, 400)).toBe(true);
    expect(atBottom(590, 1000, 400)).toBe(true);
    expect(atBottom(300, 1000, 400)).toBe(false);
  });

  it("tells CodeBuild's own lines and failures apart", () => {
    expect(isContainerLine("[Container] 2024/05/01 10:00:00.123 Running command npm ci")).toBe(true);
    expect(isContainerLine("added 312 packages")).toBe(false);
    expect(isErrorLine("npm ERR! code 1")).toBe(true);
    expect(isErrorLine("[Container] 2024/05/01 Command did not exit successfully npm run build exit status 1")).toBe(true);
    expect(isErrorLine("Successfully built 3f2a1bc")).toBe(false);
  });
});
