import { tokenize } from "./fold.js";

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
const PAIR_WEIGHT = 0.7;

const MIN_GRAM = 3;
const MAX_GRAM = 5;
/** The word-edge mark inside n-grams. */
const EDGE = 0x20;

/** Words read from a longer message: its start and its end, where a story puts its question. Bounds the cost too. */
const HEAD = 40;
const TAIL = 40;

const PRIME = 0x01000193;
/** Hashes are kept to 30 bits: small integers are much faster Map keys in V8. */
const SMALL = 0x3fffffff;

function wordHash(seed: number, word: string): number {
  let h = seed;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), PRIME);
  return h & SMALL;
}

/** Character `i` of the word with an edge mark on each side. */
function padded(word: string, i: number): number {
  return i === 0 || i === word.length + 1 ? EDGE : word.charCodeAt(i - 1);
}

/** Feature hashes of a text and their raw weights (counts scaled by kind), into `out`. */
export function features(text: string, out: Map<number, number>): Map<number, number> {
  out.clear();
  const tokens = tokenize(text);
  const long = tokens.length > HEAD + TAIL;
  const add = (h: number, w: number) => out.set(h, (out.get(h) ?? 0) + w);
  let previous = 0;
  for (let t = 0; t < tokens.length; t = long && t + 1 === HEAD ? tokens.length - TAIL : t + 1) {
    const word = tokens[t]!;
    const h = wordHash(WORD, word);
    add(h, 1);
    if (t > 0) add((Math.imul(Math.imul(previous, 31) ^ h, PRIME) ^ PAIR) & SMALL, PAIR_WEIGHT);
    previous = h;
    const length = word.length + 2;
    for (let n = MIN_GRAM; n <= MAX_GRAM && n <= length; n++) {
      for (let i = 0; i + n <= length; i++) {
        let g = GRAM + n;
        for (let j = i; j < i + n; j++) g = Math.imul(g ^ padded(word, j), PRIME);
        add(g & SMALL, GRAM_WEIGHT);
      }
    }
  }
  return out;
}
