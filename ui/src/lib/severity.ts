// Scan findings by severity: the order ECR uses, pills and a stacked bar for the counts, and
// whether the newest image blocks deploys. Pure, so every rule is unit-tested.
import type { EcrImage, ScanFinding } from "./bindings";

/** Most severe first, as ECR names them (crates/core/src/ecr.rs `SEVERITIES`). */
export const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"] as const;
export type SeverityName = (typeof SEVERITIES)[number];

/** A severity's place in the order; anything unknown sorts after UNDEFINED. */
export function severityRank(severity: string): number {
  const i = SEVERITIES.indexOf(severity.toUpperCase() as SeverityName);
  return i < 0 ? SEVERITIES.length : i;
}

/** The severity as one of the six names (unknown ones count as UNDEFINED). */
export function severityName(severity: string): SeverityName {
  return SEVERITIES[severityRank(severity)] ?? "UNDEFINED";
}

export interface SeverityCount {
  severity: SeverityName;
  count: number;
  /** Share of all findings, 0..1. */
  share: number;
}

/** The non-zero counts, most severe first, for pills and the stacked bar. */
export function severityCounts(counts: Readonly<Record<string, number>>): SeverityCount[] {
  const by = new Map<SeverityName, number>();
  for (const [sev, n] of Object.entries(counts)) {
    if (n > 0) by.set(severityName(sev), (by.get(severityName(sev)) ?? 0) + n);
  }
  const total = totalFindings(counts);
  return SEVERITIES.filter((s) => by.has(s)).map((s) => ({ severity: s, count: by.get(s)!, share: by.get(s)! / total }));
}

/** How many findings in all. */
export function totalFindings(counts: Readonly<Record<string, number>>): number {
  return Object.values(counts).reduce((s, n) => s + Math.max(0, n), 0);
}

/** How many CRITICAL findings. */
export function criticalCount(counts: Readonly<Record<string, number>>): number {
  return Object.entries(counts).reduce((s, [sev, n]) => s + (sev.toUpperCase() === "CRITICAL" ? Math.max(0, n) : 0), 0);
}

/** Findings most severe first, then by name (what the backend already sends; kept stable). */
export function mostSevereFirst(findings: readonly ScanFinding[]): ScanFinding[] {
  return [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.name.localeCompare(b.name));
}

/** The image pushed last (images without a push time come last). */
export function newestImage(images: readonly EcrImage[]): EcrImage | null {
  let best: EcrImage | null = null;
  for (const i of images) {
    if (!best || (i.pushed_ms ?? -Infinity) > (best.pushed_ms ?? -Infinity)) best = i;
  }
  return best;
}

/** Whether deploys are blocked: the spec says so and the newest image's scan found CRITICAL vulnerabilities. */
export function deployBlock(blockOnCritical: boolean, images: readonly EcrImage[]): { image: EcrImage; critical: number } | null {
  const image = newestImage(images);
  if (!blockOnCritical || !image) return null;
  const critical = criticalCount(image.finding_counts);
  return critical > 0 ? { image, critical } : null;
}

export type ScanState = "none" | "in_progress" | "complete" | "failed" | "other";

/** How far an image's scan got, in the few states the UI tells apart. */
export function scanState(status: string | null): ScanState {
  switch (status?.toUpperCase()) {
    case undefined:
      return "none";
    case "IN_PROGRESS":
    case "PENDING":
      return "in_progress";
    case "COMPLETE":
    case "ACTIVE":
      return "complete";
    case "FAILED":
    case "UNSUPPORTED_IMAGE":
    case "FINDINGS_UNAVAILABLE":
      return "failed";
    default:
      return "other";
  }
}
