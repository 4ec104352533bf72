import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAQ_ENTRIES, FAQ_TOPICS } from "../src/faq/catalog.js";
import { LOCALES_DIR } from "../src/i18n/i18n.js";
import { LANGUAGES } from "../src/i18n/languages.js";

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === "string") out.set(prefix + key, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();

function load(lang: string): Map<string, string> {
  const all = new Map<string, string>();
  for (const file of readdirSync(join(LOCALES_DIR, lang)).filter((f) => f.endsWith(".json"))) {
    const tree = JSON.parse(readFileSync(join(LOCALES_DIR, lang, file), "utf8")) as Tree;
    for (const [k, v] of flatten(tree)) all.set(`${file}:${k}`, v);
  }
  return all;
}

describe("locales", () => {
  const byLanguage = Object.fromEntries(LANGUAGES.map((l) => [l, load(l)]));
  const allKeys = new Set(Object.values(byLanguage).flatMap((m) => [...m.keys()]));

  it("ships exactly the three languages", () => {
    expect(readdirSync(LOCALES_DIR).sort()).toEqual([...LANGUAGES].sort());
  });

  for (const lang of LANGUAGES) {
    it(`${lang} has every key, none empty, with the same placeholders as the others`, () => {
      const strings = byLanguage[lang]!;
      const missing = [...allKeys].filter((k) => !strings.has(k));
      expect(missing).toEqual([]);
      const empty = [...strings].filter(([, v]) => v.trim() === "").map(([k]) => k);
      expect(empty).toEqual([]);
      for (const [key, value] of byLanguage.en!) {
        expect(placeholders(strings.get(key) ?? ""), `${lang} ${key}`).toEqual(placeholders(value));
      }
    });
  }

  it("has a question and an answer in every language for every FAQ entry, and every topic named", () => {
    expect(FAQ_ENTRIES.length).toBeGreaterThanOrEqual(30);
    for (const lang of LANGUAGES) {
      const strings = byLanguage[lang]!;
      for (const entry of FAQ_ENTRIES) {
        expect(strings.get(`faq.json:entries.${entry.id}.q`), `${lang} ${entry.id}`).toBeTruthy();
        expect(strings.get(`faq.json:entries.${entry.id}.a`), `${lang} ${entry.id}`).toBeTruthy();
      }
      for (const topic of FAQ_TOPICS) expect(strings.get(`faq.json:topics.${topic}`)).toBeTruthy();
    }
    const ids = FAQ_ENTRIES.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it("keeps every link of an answer identical across languages", () => {
    const urls = (s: string) => [...s.matchAll(/https?:\/\/\S+|[a-z]+\.(info|org|eu)\b/g)].map((m) => m[0].replace(/[.,;)]+$/, "")).sort();
    for (const entry of FAQ_ENTRIES) {
      const en = urls(byLanguage.en!.get(`faq.json:entries.${entry.id}.a`)!);
      for (const lang of LANGUAGES) expect(urls(byLanguage[lang]!.get(`faq.json:entries.${entry.id}.a`)!), `${lang} ${entry.id}`).toEqual(en);
    }
  });
});
