import { describe, expect, it } from "vitest";
import type { DeploymentInfo, ServiceHealth, TargetInfo, TaskInfo } from "./bindings";
import { changedData, containerTone, flowEdges, groupTasks, layoutMap, mapContent, placeNodes, reuseNodes, revisionNumber, structureKey, targetsByIp, taskView } from "./healthMap";

const td = (rev: number) => `arn:aws:ecs:us-east-1:1:task-definition/shop:${rev}`;

function task(id: string, rev: number, status: string, o: Partial<TaskInfo> = {}): TaskInfo {
  return {
    arn: `arn:aws:ecs:us-east-1:1:task/shop/${id}`,
    id,
    last_status: status,
    desired_status: status === "STOPPED" ? "STOPPED" : "RUNNING",
    health: status === "RUNNING" ? "HEALTHY" : null,
    availability_zone: "us-east-1a",
    private_ip: `10.0.${rev}.${id.length}${id.charCodeAt(0)}`,
    task_definition: td(rev),
    started_by: null,
    started_ms: null,
    stopped_ms: null,
    stopped_reason: null,
    stop_code: null,
    containers: [{ name: "shop", last_status: status, exit_code: null, reason: null, health: null }],
    ...o,
  };
}

const dep = (rev: number, status: string): DeploymentInfo => ({
  id: `ecs-svc/${rev}`,
  status,
  rollout_state: "IN_PROGRESS",
  rollout_reason: null,
  task_definition: td(rev),
  desired: 3,
  running: 3,
  pending: 0,
  failed: 0,
  created_ms: null,
  updated_ms: null,
});

const target = (ip: string, state: string): TargetInfo => ({ id: ip, port: 5000, state, reason: null, description: null });

function health(tasks: TaskInfo[], targets: TargetInfo[] = [], deployments = [dep(7, "PRIMARY"), dep(6, "ACTIVE")]): ServiceHealth {
  return { cluster: "shop", service: "shop", status: "ACTIVE", desired: 3, running: 3, pending: 0, task_definition: td(7), deployments, tasks, targets, events: [], observed_ms: 0 };
}

describe("the health map", () => {
  it("reads the revision after the last colon", () => {
    expect(revisionNumber(td(7))).toBe("7");
    expect(revisionNumber("shop:12")).toBe("12");
  });

  it("matches each task to its target by private IP, and a stopped task to none", () => {
    const a = task("a", 7, "RUNNING");
    const b = task("b", 7, "RUNNING");
    const gone = task("c", 6, "STOPPED", { private_ip: a.private_ip });
    const targets = targetsByIp([target(a.private_ip!, "draining"), target(a.private_ip!, "healthy"), target(b.private_ip!, "unhealthy")]);
    expect(taskView(a, targets)).toMatchObject({ health: "healthy", tone: "ok", state: "running" });
    expect(taskView(b, targets)).toMatchObject({ health: "unhealthy", tone: "fail" });
    expect(taskView(gone, targets).target).toBeNull();
  });

  it("colours tasks: starting amber, draining blue, a crash red, a scale-in grey", () => {
    const none = new Map<string, TargetInfo>();
    expect(taskView(task("p", 7, "PROVISIONING", { private_ip: null }), none).tone).toBe("warn");
    const draining = task("d", 6, "RUNNING");
    expect(taskView(draining, targetsByIp([target(draining.private_ip!, "draining")])).tone).toBe("drain");
    expect(taskView(task("x", 7, "STOPPED", { stop_code: "EssentialContainerExited", stopped_reason: "Essential container in task exited" }), none).tone).toBe("fail");
    expect(taskView(task("s", 6, "STOPPED", { stop_code: "ServiceSchedulerInitiated", stopped_reason: "Scaling activity initiated by (deployment ecs-svc/7)" }), none).tone).toBe("idle");
  });

  it("colours a container by its health check first, then its status", () => {
    const c = (last_status: string, health: string | null, exit_code: number | null = null) => ({ name: "web", last_status, health, exit_code, reason: null });
    expect(containerTone(c("", "HEALTHY"))).toBe("ok");
    expect(containerTone(c("PENDING", "HEALTHY"))).toBe("ok");
    expect(containerTone(c("RUNNING", null))).toBe("ok");
    expect(containerTone(c("RUNNING", "UNKNOWN"))).toBe("warn");
    expect(containerTone(c("PENDING", null))).toBe("warn");
    expect(containerTone(c("RUNNING", "UNHEALTHY"))).toBe("fail");
    expect(containerTone(c("STOPPED", null, 137))).toBe("fail");
    expect(containerTone(c("STOPPED", null, 0))).toBe("idle");
  });
  it("groups tasks by task definition, PRIMARY first, live tasks before stopped ones", () => {
    const h = health([task("z", 6, "RUNNING"), task("b", 7, "STOPPED"), task("a", 7, "RUNNING"), task("c", 7, "PENDING")]);
    const groups = groupTasks(h);
    expect(groups.map((g) => g.revision)).toEqual(["7", "6"]);
    expect(groups[0]!.shown.map((v) => v.task.id)).toEqual(["a", "c", "b"]);
    expect(groups[0]!.deployment?.status).toBe("PRIMARY");
  });

  it("folds a group beyond the limit into counts by state, and opens it on request", () => {
    const many = Array.from({ length: 30 }, (_, i) => task(`t${String(i).padStart(2, "0")}`, 7, i < 27 ? "RUNNING" : "PENDING"));
    const [g] = groupTasks(health(many), new Set(), 24);
    expect(g!.shown).toHaveLength(24);
    expect(g!.hidden).toBe(6);
    expect(g!.hiddenByState).toEqual({ running: 3, pending: 3 });
    const [open] = groupTasks(health(many), new Set([td(7)]), 24);
    expect(open!.shown).toHaveLength(30);
    expect(open!.expanded).toBe(true);
  });

  it("lays out only when nodes come or go: a state change keeps the structure key", () => {
    const input = (status: string) => ({ groups: groupTasks(health([task("a", 7, status), task("b", 7, "RUNNING")])), listener: "HTTP :80", loadBalancer: "shop", targetGroup: "shop-tg", image: null });
    const before = mapContent(input("PENDING"));
    const after = mapContent(input("RUNNING"));
    expect(structureKey(after.items, after.edges)).toBe(structureKey(before.items, before.edges));
    const more = mapContent({ ...input("RUNNING"), groups: groupTasks(health([task("a", 7, "RUNNING"), task("b", 7, "RUNNING"), task("c", 7, "RUNNING")])) });
    expect(structureKey(more.items, more.edges)).not.toBe(structureKey(before.items, before.edges));
  });

  it("draws internet → listener → load balancer → target group → revision → task → container, left to right", () => {
    const c = mapContent({ groups: groupTasks(health([task("a", 7, "RUNNING")])), listener: "HTTP :80", loadBalancer: "shop", targetGroup: "shop-tg", image: { repository: "shop", tag: "3f2a1bc", digest: "sha256:abc" } });
    const pos = layoutMap(c.items, c.edges);
    const x = (id: string) => pos.get(id)!.x;
    const chain = ["internet", "listener", "lb", "tg", `group:${td(7)}`, "task:a", "ctr:a:shop"];
    for (let i = 1; i < chain.length; i++) expect(x(chain[i]!), chain[i]).toBeGreaterThan(x(chain[i - 1]!));
    expect(c.edges.map((e) => e.id)).toContain("image->primary");
    const nodes = placeNodes(c.items, pos);
    expect(nodes.find((n) => n.id === "task:a")).toMatchObject({ type: "health", selectable: true, draggable: false });
  });

  it("keeps the node objects whose look did not change, so only changed tasks are drawn again", () => {
    const nodesOf = (bStatus: string) => {
      const c = mapContent({ groups: groupTasks(health([task("a", 7, "RUNNING"), task("b", 7, bStatus)])), listener: "HTTP :80", loadBalancer: "shop", targetGroup: "shop-tg", image: null });
      return placeNodes(c.items, layoutMap(c.items, c.edges));
    };
    const before = nodesOf("PENDING");
    const after = reuseNodes(before, nodesOf("RUNNING"));
    const same = (id: string) => after.find((n) => n.id === id) === before.find((n) => n.id === id);
    expect(same("task:a")).toBe(true);
    expect(same("internet")).toBe(true);
    expect(same("task:b")).toBe(false);
    expect(same("ctr:b:shop")).toBe(false);
  });

  it("hands on only the nodes whose look changed, and edges without their tone", () => {
    const contentOf = (bStatus: string) => mapContent({ groups: groupTasks(health([task("a", 7, "RUNNING"), task("b", 7, bStatus)])), listener: "HTTP :80", loadBalancer: "shop", targetGroup: "shop-tg", image: null });
    const first = contentOf("PENDING");
    const live = new Map(first.items.map((i) => [i.id, i.data]));
    expect(changedData(new Map(), first.items)).toHaveLength(first.items.length);
    expect(changedData(live, first.items)).toEqual([]);
    expect(changedData(live, contentOf("PENDING").items)).toEqual([]);
    const next = contentOf("RUNNING");
    expect(changedData(live, next.items).map((i) => i.id)).toEqual(["task:b", "ctr:b:shop"]);
    const edges = flowEdges(next.edges);
    expect(edges.every((e) => e.type === "health" && e.class === undefined)).toBe(true);
    expect(next.edges.some((e) => e.class)).toBe(true);
    expect(edges.map((e) => e.id)).toEqual(next.edges.map((e) => e.id));
  });

  it("stacks rows in the map's order: PRIMARY's tasks above the old revision's, each container beside its task", () => {
    const h = health([task("o1", 6, "RUNNING"), task("o2", 6, "RUNNING"), task("n1", 7, "RUNNING"), task("n2", 7, "PENDING")]);
    const c = mapContent({ groups: groupTasks(h), listener: "HTTP :80", loadBalancer: "shop", targetGroup: "shop-tg", image: { repository: "shop", tag: "1", digest: null } });
    const pos = layoutMap(c.items, c.edges);
    const y = (id: string) => pos.get(id)!.y;
    expect(y("task:n1")).toBeLessThan(y("task:n2"));
    expect(y("task:n2")).toBeLessThan(y("task:o1"));
    expect(y(`group:${td(7)}`)).toBeLessThan(y(`group:${td(6)}`));
    expect(y("ctr:n1:shop")).toBeGreaterThan(y("task:n1"));
    expect(y("ctr:n1:shop")).toBeLessThan(y("task:n2"));
    expect(y("image")).toBeLessThan(y("tg"));
    const ys = c.items.filter((i) => i.data.kind === "task").map((i) => y(i.id));
    expect(new Set(ys).size).toBe(ys.length);
  });
});
