import { describe, expect, it } from "vitest";
import type { PipelineSpec } from "./bindings";
import { formChanged, formOf, formProblems, repositoryId, specOf, suggestedConnection, testCommands, unplacedErrors, validBranch } from "./pipelineForm";

const saved: PipelineSpec = {
  source: { kind: "github", connection: "shop-github", repository: "octo/shop-api", branch: "release" },
  build: { compute_type: "medium", image: null, test_commands: ["pytest -q", "npm test --prefix static"], timeout_minutes: 20 },
  deploy: { strategy: "rolling", approval: true, smoke_test: true, timeout_minutes: 10 },
};

describe("the pipeline setup form", () => {
  it("starts a new pipeline on the S3 source with CodeBuild's small machine and nothing else to fill in", () => {
    const f = formOf(undefined, "shop-api");
    expect(f.source).toBe("s3");
    expect(formProblems(f, true)).toEqual({});
    expect(specOf(f)).toEqual({
      source: { kind: "s3", key: null },
      build: { compute_type: "small", image: null, test_commands: [], timeout_minutes: 30 },
      deploy: { strategy: "rolling", approval: false, smoke_test: false, timeout_minutes: 15 },
    });
    expect(formChanged(undefined, f)).toBe(true);
  });

  it("reads a saved pipeline back unchanged, and notices an edit", () => {
    const f = formOf(saved, "shop-api");
    expect(f.tests).toBe("pytest -q\nnpm test --prefix static");
    expect(specOf(f)).toEqual(saved);
    expect(formChanged(saved, f)).toBe(false);
    f.approval = false;
    expect(formChanged(saved, f)).toBe(true);
  });

  it("keeps each source's fields when switching between them", () => {
    const f = formOf(saved, "shop-api");
    f.source = "s3";
    expect(specOf(f).source).toEqual({ kind: "s3", key: null });
    f.source = "github";
    expect(specOf(f).source).toEqual(saved.source);
  });

  it("takes one test command per line and leaves blank lines out", () => {
    expect(testCommands("  pytest -q \n\n\r\nnpm test\n")).toEqual(["pytest -q", "npm test"]);
  });

  it("accepts a pasted GitHub URL as owner/name", () => {
    expect(repositoryId("https://github.com/octo/shop.git")).toBe("octo/shop");
    expect(repositoryId("git@github.com:octo/shop.git")).toBe("octo/shop");
    expect(repositoryId(" octo/shop/ ")).toBe("octo/shop");
  });

  it("finds what the backend would refuse, at the backend's field paths", () => {
    const f = formOf(undefined, "shop-api");
    f.s3Key = "/source/app.zip";
    expect(formProblems(f, false)).toEqual({ "pipeline.source.key": "key" });
    f.s3Key = "source/app.tar";
    expect(formProblems(f, false)).toEqual({ "pipeline.source.key": "zip" });
    f.s3Key = "";
    f.source = "github";
    f.connection = "my connection!";
    f.githubRepository = "shop-api";
    f.githubBranch = "feature/..x";
    f.buildTimeout = 4;
    f.deployTimeout = 61;
    expect(formProblems(f, false)).toEqual({
      "pipeline.source.connection": "connection",
      "pipeline.source.repository": "ownerRepo",
      "pipeline.source.branch": "branch",
      "pipeline.build.timeout_minutes": "buildTimeout",
      "pipeline.deploy.timeout_minutes": "deployTimeout",
    });
    f.source = "codecommit";
    f.codecommitRepository = "has space";
    expect(formProblems(f, false)["pipeline.source.repository"]).toBe("codecommit");
  });

  it("refuses GitHub in practice mode: the emulator has no CodeConnections", () => {
    const f = formOf(saved, "shop-api");
    expect(formProblems(f, false)).toEqual({});
    expect(formProblems(f, true)).toEqual({ "pipeline.source": "practiceGithub" });
  });

  it("follows git's branch rules", () => {
    for (const ok of ["main", "release/1.2", "feat_x-y"]) expect(validBranch(ok), ok).toBe(true);
    for (const bad of ["", "a b", "x..y", "-x", "x/", "/x", "x.lock", "a~1", "a^", "a:b", "a@{1}"]) expect(validBranch(bad), bad).toBe(false);
  });

  it("suggests a connection name CodeConnections accepts", () => {
    expect(suggestedConnection("shop-api")).toBe("shop-api-github");
    const long = suggestedConnection("a-very-long-application-name-for-the-lab");
    expect(long.length).toBeLessThanOrEqual(32);
    expect(/^[A-Za-z0-9_-]{1,32}$/.test(suggestedConnection("my app.v2"))).toBe(true);
  });

  it("lists the backend's complaints that no field shows", () => {
    expect(unplacedErrors({ "pipeline.source.branch": "x", "pipeline.build.image": "y" })).toEqual([["pipeline.build.image", "y"]]);
  });
});
