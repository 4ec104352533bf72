import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../paths.js";

/**
 * The statement a person can show an officer: fixed, short, formal sentences
 * in the officer's language, chosen by the person; nothing personal unless
 * an emergency contact is configured for the country. The texts are data,
 * one file per language (`statements/<code>.json`), each marked `reviewed`
 * once a native speaker has checked it.
 */

/** The sentences in the order they appear; each can be left out. */
export const SENTENCES = [
  "citizen", "protection_here", "protection_elsewhere", "protection_apply", "political", "lawyer_ru", "lawyer_be", "no_consulate", "call",
] as const;
export type Sentence = (typeof SENTENCES)[number];

/** Choices that exclude each other: one protection status at most, one interpreter language. */
const EXCLUSIVE: readonly (readonly Sentence[])[] = [["protection_here", "protection_elsewhere", "protection_apply"], ["lawyer_ru", "lawyer_be"]];

export interface StatementLanguage {
  language: string;
  /** The language's name for itself. */
  name: string;
  reviewed: boolean;
  title: string;
  sentences: Record<Sentence, string>;
}

export const STATEMENTS_DIR = join(ROOT, "src", "card", "statements");

export function loadStatements(dir = STATEMENTS_DIR): Map<string, StatementLanguage> {
  const all = new Map<string, StatementLanguage>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const data = JSON.parse(readFileSync(join(dir, file), "utf8")) as StatementLanguage;
    const missing = SENTENCES.filter((s) => typeof data.sentences?.[s] !== "string");
    if (missing.length > 0 || !data.title || !data.sentences.call.includes("{{contact}}")) {
      throw new Error(`${file}: needs a title and every sentence (${missing.join(", ") || "call with {{contact}}"})`);
    }
    all.set(data.language, data);
  }
  return all;
}

/** The official language(s) an officer in each country reads, first the one the card leads with. */
export const OFFICER_LANGUAGES: Record<string, readonly string[]> = {
  PL: ["pl"], LT: ["lt"], LV: ["lv"], EE: ["et"], DE: ["de"], AT: ["de"], CH: ["de", "fr", "it"], CZ: ["cs"], SK: ["sk"],
  RO: ["ro"], MD: ["ro"], HU: ["hu"], RS: ["sr"], ME: ["sr"], GE: ["ka"], TR: ["tr"], FR: ["fr"], BE: ["fr", "nl"], LU: ["fr", "de"],
  ES: ["es"], IT: ["it"], NL: ["nl"], PT: ["pt"], GB: ["en"], IE: ["en"], AM: ["en"], AE: ["en"], KZ: ["ru"], UA: ["en"],
};
export const CARD_COUNTRIES = Object.keys(OFFICER_LANGUAGES);

/** What the card says by default: who, why it is political, a lawyer, no consul, and whom to call when known. */
export function defaultChoice(hasContact: boolean): Set<Sentence> {
  return new Set<Sentence>(["citizen", "political", "lawyer_ru", "no_consulate", ...(hasContact ? (["call"] as const) : [])]);
}

/** Ticks or unticks a sentence; ticking one of a group of alternatives unticks the others. */
export function toggle(chosen: ReadonlySet<Sentence>, sentence: Sentence): Set<Sentence> {
  const next = new Set(chosen);
  if (next.delete(sentence)) return next;
  for (const group of EXCLUSIVE) if (group.includes(sentence)) for (const other of group) next.delete(other);
  next.add(sentence);
  return next;
}

/** A choice as a short hex bitmask, so that buttons can carry it and nothing is kept between taps. */
export function encodeChoice(chosen: ReadonlySet<Sentence>): string {
  return SENTENCES.reduce((mask, s, i) => (chosen.has(s) ? mask | (1 << i) : mask), 0).toString(16);
}

export function decodeChoice(hex: string): Set<Sentence> {
  const mask = Number.parseInt(hex, 16);
  const chosen = new Set<Sentence>();
  SENTENCES.forEach((s, i) => {
    if (mask & (1 << i)) chosen.add(s);
  });
  // Alternatives stay alternatives, whatever a forged button carries.
  for (const group of EXCLUSIVE) for (const extra of group.filter((s) => chosen.has(s)).slice(1)) chosen.delete(extra);
  return chosen;
}

export interface StatementBlock {
  language: string;
  title: string;
  lines: string[];
  reviewed: boolean;
}

/**
 * The chosen sentences in one language. `contact` fills "please call"; without
 * one that sentence is left out.
 */
export function compose(text: StatementLanguage, chosen: ReadonlySet<Sentence>, contact?: string): StatementBlock {
  const lines = SENTENCES.filter((s) => chosen.has(s) && (s !== "call" || contact !== undefined))
    .map((s) => text.sentences[s].replace("{{contact}}", contact ?? ""));
  return { language: text.language, title: text.title, lines, reviewed: text.reviewed };
}
