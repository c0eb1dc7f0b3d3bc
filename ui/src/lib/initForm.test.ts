import { describe, expect, it } from "vitest";
import type { Detection, ProjectSpec } from "./bindings";
import { mockSpec } from "../mocks/spec";
import { dockerfilePath, eolOf, formProblems, initialFields, nameFromFolder, normalizeEol, toInitForm, withEol } from "./initForm";

const spec: ProjectSpec = mockSpec({ name: "shop-api", path: ".", dockerfile: "Dockerfile", port: 5000, health_path: "/health" }, { platform: "linux/arm64" });

describe("the generate form", () => {
  it("makes app names the way the backend does", () => {
    expect(nameFromFolder("Shop API_x")).toBe("shop-api-x");
    expect(nameFromFolder("2024 lab")).toBe("app-2024-lab");
    expect(nameFromFolder("week7-lab")).toBe("week7-lab");
    expect(nameFromFolder("a".repeat(40))).toHaveLength(32);
  });

  it("starts from the spec, else from detection", () => {
    expect(initialFields(null, spec, "x")).toEqual({ name: "shop-api", port: "5000", health_path: "/health", platform: "linux/arm64" });
    const d = { port: 8080, health_path: null } as Detection;
    expect(initialFields(d, null, "My App")).toEqual({ name: "my-app", port: "8080", health_path: "/", platform: "linux/amd64" });
    expect(initialFields(null, null, "x").port).toBe("");
  });

  it("checks fields with the spec's rules", () => {
    const ok = { name: "shop-api", port: "5000", health_path: "/health", platform: "linux/amd64" };
    expect(formProblems(ok)).toEqual([]);
    expect(formProblems({ ...ok, name: "Shop" })).toEqual(["name"]);
    expect(formProblems({ ...ok, name: "shop--api" })).toEqual(["name"]);
    expect(formProblems({ ...ok, port: "0" })).toEqual(["port"]);
    expect(formProblems({ ...ok, port: "70000" })).toEqual(["port"]);
    expect(formProblems({ ...ok, port: "80a" })).toEqual(["port"]);
    expect(formProblems({ ...ok, health_path: "health" })).toEqual(["health_path"]);
    expect(formProblems({ ...ok, health_path: "/a b" })).toEqual(["health_path"]);
  });

  it("turns fields into the backend's InitForm", () => {
    expect(toInitForm({ name: " shop ", port: "5000", health_path: "/health", platform: "linux/amd64" })).toEqual({
      name: "shop", port: 5000, health_path: "/health", platform: "linux/amd64",
    });
    expect(toInitForm({ name: "", port: "", health_path: "", platform: "" })).toEqual({ name: null, port: null, health_path: null, platform: null });
  });
});

describe("the Dockerfile on disk", () => {
  it("is found where slipway.toml says", () => {
    expect(dockerfilePath(null)).toBe("Dockerfile");
    expect(dockerfilePath(spec)).toBe("Dockerfile");
    expect(dockerfilePath({ ...spec, app: { ...spec.app, path: "./api/", dockerfile: "Dockerfile.prod" } })).toBe("api/Dockerfile.prod");
  });

  it("keeps its line breaks when saved", () => {
    expect(eolOf("a\r\nb")).toBe("\r\n");
    expect(eolOf("a\nb")).toBe("\n");
    expect(eolOf(null)).toBe("\n");
    expect(withEol("a\nb\n", "\r\n")).toBe("a\r\nb\r\n");
    expect(withEol("a\nb\n", "\n")).toBe("a\nb\n");
    expect(normalizeEol("a\r\nb\rc")).toBe("a\nb\nc");
  });
});
