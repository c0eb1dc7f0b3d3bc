// The layer chart's model: one bar per layer, the base image's apart, the biggest own layer named.
import type { ImageReport } from "./bindings";

export interface LayerBar {
  instruction: string;
  size: number;
  fromBase: boolean;
  /** Share of the whole image, 0..1. */
  share: number;
  /** Bar length relative to the biggest layer, 0..1. */
  width: number;
}

export interface LayerChart {
  base: LayerBar[];
  own: LayerBar[];
  total: number;
  baseSize: number;
  ownSize: number;
  /** The biggest layer this Dockerfile made, when it made one with any size. */
  biggest: LayerBar | null;
}

/** Bars for an image, oldest layer first. */
export function layerChart(report: ImageReport): LayerChart {
  const sum = report.layers.reduce((s, l) => s + l.size, 0);
  const total = Math.max(report.size, sum, 1);
  const largest = Math.max(1, ...report.layers.map((l) => l.size));
  const bars = report.layers.map((l) => ({
    instruction: l.instruction,
    size: l.size,
    fromBase: l.from_base,
    share: l.size / total,
    width: l.size / largest,
  }));
  const base = bars.filter((b) => b.fromBase);
  const own = bars.filter((b) => !b.fromBase);
  const biggest = own.reduce<LayerBar | null>((best, b) => (b.size > (best?.size ?? 0) ? b : best), null);
  return {
    base,
    own,
    total,
    baseSize: base.reduce((s, b) => s + b.size, 0),
    ownSize: own.reduce((s, b) => s + b.size, 0),
    biggest,
  };
}
