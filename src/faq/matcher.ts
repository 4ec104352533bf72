import { BoundedMap } from "../cache/bounded-map.js";
import { LANGUAGES, type Language } from "../i18n/languages.js";
import { editDistance, tokenize } from "./fold.js";

/** One FAQ entry as the matcher sees it: texts to match against, by language where known. */
export interface MatchableEntry {
  id: string;
  /** Questions and typical phrasings: matched both ways. */
  phrases: { text: string; language?: Language }[];
  /** Answers: only a weaker hint, since they are long. */
  answers: { text: string; language: Language }[];
}

export interface Match {
  id: string;
  score: number;
}

export interface MatchResult {
  /** The best entry, or undefined when nothing matches well enough to answer. */
  best?: Match;
  /** Further entries worth offering as "other matches", best first. */
  others: Match[];
  /** The language the query seems to be written in. */
  language: Language;
}

export interface MatcherOptions {
  /** Lowest score that counts as an answer. */
  threshold: number;
  /** Longer texts are stories, not questions: they get the intake, not a guess. */
  maxWords: number;
}

/** Tuned on the labelled questions in test/faq-questions.ts. */
export const DEFAULT_MATCHER_OPTIONS: MatcherOptions = { threshold: 0.45, maxWords: 30 };

interface Doc {
  entry: number;
  tokens: readonly string[];
  kind: "phrase" | "answer";
}

/** A query word's resemblance to the vocabulary, worked out once per distinct word. */
interface Expansion {
  /** Vocabulary words it resembles (by number), with how much. */
  words: Int32Array;
  wordSims: Float64Array;
  /** Documents those words occur in, with the best similarity reached in each. */
  docs: Int32Array;
  sims: Float64Array;
  /** The word's weight in a query. */
  idf: number;
}

/** How much an answer that contains the query's words adds to its question's score. */
const ANSWER_HINT = 0.25;

const BELARUSIAN_LETTERS = /[іўІЎ]/;
const CYRILLIC = /\p{Script=Cyrillic}/u;

/**
 * Ranks FAQ entries for free text in any of the three languages, typed in
 * Cyrillic or Latin letters, tolerating typos and word endings. Scores are
 * 0..1: how much of the query a phrase explains, and how much of the phrase
 * the query covers, each weighted by how telling a word is across the FAQ.
 */
export class FaqMatcher {
  readonly #ids: string[];
  readonly #docs: Doc[];
  readonly #idf = new Map<string, number>();
  /** Vocabulary by first letter: only words sharing it can be similar (see `similarity`). */
  readonly #byInitial = new Map<string, string[]>();
  /** For each word, the documents that contain it, and the phrase documents only. */
  readonly #postings = new Map<string, number[]>();
  /** Vocabulary words by number: their weight and the phrase documents that contain them. */
  readonly #vocabulary: { idf: number; phrases: number[] }[] = [];
  readonly #wordNumber = new Map<string, number>();
  /** Per-document sums, reused by every query and left zeroed after it (`match` is synchronous). */
  readonly #scratch: {
    hit: Float64Array; covered: Float64Array; isTouched: Uint8Array; touched: Int32Array;
    scores: Float64Array; hints: Float64Array; wordBest: Float64Array; reached: Int32Array;
  };
  /** For each phrase document, the summed weight of its distinct words. */
  readonly #docWeight: Float64Array;
  readonly #byLanguage = new Map<Language, Set<string>>();
  /** Words already compared with the vocabulary; queries repeat words a lot. */
  readonly #expanded = new BoundedMap<string, Expansion>(50_000);
  /** Weight of a word the FAQ does not contain: an average word, neither ignored nor decisive. */
  readonly #unknownIdf: number;

  constructor(entries: MatchableEntry[], private readonly options: MatcherOptions = DEFAULT_MATCHER_OPTIONS) {
    this.#ids = entries.map((e) => e.id);
    this.#docs = [];
    const df = new Map<string, number>();
    for (const lang of LANGUAGES) this.#byLanguage.set(lang, new Set());
    entries.forEach((entry, index) => {
      const seen = new Set<string>();
      const add = (text: string, kind: Doc["kind"], language: Language | undefined) => {
        const tokens = tokenize(text);
        this.#docs.push({ entry: index, tokens, kind });
        for (const t of tokens) {
          seen.add(t);
          if (language) this.#byLanguage.get(language)!.add(t);
        }
      };
      for (const p of entry.phrases) add(p.text, "phrase", p.language);
      for (const a of entry.answers) add(a.text, "answer", a.language);
      for (const t of seen) df.set(t, (df.get(t) ?? 0) + 1);
    });
    const n = entries.length;
    for (const [token, count] of df) {
      const idf = Math.log((n + 1) / (count + 0.5));
      this.#idf.set(token, idf);
      this.#wordNumber.set(token, this.#vocabulary.length);
      this.#vocabulary.push({ idf, phrases: [] });
      const initial = token[0]!;
      if (!this.#byInitial.has(initial)) this.#byInitial.set(initial, []);
      this.#byInitial.get(initial)!.push(token);
    }
    this.#docWeight = new Float64Array(this.#docs.length);
    this.#docs.forEach((doc, d) => {
      for (const t of new Set(doc.tokens)) {
        if (!this.#postings.has(t)) this.#postings.set(t, []);
        this.#postings.get(t)!.push(d);
        if (doc.kind === "phrase") this.#vocabulary[this.#wordNumber.get(t)!]!.phrases.push(d);
        this.#docWeight[d]! += this.#idf.get(t) ?? 0;
      }
    });
    const docs = this.#docs.length;
    this.#scratch = {
      hit: new Float64Array(docs), covered: new Float64Array(docs), isTouched: new Uint8Array(docs), touched: new Int32Array(docs),
      scores: new Float64Array(entries.length), hints: new Float64Array(entries.length),
      wordBest: new Float64Array(this.#vocabulary.length), reached: new Int32Array(this.#vocabulary.length),
    };
    const idfs = [...this.#idf.values()];
    this.#unknownIdf = idfs.reduce((a, b) => a + b, 0) / Math.max(1, idfs.length);
  }

  /** Texts with more words than this are treated as stories, not questions. */
  get maxWords(): number {
    return this.options.maxWords;
  }

  /** How alike two folded words are: 1 for the same, less for a shared stem or a typo. */
  static similarity(a: string, b: string): number {
    if (a === b) return 1;
    const short = Math.min(a.length, b.length);
    if (short < 4 || a[0] !== b[0]) return 0;
    let prefix = 0;
    while (prefix < short && a[prefix] === b[prefix]) prefix++;
    if (prefix >= 4 && prefix >= 0.6 * Math.max(a.length, b.length)) return 0.9;
    if (prefix >= 5 && prefix === short) return 0.8;
    const limit = short >= 8 ? 2 : short >= 5 ? 1 : 0;
    if (limit === 0) return 0;
    const distance = editDistance(a, b, limit);
    if (distance <= limit) return distance === 1 ? 0.8 : 0.65;
    return 0;
  }

  /** The vocabulary words a query word resembles, and the documents they reach. */
  #expand(token: string): Expansion {
    const cached = this.#expanded.get(token);
    if (cached) return cached;
    const similar: [string, number][] = [];
    for (const v of this.#byInitial.get(token[0]!) ?? []) {
      const s = FaqMatcher.similarity(token, v);
      if (s > 0) similar.push([v, s]);
    }
    // Per document, the best similarity of any of those words: what the word scores there.
    const reach = new Map<number, number>();
    for (const [v, s] of similar) {
      for (const d of this.#postings.get(v)!) if (s > (reach.get(d) ?? 0)) reach.set(d, s);
    }
    const expansion: Expansion = {
      words: Int32Array.from(similar, ([v]) => this.#wordNumber.get(v)!),
      wordSims: Float64Array.from(similar, ([, s]) => s),
      docs: Int32Array.from(reach.keys()),
      sims: Float64Array.from(reach.values()),
      idf: this.#queryIdf(token, similar),
    };
    this.#expanded.set(token, expansion);
    return expansion;
  }

  #queryIdf(token: string, similar: [string, number][]): number {
    const exact = this.#idf.get(token);
    if (exact !== undefined) return exact;
    let best = 0;
    for (const [v] of similar) best = Math.max(best, this.#idf.get(v) ?? 0);
    return best > 0 ? best : this.#unknownIdf;
  }

  detectLanguage(text: string, tokens = tokenize(text)): Language {
    if (BELARUSIAN_LETTERS.test(text)) return "be";
    let votes: [Language, number][] = LANGUAGES.map((lang) => {
      const words = this.#byLanguage.get(lang)!;
      let count = 0;
      for (const t of tokens) if (words.has(t)) count++;
      return [lang, count];
    });
    if (CYRILLIC.test(text)) votes = votes.filter(([l]) => l !== "en");
    votes.sort((a, b) => b[1] - a[1] || (a[0] === "ru" ? -1 : b[0] === "ru" ? 1 : 0));
    const [top] = votes;
    if (!CYRILLIC.test(text) && (top === undefined || top[1] === 0 || votes.find(([l]) => l === "en")![1] === top[1])) return "en";
    return top![0];
  }

  match(text: string): MatchResult {
    const tokens = [...new Set(tokenize(text))];
    const language = this.detectLanguage(text, tokens);
    const words = text.split(/\s+/).filter(Boolean).length;
    const hasWord = tokens.some((t) => /\p{L}/u.test(t));
    if (!hasWord || words > this.options.maxWords) return { others: [], language };

    const expanded = tokens.map((t) => this.#expand(t));
    let total = 0;
    for (const e of expanded) total += e.idf;

    // How much of the query each document explains: weighted best similarity of each query word.
    const { hit, covered, isTouched, touched, reached } = this.#scratch;
    let touchedCount = 0;
    for (const e of expanded) {
      for (let k = 0; k < e.docs.length; k++) {
        const d = e.docs[k]!;
        hit[d]! += e.idf * e.sims[k]!;
        if (isTouched[d] === 0) {
          isTouched[d] = 1;
          touched[touchedCount++] = d;
        }
      }
    }
    // How much of each phrase the query covers: each phrase word's best similarity to any query word.
    const { wordBest } = this.#scratch;
    let reachedCount = 0;
    for (const e of expanded) {
      for (let k = 0; k < e.words.length; k++) {
        const v = e.words[k]!;
        if (wordBest[v] === 0) reached[reachedCount++] = v;
        if (e.wordSims[k]! > wordBest[v]!) wordBest[v] = e.wordSims[k]!;
      }
    }
    for (let r = 0; r < reachedCount; r++) {
      const v = reached[r]!;
      const word = this.#vocabulary[v]!;
      const w = word.idf * wordBest[v]!;
      for (const d of word.phrases) covered[d]! += w;
      wordBest[v] = 0;
    }

    const { scores, hints } = this.#scratch;
    for (let k = 0; k < touchedCount; k++) {
      const d = touched[k]!;
      const queryCoverage = total > 0 ? hit[d]! / total : 0;
      const doc = this.#docs[d]!;
      if (doc.kind === "phrase") {
        const phraseCoverage = this.#docWeight[d]! > 0 ? covered[d]! / this.#docWeight[d]! : 0;
        const score = 0.65 * queryCoverage + 0.35 * phraseCoverage;
        if (score > scores[doc.entry]!) scores[doc.entry] = score;
      } else if (queryCoverage > hints[doc.entry]!) {
        hints[doc.entry] = queryCoverage;
      }
      hit[d] = 0;
      covered[d] = 0;
      isTouched[d] = 0;
    }

    // Only entries close to the threshold can be answers or "other matches".
    const floor = this.options.threshold * 0.8;
    const ranked: Match[] = [];
    for (let i = 0; i < scores.length; i++) {
      if (scores[i] === 0 && hints[i] === 0) continue;
      const score = Math.round(Math.min(1, scores[i]! + ANSWER_HINT * hints[i]!) * 1000) / 1000;
      if (score >= floor) ranked.push({ id: this.#ids[i]!, score });
      scores[i] = 0;
      hints[i] = 0;
    }
    ranked.sort((a, b) => b.score - a.score);
    const [top, ...rest] = ranked;
    if (!top || top.score < this.options.threshold) return { others: [], language };
    return { best: top, others: rest.slice(0, 3), language };
  }
}
