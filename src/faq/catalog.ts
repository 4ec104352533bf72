import type { i18n } from "i18next";
import { LANGUAGES } from "../i18n/languages.js";
import catalogFile from "./catalog.json" with { type: "json" };
import { FaqMatcher, type MatchableEntry, type MatcherOptions } from "./matcher.js";

/** What the FAQ knows about an entry beyond its translated texts. */
export interface CatalogEntry {
  id: string;
  topic: string;
  /** Whether the answer tells people to talk to a lawyer. */
  advice: boolean;
  /** Source ids of the vetted facts behind the answer. */
  sources: string[];
  /** Official or NGO pages shown under the answer. */
  links: string[];
  /** Typical phrasings in any language, for the matcher only. */
  phrasings: string[];
}

interface CatalogFile {
  checked: string;
  entries: CatalogEntry[];
  sources: Record<string, { title: string; url: string | null }>;
}

const file = catalogFile as CatalogFile;

/** In catalog order. "Other matches" buttons refer to entries by position: add new ones at the end. */
export const FAQ_ENTRIES: readonly CatalogEntry[] = file.entries;
export const FAQ_TOPICS: readonly string[] = [...new Set(file.entries.map((e) => e.topic))];

export function faqEntry(id: string): CatalogEntry | undefined {
  return FAQ_ENTRIES.find((e) => e.id === id);
}

export function entriesOfTopic(topic: string): CatalogEntry[] {
  return FAQ_ENTRIES.filter((e) => e.topic === topic);
}

/** Builds the matcher from the catalog and the translated questions and answers. */
export function createFaqMatcher(i18n: i18n, options?: MatcherOptions): FaqMatcher {
  const entries: MatchableEntry[] = FAQ_ENTRIES.map((entry) => ({
    id: entry.id,
    phrases: [
      ...LANGUAGES.map((language) => ({ text: i18n.t(`entries.${entry.id}.q`, { ns: "faq", lng: language }), language })),
      ...entry.phrasings.map((text) => ({ text })),
    ],
    answers: LANGUAGES.map((language) => ({ text: i18n.t(`entries.${entry.id}.a`, { ns: "faq", lng: language }), language })),
  }));
  return new FaqMatcher(entries, options);
}
