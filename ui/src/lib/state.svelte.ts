// The app's state, shared by every screen (Svelte 5 runes).
import * as backend from "./backend";
import type { AppInfo, ConnectionInfo, ErrorBody, ProjectSummary, Settings } from "./backend";
import { guessLanguage, setLanguage, startLanguage } from "./i18n";
import type { ScreenId } from "./screens";
import { applyTheme } from "./theme";

export const app = $state({
  screen: "projects" as ScreenId,
  settings: null as Settings | null,
  info: null as AppInfo | null,
  connection: null as ConnectionInfo | null,
  connectionError: null as ErrorBody | null,
  connecting: false,
  project: null as ProjectSummary | null,
  ready: false,
});

// Whether a language was settled on before (first start: the system's language wins).
const LANGUAGE_CHOSEN = "slipway.languageChosen";
function languageChosen(): boolean {
  try {
    return localStorage.getItem(LANGUAGE_CHOSEN) === "1";
  } catch {
    return true;
  }
}
function markLanguageChosen(): void {
  try {
    localStorage.setItem(LANGUAGE_CHOSEN, "1");
  } catch {
    /* storage unavailable: the saved setting still applies */
  }
}

export function navigate(screen: ScreenId): void {
  app.screen = screen;
}

/** Loads settings, applies language and theme, then resolves the connection in the background. */
export async function start(): Promise<void> {
  try {
    app.settings = await backend.getSettings();
    const language = startLanguage(app.settings.language, navigator.language, languageChosen());
    if (language !== app.settings.language) {
      app.settings = await backend.saveSettings({ ...app.settings, language }).catch(() => ({ ...app.settings!, language }));
    }
    markLanguageChosen();
    setLanguage(app.settings.language);
    applyTheme(app.settings.theme);
  } catch (e) {
    // Keep the UI usable with defaults (the language guessed from the system) and say why.
    app.settings = { language: guessLanguage(navigator.language), theme: "system", profile: "practice", region: null };
    applyTheme(app.settings.theme);
    app.connectionError = backend.toErrorBody(e);
  }
  const recent = await backend.recentProjects().catch(() => []);
  app.project = recent[0] ?? null;
  app.screen = app.project ? "dockerfile" : "projects";
  app.ready = true;
  void backend
    .appInfo()
    .then((i) => {
      app.info = i;
    })
    .catch(() => undefined);
  void refreshConnection();
}

export async function refreshConnection(): Promise<void> {
  app.connecting = true;
  try {
    app.connection = await backend.currentConnection();
    app.connectionError = null;
  } catch (e) {
    app.connection = null;
    app.connectionError = backend.toErrorBody(e);
  } finally {
    app.connecting = false;
  }
}

/** Saves settings and applies what changed; returns the error, if any. */
export async function updateSettings(next: Settings): Promise<ErrorBody | null> {
  try {
    app.settings = await backend.saveSettings(next);
    setLanguage(app.settings.language);
    applyTheme(app.settings.theme);
    return null;
  } catch (e) {
    return backend.toErrorBody(e);
  }
}

/** Connects with a profile and region; the connection bar follows. */
export async function connectWith(profile: string, region: string | null): Promise<ErrorBody | null> {
  app.connecting = true;
  try {
    app.connection = await backend.connect(profile, region);
    app.connectionError = null;
    if (app.settings) app.settings = { ...app.settings, profile, region };
    return null;
  } catch (e) {
    // The backend keeps the connection it had; the error is shown where Connect was pressed.
    return backend.toErrorBody(e);
  } finally {
    app.connecting = false;
  }
}
