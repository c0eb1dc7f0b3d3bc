import type { Finding } from "./bindings";
import { Text } from "@codemirror/state";
import { describe, expect, it } from "vitest";
import { applyFix, applyFixToText, fixOf, type Fix } from "./lintfix";

const DOCKERFILE = ["FROM python:latest", "WORKDIR /app", "COPY . .", "CMD python app.py", ""].join("\n");

const fix = (...edits: Fix["edits"]): Fix => ({ title: "fix", edits });

/** What CodeMirror makes of the same fix, on a document with "\n" line breaks. */
function viaCodeMirror(text: string, f: Fix): string {
  const doc = Text.of(text.split(/\r\n|\r|\n/));
  return applyFix(doc, f).apply(doc).toString();
}

describe("applyFixToText", () => {
  it("replaces one line", () => {
    const f = fix({ start_line: 1, end_line: 1, replacement: "FROM python:3.12-slim-bookworm" });
    expect(applyFixToText(DOCKERFILE, f)).toBe(DOCKERFILE.replace("python:latest", "python:3.12-slim-bookworm"));
    expect(viaCodeMirror(DOCKERFILE, f)).toBe(applyFixToText(DOCKERFILE, f));
  });

  it("inserts before a line when end_line is start_line - 1", () => {
    const f = fix({ start_line: 4, end_line: 3, replacement: "USER 10001" });
    expect(applyFixToText(DOCKERFILE, f)).toBe("FROM python:latest\nWORKDIR /app\nCOPY . .\nUSER 10001\nCMD python app.py\n");
    expect(viaCodeMirror(DOCKERFILE, f)).toBe(applyFixToText(DOCKERFILE, f));
  });

  it("inserts several lines at once, and at the very top", () => {
    const f = fix({ start_line: 1, end_line: 0, replacement: "# syntax=docker/dockerfile:1\nARG PY=3.12" });
    expect(applyFixToText(DOCKERFILE, f).split("\n").slice(0, 3)).toEqual(["# syntax=docker/dockerfile:1", "ARG PY=3.12", "FROM python:latest"]);
    expect(viaCodeMirror(DOCKERFILE, f)).toBe(applyFixToText(DOCKERFILE, f));
  });

  it("deletes lines with their line breaks", () => {
    const f = fix({ start_line: 2, end_line: 3, replacement: "" });
    expect(applyFixToText(DOCKERFILE, f)).toBe("FROM python:latest\nCMD python app.py\n");
    expect(viaCodeMirror(DOCKERFILE, f)).toBe(applyFixToText(DOCKERFILE, f));
  });

  it("deletes the last line of a text without a final line break", () => {
    const text = "FROM a\nRUN b\nCMD c";
    const f = fix({ start_line: 3, end_line: 3, replacement: "" });
    expect(applyFixToText(text, f)).toBe("FROM a\nRUN b");
    expect(viaCodeMirror(text, f)).toBe("FROM a\nRUN b");
  });

  it("replaces a multi-line instruction by one line, and one line by several", () => {
    const text = "FROM a\nRUN apt-get update \\\n    && apt-get install -y curl\nCMD c\n";
    const joined = fix({ start_line: 2, end_line: 3, replacement: "RUN apt-get update && apt-get install -y --no-install-recommends curl" });
    expect(applyFixToText(text, joined)).toBe("FROM a\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nCMD c\n");
    const split = fix({ start_line: 4, end_line: 4, replacement: 'USER 10001\nCMD ["c"]' });
    expect(applyFixToText(text, split)).toBe('FROM a\nRUN apt-get update \\\n    && apt-get install -y curl\nUSER 10001\nCMD ["c"]\n');
    expect(viaCodeMirror(text, joined)).toBe(applyFixToText(text, joined));
    expect(viaCodeMirror(text, split)).toBe(applyFixToText(text, split));
  });

  it("applies several edits against the original line numbers", () => {
    const f = fix(
      { start_line: 4, end_line: 4, replacement: 'CMD ["python", "app.py"]' },
      { start_line: 1, end_line: 1, replacement: "FROM python:3.12-slim-bookworm" },
      { start_line: 4, end_line: 3, replacement: "USER 10001" },
    );
    const expected = 'FROM python:3.12-slim-bookworm\nWORKDIR /app\nCOPY . .\nUSER 10001\nCMD ["python", "app.py"]\n';
    expect(applyFixToText(DOCKERFILE, f)).toBe(expected);
    expect(viaCodeMirror(DOCKERFILE, f)).toBe(expected);
  });

  it("keeps CRLF line breaks, in the text around the edit and in what it inserts", () => {
    const crlf = DOCKERFILE.replaceAll("\n", "\r\n");
    const f = fix({ start_line: 4, end_line: 4, replacement: 'USER 10001\nCMD ["python", "app.py"]' });
    expect(applyFixToText(crlf, f)).toBe('FROM python:latest\r\nWORKDIR /app\r\nCOPY . .\r\nUSER 10001\r\nCMD ["python", "app.py"]\r\n');
    expect(applyFixToText(crlf, fix({ start_line: 2, end_line: 2, replacement: "" }))).toBe("FROM python:latest\r\nCOPY . .\r\nCMD python app.py\r\n");
    expect(applyFixToText(crlf, fix({ start_line: 1, end_line: 0, replacement: "# hi" }))).toBe(`# hi\r\n${crlf}`);
  });

  it("appends after the last line and works on an empty text", () => {
    expect(applyFixToText("FROM a", fix({ start_line: 2, end_line: 1, replacement: "CMD b" }))).toBe("FROM a\nCMD b");
    expect(applyFixToText("", fix({ start_line: 1, end_line: 0, replacement: "FROM a" }))).toBe("FROM a\n");
    expect(viaCodeMirror("FROM a", fix({ start_line: 2, end_line: 1, replacement: "CMD b" }))).toBe("FROM a\nCMD b");
  });
});

describe("fixOf", () => {
  it("reads the optional fix of a finding", () => {
    const finding: Finding = { rule: "DL3007", severity: "warning", line: 1, message: "m", fix: null };
    expect(fixOf(finding)).toBeNull();
    expect(fixOf({ ...finding, fix: { title: "t", edits: [] } })).toBeNull();
    const f = fix({ start_line: 1, end_line: 1, replacement: "x" });
    expect(fixOf({ ...finding, fix: f })).toBe(f);
  });
});
