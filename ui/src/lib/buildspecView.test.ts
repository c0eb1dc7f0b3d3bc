import { describe, expect, it } from "vitest";
import { containerLines, imageDefinitions, problemLine, writeKind } from "./buildspecView";

describe("the buildspec card", () => {
  it("finds the line a check names", () => {
    expect(problemLine("buildspec.yml is not valid YAML at line 12, column 3: mapping values are not allowed")).toBe(12);
    expect(problemLine("imagedefinitions.json names the container 'web' (line 31), but the task definition's is 'shop-api'")).toBe(31);
    expect(problemLine("buildspec.yml has no build phase")).toBeNull();
  });

  it("points at the lines that decide the container's name, not at comments", () => {
    const text = "# CONTAINER_NAME must stay shop-api\nenv:\n  variables:\n    CONTAINER_NAME: shop-api\nphases:\n  post_build:\n    commands:\n      - printf '...' \"$CONTAINER_NAME\" > imagedefinitions.json\n";
    expect(containerLines(text)).toEqual([4, 8]);
  });

  it("shows what imagedefinitions.json will name", () => {
    expect(imageDefinitions("shop-api")).toBe('[{"name":"shop-api","imageUri":"<repository>:<tag>"}]');
  });

  it("asks before replacing a different buildspec.yml, and never for Slipway's own", () => {
    expect(writeKind({ generated: "a\n", existing: null })).toBe("create");
    expect(writeKind({ generated: "a\n", existing: "a" })).toBe("same");
    expect(writeKind({ generated: "a\n", existing: "b\n" })).toBe("replace");
  });
});
