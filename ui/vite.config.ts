import { defineConfig, type Plugin } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// Tauri's `freezePrototype: true` freezes Object.prototype before any app code runs; d3-color
// (pulled in by @xyflow/svelte through d3-zoom/d3-interpolate) then throws at import on
// `prototype.constructor = constructor` (assigning over a frozen inherited property). Define the
// property instead. Fail loudly if an update changes the line, rather than ship a dead diagram.
function d3ColorFrozenPrototype(): Plugin {
  return {
    name: "d3-color-frozen-prototype",
    enforce: "pre",
    transform(code, id) {
      if (!id.includes("/node_modules/d3-color/")) return;
      const fixed = code.replace(
        "prototype.constructor = constructor;",
        'Object.defineProperty(prototype, "constructor", { value: constructor, writable: true, configurable: true });',
      );
      if (fixed === code) throw new Error("d3-color-frozen-prototype: pattern not found; re-check d3-color");
      return { code: fixed, map: null };
    },
  };
}

// The Tauri window loads this dev server in `tauri dev` and ui/dist in builds.
export default defineConfig({
  plugins: [d3ColorFrozenPrototype(), svelte()],
  // `vite dev` pre-bundles dependencies with rolldown, which does not run Vite plugins: patch there too.
  // The plan diagram's libraries are imported lazily: pre-bundle them at start, or the first
  // visit to the diagram discovers them, re-optimizes and leaves that import waiting.
  optimizeDeps: {
    include: ["@xyflow/svelte", "@dagrejs/dagre"],
    rolldownOptions: { plugins: [d3ColorFrozenPrototype()] },
  },
  clearScreen: false,
  // The mock backend (mock mode, and its tests) reads the real lab files from the Rust crate.
  server: { host: "127.0.0.1", port: 1420, strictPort: true, fs: { allow: [".", "../crates/core/labs"] } },
  build: { target: "es2022", outDir: "dist", emptyOutDir: true, sourcemap: false },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
  },
  resolve: process.env.VITEST ? { conditions: ["browser"] } : undefined,
});
