import { detentionCues } from "../emergency/detect.js";
import type { Language } from "../i18n/languages.js";
import { INTENTS, type Example, type Intent } from "./corpus.js";
import { LinearModel, DEFAULT_TRAINING, type TrainingOptions } from "./linear-model.js";
import { BoundedMap } from "../cache/bounded-map.js";
import { foldCached } from "./fold.js";
import { PAIR_WEIGHT, pairHash, readRawWords } from "./features.js";
import { pack, unpack, type PackedArray } from "./packed.js";
import { Vectorizer } from "./vectorizer.js";

/** Bumped whenever features, weights or the packed layout change: an older file is then ignored. */
const PACK_FORMAT = 1;

/** One word's share of a message's class scores, language scores and squared length. */
interface WordShare {
  hash: number;
  scores: Float64Array;
  languages: Float64Array;
  length: number;
  /** How many of its features the training texts had. */
  known: number;
}

/** What a message asks for: an FAQ answer, or one of the intents that are not FAQ entries. */
export type Purpose = "faq" | Intent;

export interface Understanding {
  purpose: Purpose;
  /** The FAQ entry that answers it: set only when `purpose` is "faq". */
  id: string | null;
  /**
   * How likely the decision is right, 0..1, as the model sees it. For an
   * emergency, the model's probability of one: the rules may raise the alarm
   * on far less (a missed emergency is the worse mistake).
   */
  score: number;
  /** For "faq": sure enough to answer, rather than ask "did you mean". */
  sure: boolean;
  /** Further FAQ entries worth offering, best first (at most three). */
  alternatives: string[];
  language: Language;
}

/** Where the model's confidence turns into decisions. */
export interface Tuning {
  /** Scales raw scores before the softmax: calibrates the probabilities. */
  sharpness: number;
  /** An FAQ answer without asking: the best entry at least this likely… */
  sure: number;
  /** …and at least this far ahead of the next entry. */
  margin: number;
  /** Below this the best entry is not offered at all. */
  maybe: number;
  /** An alternative is offered only this likely or more. */
  alternative: number;
  /** An alarm on the model's word alone, when nothing says the detention is someone else's or imagined. */
  alarm: number;
  /** An alarm when the words speak of being held, and nothing says someone else's or imagined. */
  alarmWhenHeld: number;
  /** An alarm when the words say the writer is held now. Low: a missed emergency is the worse mistake. */
  alarmWithCue: number;
  /** An alarm even when the words say someone else, or the past, or "what if". */
  alarmAgainstCue: number;
}

/** Chosen by five-fold cross-validation on the corpus (`npm run faq:eval -- --cv`), never on the held-out set. */
export const DEFAULT_TUNING: Tuning = {
  sharpness: 12, sure: 0.5, margin: 0.15, maybe: 0.15, alternative: 0.05,
  alarm: 0.2, alarmWhenHeld: 0.05, alarmWithCue: 0.02, alarmAgainstCue: 0.95,
};

const LANGUAGE_OF = { en: "en", ru: "ru", be: "be", "ru-Latn": "ru", "be-Latn": "be" } as const;
const LANGUAGE_CLASSES: Language[] = ["en", "ru", "be"];
const CYRILLIC = /\p{Script=Cyrillic}/u;
const BELARUSIAN_LETTERS = /[іўІЎ]/;
const NON_FAQ: readonly string[] = INTENTS;
/** Words' shares per slab (see `#slab`). */
const SLAB = 256;

/**
 * Understands free text: which FAQ entry answers it, or which intent it is,
 * and in which language it is written. Trained from the corpus when built,
 * in well under a second; then each message costs a few dozen microseconds.
 */
/** The trained parts of a matcher: what `pack` keeps and `restore` reads back. */
interface Trained {
  vectorizer: Vectorizer;
  labels: string[];
  model: LinearModel;
  languages: LinearModel;
}

export class QuestionMatcher {
  readonly #vectorizer: Vectorizer;
  readonly #labels: string[];
  readonly #isEntry: boolean[];
  readonly #model: LinearModel;
  readonly #languages: LinearModel;
  readonly #scores: Float64Array<ArrayBuffer>;
  readonly #languageScores: Float64Array<ArrayBuffer> = new Float64Array(LANGUAGE_CLASSES.length);
  /** Each word's share of the scores and of the length, worked out once: people use the same few thousand words. */
  readonly #words = new BoundedMap<string, WordShare>(10_000);
  /**
   * Where shares' arrays are cut from, SLAB words at a time: one allocation
   * outside the heap per slab rather than two per word, which the C heap
   * kept scattered among short-lived ones after a burst of new words.
   */
  #slab = new Float64Array(0);
  #slabUsed = 0;
  #last?: { text: string; understanding: Understanding };

  /** Trains on `examples`, or takes parts already trained (see `restore`). */
  constructor(examples: readonly Example[] | Trained, readonly tuning: Tuning = DEFAULT_TUNING, training: TrainingOptions = DEFAULT_TRAINING) {
    const trained = Array.isArray(examples) ? QuestionMatcher.#train(examples, training) : (examples as Trained);
    this.#vectorizer = trained.vectorizer;
    this.#labels = trained.labels;
    this.#model = trained.model;
    this.#languages = trained.languages;
    this.#isEntry = this.#labels.map((l) => !NON_FAQ.includes(l));
    this.#scores = new Float64Array(this.#labels.length);
  }

  static #train(examples: readonly Example[], training: TrainingOptions): Trained {
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    const number = new Map(labels.map((l, i) => [l, i]));
    const vectorizer = new Vectorizer();
    const vectors = vectorizer.fit(examples.map((e) => e.text));
    const model = LinearModel.train(vectors, examples.map((e) => number.get(e.label)!), labels.length, vectorizer.size, training);
    const languages = LinearModel.train(vectors, examples.map((e) => LANGUAGE_CLASSES.indexOf(LANGUAGE_OF[e.register])), LANGUAGE_CLASSES.length, vectorizer.size, training);
    return { vectorizer, labels, model, languages };
  }

  /** The trained model as one buffer, tagged with `digest` (what it was trained from). */
  pack(digest: string): Buffer {
    const v = this.#vectorizer.parts();
    const m = this.#model.parts();
    const l = this.#languages.parts();
    return pack({ format: PACK_FORMAT, digest, labels: this.#labels, unknownIdf: v.unknownIdf }, {
      keys: v.keys, values: v.values, idf: v.idf,
      rowStart: m.rowStart, classOf: m.classOf, weight: m.weight,
      languageRowStart: l.rowStart, languageClassOf: l.classOf, languageWeight: l.weight,
    });
  }

  /** A matcher from `pack`'s buffer, or undefined if it was trained from something else than `digest`. */
  static restore(buffer: Buffer, digest: string, tuning: Tuning = DEFAULT_TUNING): QuestionMatcher | undefined {
    const { meta, parts } = unpack(buffer);
    const m = meta as { format: number; digest: string; labels: string[]; unknownIdf: number };
    if (m.format !== PACK_FORMAT || m.digest !== digest) return undefined;
    const get = <T extends PackedArray>(name: string, kind: abstract new (...args: never[]) => T): T => {
      const a = parts[name];
      if (!(a instanceof kind)) throw new Error(`a packed model lacks ${name}`);
      return a;
    };
    return new QuestionMatcher({
      vectorizer: Vectorizer.fromParts({ keys: get("keys", Int32Array), values: get("values", Int32Array), idf: get("idf", Float64Array), unknownIdf: m.unknownIdf }),
      labels: m.labels,
      model: LinearModel.fromParts(m.labels.length, { rowStart: get("rowStart", Int32Array), classOf: get("classOf", Uint16Array), weight: get("weight", Float32Array) }),
      languages: LinearModel.fromParts(LANGUAGE_CLASSES.length, {
        rowStart: get("languageRowStart", Int32Array), classOf: get("languageClassOf", Uint16Array), weight: get("languageWeight", Float32Array),
      }),
    }, tuning);
  }

  understand(text: string): Understanding {
    if (this.#last?.text === text) return this.#last.understanding;
    // Frozen: the same object is handed out again for the same text.
    const understanding = Object.freeze(this.#decide(text));
    Object.freeze(understanding.alternatives);
    this.#last = { text, understanding };
    return understanding;
  }

  /**
   * Scores `text` into `#scores` and `#languageScores`; returns how many known
   * features it has. A message's vector is the sum of its words' and word
   * pairs' features (see `Vectorizer`), so each word's share is kept.
   */
  #score(text: string): number {
    const scores = this.#scores.fill(0);
    const languages = this.#languageScores.fill(0);
    let length = 0;
    let known = 0;
    let previous = -1;
    for (const word of readRawWords(text)) {
      const share = this.#share(word);
      if (share === undefined) continue;
      for (let c = 0; c < scores.length; c++) scores[c]! += share.scores[c]!;
      for (let c = 0; c < languages.length; c++) languages[c]! += share.languages[c]!;
      length += share.length;
      known += share.known;
      if (previous >= 0) {
        const n = this.#vectorizer.numberOf(pairHash(previous, share.hash));
        const w = PAIR_WEIGHT * this.#vectorizer.idf(n);
        length += w * w;
        if (n >= 0) {
          this.#model.addRow(n, w, scores);
          this.#languages.addRow(n, w, languages);
          known++;
        }
      }
      previous = share.hash;
    }
    const scale = length > 0 ? 1 / Math.sqrt(length) : 0;
    for (let c = 0; c < scores.length; c++) scores[c]! *= scale;
    for (let c = 0; c < languages.length; c++) languages[c]! *= scale;
    return known;
  }

  /** The share of a word as typed; undefined for one that folds to nothing (a lone "ъ"). */
  #share(typed: string): WordShare | undefined {
    let share = this.#words.get(typed);
    if (share) return share;
    const word = foldCached(typed);
    if (word === "") return undefined;
    const terms = this.#vectorizer.wordTerms(word);
    share = { hash: terms.hash, scores: this.#zeros(this.#labels.length), languages: this.#zeros(LANGUAGE_CLASSES.length), length: 0, known: 0 };
    for (let k = 0; k < terms.numbers.length; k++) {
      const n = terms.numbers[k]!;
      const w = terms.weights[k]! * this.#vectorizer.idf(n);
      share.length += w * w;
      if (n < 0) continue;
      this.#model.addRow(n, w, share.scores);
      this.#languages.addRow(n, w, share.languages);
      share.known++;
    }
    this.#words.set(typed, share);
    return share;
  }

  /** `n` zeros of the current slab (a new one when it is used up). */
  #zeros(n: number): Float64Array {
    if (this.#slabUsed + n > this.#slab.length) {
      this.#slab = new Float64Array(SLAB * (this.#labels.length + LANGUAGE_CLASSES.length));
      this.#slabUsed = 0;
    }
    return this.#slab.subarray(this.#slabUsed, (this.#slabUsed += n));
  }

  /** Turns `#scores` into probabilities, in place. */
  #probabilities(): Float64Array<ArrayBuffer> {
    const p = this.#scores;
    let max = -Infinity;
    for (const s of p) if (s > max) max = s;
    let sum = 0;
    for (let i = 0; i < p.length; i++) sum += p[i] = Math.exp(this.tuning.sharpness * (p[i]! - max));
    for (let i = 0; i < p.length; i++) p[i]! /= sum;
    return p;
  }

  #decide(text: string): Understanding {
    const known = this.#score(text);
    const language = this.#language(text, known);
    if (known === 0) return { purpose: "none", id: null, score: 1, sure: true, alternatives: [], language };
    const p = this.#probabilities();
    const t = this.tuning;

    // Entries by probability: the best few are all that is ever offered.
    const entries: number[] = [];
    for (let i = 0; i < p.length; i++) if (this.#isEntry[i] && p[i]! >= t.alternative) entries.push(i);
    entries.sort((a, b) => p[b]! - p[a]!);
    const ids = entries.slice(0, 4).map((i) => this.#labels[i]!);
    const offered = ids.slice(0, 3);

    const emergency = this.#labels.indexOf("emergency");
    const alarm = emergency < 0 ? 0 : p[emergency]!;
    // The rules are read only where they can change the outcome.
    const cues = alarm >= Math.min(t.alarmWithCue, t.alarmWhenHeld, t.alarm, t.alarmAgainstCue) ? detentionCues(text) : undefined;
    if (cues && !cues.denied && (alarm >= t.alarmAgainstCue || (alarm >= t.alarm && !cues.notLive) || (cues.held && !cues.notLive && alarm >= t.alarmWhenHeld) || (cues.live && alarm >= t.alarmWithCue))) {
      return { purpose: "emergency", id: null, score: alarm, sure: true, alternatives: offered, language };
    }

    let top = -1;
    for (let i = 0; i < p.length; i++) if (i !== emergency && (top < 0 || p[i]! > p[top]!)) top = i;
    if (!this.#isEntry[top]) {
      return { purpose: this.#labels[top] as Intent, id: null, score: p[top]!, sure: true, alternatives: offered, language };
    }
    const best = p[top]!;
    if (best < t.maybe) return { purpose: "none", id: null, score: 1 - best, sure: false, alternatives: offered, language };
    const next = entries.length > 1 ? p[entries[1]!]! : 0;
    return {
      purpose: "faq",
      id: this.#labels[top]!,
      score: best,
      sure: best >= t.sure && best - next >= t.margin,
      alternatives: ids.filter((id) => id !== this.#labels[top]).slice(0, 3),
      language,
    };
  }

  #language(text: string, known: number): Language {
    if (BELARUSIAN_LETTERS.test(text)) return "be";
    const s = this.#languageScores;
    // Cyrillic is never English; Latin may be any of the three.
    if (CYRILLIC.test(text)) return s[2]! > s[1]! ? "be" : "ru";
    if (known === 0) return "en";
    return LANGUAGE_CLASSES[s.indexOf(Math.max(...s))]!;
  }
}
