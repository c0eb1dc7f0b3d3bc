// i18n with svelte-i18n: messages in en.json and vi.json, the language from Settings.
import { addMessages, init, locale } from "svelte-i18n";
import type { Language } from "../bindings";
import en from "./en.json";
import labsEn from "./labs.en.json";
import labsVi from "./labs.vi.json";
import lintEn from "./lint.en.json";
import lintVi from "./lint.vi.json";
import monitorEn from "./monitor.en.json";
import monitorVi from "./monitor.vi.json";
import pipelineEn from "./pipeline.en.json";
import pipelineVi from "./pipeline.vi.json";
import registryEn from "./registry.en.json";
import registryVi from "./registry.vi.json";
import serviceEn from "./service.en.json";
import serviceVi from "./service.vi.json";
import vi from "./vi.json";

export const LANGUAGES: readonly { id: Language; label: string }[] = [
  { id: "en", label: "English" },
  { id: "vi", label: "Tiếng Việt" },
];

addMessages("en", en);
addMessages("vi", vi);
// What each lint rule means and how to fix it, read as lint.<RULE>.title / why / how.
addMessages("en", { lint: lintEn });
addMessages("vi", { lint: lintVi });
// Step 3 (the registry screen), read as registry.*.
addMessages("en", { registry: registryEn });
addMessages("vi", { registry: registryVi });
// Step 4 (the Fargate service), read as service.<key>.
addMessages("en", { service: serviceEn });
addMessages("vi", { service: serviceVi });
// Step 5 (the pipeline), read as pipeline.<key>.
addMessages("en", { pipeline: pipelineEn });
addMessages("vi", { pipeline: pipelineVi });
// Step 6 (watching the service and the pipeline), read as monitor.<key>.
addMessages("en", { monitor: monitorEn });
addMessages("vi", { monitor: monitorVi });
// Lab mode (the labs, their checks and the AWS CLI history), read as labs.<key>.
addMessages("en", { labs: labsEn });
addMessages("vi", { labs: labsVi });

/** The language to start in before settings load: the browser's, when it is Vietnamese. */
export function guessLanguage(navigatorLanguage: string | undefined): Language {
  return navigatorLanguage?.toLowerCase().startsWith("vi") ? "vi" : "en";
}

/** Sets up svelte-i18n. */
export function setupI18n(initial: Language): void {
  init({ fallbackLocale: "en", initialLocale: initial });
  document.documentElement.lang = initial;
}

/** Switches the UI language (and <html lang>). */
export function setLanguage(lang: Language): void {
  locale.set(lang);
  document.documentElement.lang = lang;
}

/** Every dotted key of a message tree, for completeness checks. */
export function messageKeys(tree: object, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    v && typeof v === "object" ? messageKeys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

/**
 * The language to use at start. The backend's default settings say "en" until the person picks
 * one, so on the very first start (nothing chosen yet) the system's language wins.
 */
export function startLanguage(saved: Language, navigatorLanguage: string | undefined, chosenBefore: boolean): Language {
  return chosenBefore ? saved : guessLanguage(navigatorLanguage);
}
