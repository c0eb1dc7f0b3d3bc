// The one way the UI reaches the backend: the generated bindings, plus error normalising.
// In the real app these go through Tauri's IPC; in mock mode through @tauri-apps/api/mocks.
import type { ErrorBody } from "./bindings";

export * from "./bindings";

/** Turns whatever a command rejected with into an ErrorBody. */
export function toErrorBody(e: unknown): ErrorBody {
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const o = e as Partial<ErrorBody>;
    return { code: o.code ?? "internal", message: String(o.message ?? ""), hint: String(o.hint ?? "") };
  }
  return { code: "internal", message: e instanceof Error ? e.message : String(e), hint: "" };
}
