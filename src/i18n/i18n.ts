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
  const fixed = instance.getFixedT.bind(instance);
  const byLanguage = new Map<string, TFunction>();
  // Every translator of a language, for the whole namespace, is one that remembers.
  instance.getFixedT = ((lng: string | readonly string[] | null, ns?: unknown, keyPrefix?: unknown) => {
    if (typeof lng !== "string" || ns !== undefined || keyPrefix !== undefined) return fixed(lng as never, ns as never, keyPrefix as never);
    let t = byLanguage.get(lng);
    if (!t) byLanguage.set(lng, (t = remembering(fixed(lng))));
    return t;
  }) as typeof instance.getFixedT;
  return instance;
}

/**
 * A translator that keeps what it returned for a key asked without options:
 * the resources never change after start-up, and keyboards ask for the same
 * labels at every step (and again at every replay of a conversation).
 */
function remembering(t: TFunction): TFunction {
  const known = new Map<string, string>();
  const translate = t as unknown as (...args: unknown[]) => string;
  const remembered = (key: unknown, ...rest: unknown[]) => {
    if (rest.length > 0 || typeof key !== "string") return translate(key, ...rest);
    let text = known.get(key);
    if (text === undefined) known.set(key, (text = translate(key)));
    return text;
  };
  return Object.assign(remembered, t);
}
