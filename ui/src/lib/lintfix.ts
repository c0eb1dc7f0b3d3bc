// One-click fixes for lint findings: whole-line edits from the backend, applied to plain text
// (for tests and saving) or to a CodeMirror document.
import { ChangeSet, type ChangeSpec, type Text } from "@codemirror/state";

import type { Finding, Fix, TextEdit } from "./bindings";

export type { Fix, TextEdit };

/** The fix a finding carries, if it has one with edits. */
export function fixOf(finding: Finding): Fix | null {
  const fix = finding.fix;
  return fix && fix.edits.length > 0 ? fix : null;
}

/** A change of the text as character offsets, in the original text's coordinates. */
interface Splice {
  from: number;
  to: number;
  insert: string;
}

/** Where each line starts and ends (without its line break), and where its break ends. */
function lineTable(text: string): { start: number; end: number; next: number }[] {
  const lines: { start: number; end: number; next: number }[] = [];
  const re = /\r\n|\n|\r/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    lines.push({ start, end: m.index, next: m.index + m[0].length });
    start = m.index + m[0].length;
  }
  lines.push({ start, end: text.length, next: text.length });
  return lines;
}

/**
 * Turns line edits into character splices. `lines` describes the document; `eol` is the line
 * break written into inserted text. Edits outside the document are clamped; edits are applied
 * as if all at once, against the original line numbers.
 */
function splices(lines: { start: number; end: number; next: number }[], length: number, fix: Fix, eol: string): Splice[] {
  const count = lines.length;
  const out: Splice[] = [];
  const text = (s: string) => s.replace(/\r\n|\r|\n/g, eol);
  for (const edit of [...fix.edits].sort((a, b) => a.start_line - b.start_line || a.end_line - b.end_line)) {
    const start = Math.max(1, Math.floor(edit.start_line));
    const end = Math.min(count, Math.floor(edit.end_line));
    if (end < start) {
      // Insert before `start` (or after the last line when start is past the end).
      if (start > count) {
        const last = lines[count - 1]!;
        const emptyDoc = length === 0;
        out.push({ from: length, to: length, insert: (emptyDoc || last.start === last.end ? "" : eol) + text(edit.replacement) });
      } else {
        out.push({ from: lines[start - 1]!.start, to: lines[start - 1]!.start, insert: text(edit.replacement) + eol });
      }
      continue;
    }
    const first = lines[start - 1]!;
    const last = lines[end - 1]!;
    if (edit.replacement === "") {
      // Delete the lines with their line breaks; at the end of the text, the break before them.
      if (last.next > last.end) out.push({ from: first.start, to: last.next, insert: "" });
      else if (start > 1) out.push({ from: lines[start - 2]!.end, to: last.end, insert: "" });
      else out.push({ from: first.start, to: last.end, insert: "" });
    } else {
      out.push({ from: first.start, to: last.end, insert: text(edit.replacement) });
    }
  }
  return out;
}

/** The text with the fix applied; keeps the text's own line breaks (LF or CRLF). */
export function applyFixToText(text: string, fix: Fix): string {
  const eol = /\r\n/.test(text) ? "\r\n" : "\n";
  const changes = splices(lineTable(text), text.length, fix, eol);
  let result = text;
  for (const c of [...changes].sort((a, b) => b.from - a.from || b.to - a.to)) {
    result = result.slice(0, c.from) + c.insert + result.slice(c.to);
  }
  return result;
}

/** The fix as CodeMirror changes to `doc` (CodeMirror documents always use "\n" inside). */
export function applyFix(doc: Text, fix: Fix): ChangeSet {
  const lines = [];
  for (let n = 1; n <= doc.lines; n++) {
    const l = doc.line(n);
    lines.push({ start: l.from, end: l.to, next: n < doc.lines ? l.to + 1 : l.to });
  }
  const specs: ChangeSpec[] = splices(lines, doc.length, fix, "\n");
  return ChangeSet.of(specs, doc.length);
}
