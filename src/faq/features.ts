import { BoundedMap } from "../cache/bounded-map.js";
import { foldCached, words } from "./fold.js";

/**
 * Turns a message into hashed features: its folded words, pairs of adjacent
 * words, and the character 3- to 5-grams inside each word, edges marked.
 * Folding (see `fold.ts`) makes Russian, Belarusian and Latin spellings of a
 * word meet; the n-grams then catch endings, typos and run-together words,
 * which a stemmer would do for one language only. Five-fold cross-validation
 * on the corpus scored these weights at least as well as the alternatives
 * tried (2–4-grams, no pairs, a stem feature, other n-gram weights).
 */

/** Feature kinds, mixed into the hash so that a word and an n-gram never collide by design. */
const WORD = 0x9e3779b1;
const PAIR = 0x85ebca77;
const GRAM = 0xc2b2ae3d;

/** How much an n-gram and a pair of words count, a word counting 1. */
const GRAM_WEIGHT = 0.5;
export const PAIR_WEIGHT = 0.7;

const MIN_GRAM = 3;
const MAX_GRAM = 5;
/** The word-edge mark inside n-grams. */
const EDGE = 0x20;

/** Words read from a longer message: its start and its end, where a story puts its question. Bounds the cost too. */
const HEAD = 40;
const TAIL = 40;

const PRIME = 0x01000193;
/** Hashes are kept to 30 bits: non-negative, they fit an Int32Array and leave -1 free for "none". */
const SMALL = 0x3fffffff;

/** The feature hash of a whole word. */
export function wordHash(word: string): number {
  let h = WORD;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), PRIME);
  return h & SMALL;
}

/** The feature hash of two adjacent words, from their word hashes (order matters). */
export function pairHash(previous: number, word: number): number {
  return (Math.imul(Math.imul(previous, 31) ^ word, PRIME) ^ PAIR) & SMALL;
}

/** Character `i` of the word with an edge mark on each side. */
function padded(word: string, i: number): number {
  return i === 0 || i === word.length + 1 ? EDGE : word.charCodeAt(i - 1);
}

/** The words a message is read by: all of them, or the start and end of a long one. */
function headAndTail<T>(items: readonly T[]): readonly T[] {
  return items.length > HEAD + TAIL ? [...items.slice(0, HEAD), ...items.slice(-TAIL)] : items;
}

/** The words a message is read by, as typed (lower-cased, not yet folded). */
export function readRawWords(text: string): readonly string[] {
  return headAndTail(words(text));
}

/** Each word's own feature hashes, the word's first: training reads the same words thousands of times. */
const ownHashes = new BoundedMap<string, Int32Array>(50_000);

function hashesOf(word: string): Int32Array {
  let hashes = ownHashes.get(word);
  if (hashes) return hashes;
  const found = [wordHash(word)];
  const length = word.length + 2;
  for (let n = MIN_GRAM; n <= MAX_GRAM && n <= length; n++) {
    for (let i = 0; i + n <= length; i++) {
      let g = GRAM + n;
      for (let j = i; j < i + n; j++) g = Math.imul(g ^ padded(word, j), PRIME);
      found.push(g & SMALL);
    }
  }
  hashes = Int32Array.from(found);
  ownHashes.set(word, hashes);
  return hashes;
}

/** Appends a word's own features, the folded word and its n-grams, to `out`. */
export function wordFeatures(word: string, out: FeatureBuffer): void {
  const hashes = hashesOf(word);
  out.add(hashes[0]!, 1);
  for (let k = 1; k < hashes.length; k++) out.add(hashes[k]!, GRAM_WEIGHT);
}

/** Where `features` writes: hashes and weights side by side, grown as needed and reused between messages. */
export class FeatureBuffer {
  hashes = new Int32Array(512);
  weights = new Float64Array(512);
  count = 0;

  add(hash: number, weight: number): void {
    if (this.count === this.hashes.length) {
      const hashes = new Int32Array(this.count * 2);
      const weights = new Float64Array(this.count * 2);
      hashes.set(this.hashes);
      weights.set(this.weights);
      this.hashes = hashes;
      this.weights = weights;
    }
    this.hashes[this.count] = hash;
    this.weights[this.count++] = weight;
  }
}

/**
 * Writes the feature hashes of a text and their weights (by kind) into `out`,
 * one entry per occurrence: the vectorizer adds up repeats.
 */
export function features(text: string, out: FeatureBuffer): FeatureBuffer {
  out.count = 0;
  let previous = 0;
  for (const typed of readRawWords(text)) {
    const word = foldCached(typed);
    if (word === "") continue;
    const own = hashesOf(word);
    if (out.count > 0) out.add(pairHash(previous, own[0]!), PAIR_WEIGHT);
    previous = own[0]!;
    wordFeatures(word, out);
  }
  return out;
}
