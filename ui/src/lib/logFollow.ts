// A build's log as the person follows it: pages from build_log appended in order, the oldest
// lines dropped past a cap (a long build must not grow the page without end), and whether the
// panel should keep scrolling with new lines.
import type { BuildLogLine, LogPage } from "./bindings";

/** Lines kept on screen at most. */
export const LOG_CAP = 5000;
/** How often the log is read again while the build runs. */
export const LOG_POLL_MS = 2500;

export interface LogFollow {
  lines: BuildLogLine[];
  /** Lines dropped from the start to stay under the cap. */
  dropped: number;
  /** What to pass back to read on; null before the first page. */
  token: string | null;
  /** Whether a page was read at all. */
  started: boolean;
}

export function emptyLog(): LogFollow {
  return { lines: [], dropped: 0, token: null, started: false };
}

/** Adds a page; returns how many lines it brought. The same token back means nothing new. */
export function mergePage(log: LogFollow, page: LogPage, cap = LOG_CAP): number {
  log.started = true;
  const added = page.lines.length;
  if (added > 0) log.lines.push(...page.lines);
  if (page.next_token !== null) log.token = page.next_token;
  const over = log.lines.length - cap;
  if (over > 0) {
    log.lines.splice(0, over);
    log.dropped += over;
  }
  return added;
}

/** Whether a scrolled box shows its end (within `slack` pixels): then new lines keep it there. */
export function atBottom(scrollTop: number, scrollHeight: number, clientHeight: number, slack = 24): boolean {
  return scrollHeight - (scrollTop + clientHeight) <= slack;
}

/** CodeBuild's own lines ("[Container] 2024/05/01 10:00:00.123 Running command ...") for a quieter style. */
export function isContainerLine(message: string): boolean {
  return message.startsWith("[Container]");
}

/** Whether a line reports a failure, to draw it in the failure colour. */
export function isErrorLine(message: string): boolean {
  return /\b(npm ERR!|ERROR|Error:|FAILED|exit status [1-9]|Command did not exit successfully)/.test(message);
}
