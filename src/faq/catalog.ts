import type { i18n } from "i18next";
import { LANGUAGES } from "../i18n/languages.js";
import catalogFile from "./catalog.json" with { type: "json" };
import { loadCorpus, type Example } from "./corpus.js";
import { QuestionMatcher } from "./understand.js";
import { DEFAULT_TRAINING } from "./linear-model.js";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT } from "../paths.js";

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
  /** The answer itself says it is not legal advice, so the footer does not say it again. */
  disclaims?: boolean;
}

interface CatalogFile {
  checked: string;
  entries: CatalogEntry[];
  sources: Record<string, { title: string; url: string | null }>;
}

const file = catalogFile as CatalogFile;

/** When the answers were last checked against their sources (year and month), shown under each answer. */
export const FAQ_CHECKED: string = file.checked;

/** In catalog order. "Other matches" buttons refer to entries by position: add new ones at the end. */
export const FAQ_ENTRIES: readonly CatalogEntry[] = file.entries;
export const FAQ_TOPICS: readonly string[] = [...new Set(file.entries.map((e) => e.topic))];

export function faqEntry(id: string): CatalogEntry | undefined {
  return FAQ_ENTRIES.find((e) => e.id === id);
}

export function entriesOfTopic(topic: string): CatalogEntry[] {
  return FAQ_ENTRIES.filter((e) => e.topic === topic);
}

/** Entries whose own question is written as a live message: it trains the intent, not the entry. */
const ASKED_AS: Record<string, string> = { "emergency-detained-now": "emergency" };

/**
 * The training examples: the corpus, and each entry's own question in every
 * language. Every entry must have phrasings in the corpus (a test checks).
 */
export function trainingExamples(i18n: i18n, corpus: Example[] = loadCorpus()): Example[] {
  const questions = FAQ_ENTRIES.flatMap((entry) =>
    LANGUAGES.map((language): Example => ({ label: ASKED_AS[entry.id] ?? entry.id, register: language, text: i18n.t(`entries.${entry.id}.q`, { ns: "faq", lng: language }) })),
  );
  return [...corpus, ...questions];
}

let trained: QuestionMatcher | undefined;

/** Where `npm run build` leaves the trained model, beside the bundle. */
export const PACKED_MODEL = join(ROOT, "dist", "matcher.bin");

/** What a model was trained from: a packed one is used only for the very same examples. */
export function trainingDigest(examples: readonly Example[]): string {
  return createHash("sha256").update(JSON.stringify([DEFAULT_TRAINING, examples])).digest("hex");
}

/** Running from the bundle in `dist/`, not from the sources (where a packed model could be stale). */
const BUNDLED = /[\\/]dist[\\/][^\\/]+$/.test(fileURLToPath(import.meta.url));

/**
 * The matcher, once per process: the corpus and questions are fixed while it
 * runs, and the model only reads after training. Running from the bundle, it
 * loads the model `npm run build` packed beside it, if trained from the same
 * examples; otherwise it trains (about half a second). Later calls return the
 * same matcher, whatever `i18n` they pass.
 */
export function createQuestionMatcher(i18n: i18n): QuestionMatcher {
  if (trained) return trained;
  const examples = trainingExamples(i18n);
  if (BUNDLED && existsSync(PACKED_MODEL)) trained = QuestionMatcher.restore(readFileSync(PACKED_MODEL), trainingDigest(examples));
  return (trained ??= new QuestionMatcher(examples));
}
