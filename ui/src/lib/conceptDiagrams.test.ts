import { describe, expect, it } from "vitest";
import { builtIn } from "../mocks/labs";
import { arrowHead, DIAGRAM_IDS, hasDiagram } from "./conceptDiagrams";
import labsEn from "./i18n/labs.en.json";
import labsVi from "./i18n/labs.vi.json";

const drawings = import.meta.glob("./components/labs/diagrams/*.svelte", { query: "?raw", import: "default", eager: true });
const diagramSource = String((await import("./components/labs/ConceptDiagram.svelte?raw")).default);
/** ConceptDiagram's DRAWINGS table: concept id → the component drawing it. */
const drawingOf: Record<string, string> = Object.fromEntries([...diagramSource.matchAll(/^\s+"?([a-z-]+)"?: ([A-Z]\w+),$/gm)].map((m) => [m[1]!, m[2]!]));

describe("the concept diagrams", () => {
  it("draw concepts that exist in the lab files", () => {
    const concepts = new Set(builtIn().flatMap((l) => Object.keys(l.concepts)));
    expect(DIAGRAM_IDS.length).toBeGreaterThanOrEqual(6);
    for (const id of DIAGRAM_IDS) expect(concepts, id).toContain(id);
    for (const id of ["container-vs-vm", "target-group", "awsvpc", "rolling-bounds", "circuit-breaker", "image-layers"]) expect(hasDiagram(id), id).toBe(true);
    expect(hasDiagram("ecr")).toBe(false);
  });

  it("each have a drawing and a description, and every word they use in both languages", () => {
    const en = labsEn.diagram as Record<string, Record<string, string>>;
    const vi = labsVi.diagram as Record<string, Record<string, string>>;
    expect(Object.keys(en).sort()).toEqual([...DIAGRAM_IDS].sort());
    expect(Object.keys(drawingOf).sort()).toEqual([...DIAGRAM_IDS].sort());
    for (const id of DIAGRAM_IDS) {
      const file = `./components/labs/diagrams/${drawingOf[id]}.svelte`;
      expect(drawings[file], `${id} has a drawing`).toBeDefined();
      const used = [...String(drawings[file]).matchAll(/\bt\("([A-Za-z0-9]+)"\)/g)].map((m) => m[1]!);
      expect(used.length, id).toBeGreaterThan(2);
      for (const key of [...used, "label"]) {
        expect(en[id]?.[key], `en ${id}.${key}`).toBeTruthy();
        expect(vi[id]?.[key], `vi ${id}.${key}`).toBeTruthy();
      }
      expect(vi[id]!.label).not.toBe(en[id]!.label);
    }
  });

  it("point their arrowheads along the line", () => {
    // Pointing right from (0,0) to (10,0): the tip at (10,0), the base behind it, symmetric.
    const [tip, a, b] = arrowHead(0, 0, 10, 0, 6).match(/-?[\d.]+,-?[\d.]+/g)!.map((p) => p.split(",").map(Number));
    expect(tip).toEqual([10, 0]);
    expect(a![0]).toBeLessThan(10);
    expect(a![0]).toBeCloseTo(b![0]!);
    expect(a![1]).toBeCloseTo(-b![1]!);
    // Pointing down.
    const down = arrowHead(5, 0, 5, 20).match(/-?[\d.]+,-?[\d.]+/g)!.map((p) => p.split(",").map(Number));
    expect(down[1]![1]).toBeLessThan(20);
  });
});
