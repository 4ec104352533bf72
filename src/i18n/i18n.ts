import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import i18next, { type i18n, type Resource, type ResourceLanguage, type TFunction } from "i18next";
import { ROOT } from "../paths.js";
import { LANGUAGES, type Language } from "./languages.js";

export type { TFunction };

/** Where `locales/<language>/<namespace>.json` live. */
export const LOCALES_DIR = join(ROOT, "locales");

/** Reads every namespace file of every language, synchronously, once. */
export function readResources(dir = LOCALES_DIR): Resource {
  const resources: Resource = {};
  for (const lang of LANGUAGES) {
    const namespaces: ResourceLanguage = {};
    for (const file of readdirSync(join(dir, lang)).filter((f) => f.endsWith(".json"))) {
      namespaces[file.slice(0, -".json".length)] = JSON.parse(readFileSync(join(dir, lang, file), "utf8")) as ResourceLanguage[string];
    }
    resources[lang] = namespaces;
  }
  return resources;
}

/**
 * Creates an independent i18next instance. Missing keys fall back to English
 * so a gap shows a sentence, not a key; the locale test keeps gaps from shipping.
 */
export async function createI18n(fallback: Language = "en"): Promise<i18n> {
  const instance = i18next.createInstance();
  await instance.init({
    resources: readResources(),
    supportedLngs: [...LANGUAGES],
    fallbackLng: fallback,
    defaultNS: "translation",
    ns: ["translation", "faq", "kit"],
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  return instance;
}
