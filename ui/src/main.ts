import { mount } from "svelte";
import "./app.css";
import { guessLanguage, setupI18n } from "./lib/i18n";
import { repairNavigatorLocale } from "./lib/navigatorLocale";

// Before any library reads it: LANG=C gives the webview a navigator.language Intl refuses.
repairNavigatorLocale();

async function boot() {
  // Mock mode (Playwright): a mocked backend answers through Tauri's own mock IPC layer, so
  // the real UI code runs unchanged.
  if (import.meta.env.MODE === "mock") {
    const { installMockBackend } = await import("./mocks/backend");
    installMockBackend(new URLSearchParams(location.search).get("scenario") ?? "happy");
  }
  setupI18n(guessLanguage(navigator.language));
  const { default: App } = await import("./App.svelte");
  mount(App, { target: document.getElementById("app")! });
}

void boot();
