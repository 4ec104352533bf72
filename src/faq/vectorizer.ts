import { FeatureTable } from "./feature-table.js";
import { BoundedMap } from "../cache/bounded-map.js";
import { FeatureBuffer, features, PAIR_WEIGHT, pairHash, readWords, wordFeatures, wordHash } from "./features.js";

/** A sparse, unit-length vector: feature numbers and their weights. */
export interface SparseVector {
  index: Int32Array;
  value: Float64Array;
}

/**
 * TF-IDF over the hashed features of `features.ts`, learned from the training
 * texts. A feature the training texts never had has no number, but it still
 * counts towards a message's length: a message made mostly of unknown words
 * is far from every class, which is what lets the model say "none".
 */
export class Vectorizer {
  readonly #number = new FeatureTable();
  #idf = new Float64Array(0);
  #unknownIdf = 0;
  readonly #buffer = new FeatureBuffer();
  /** Per feature number, the weight summed so far for the current text (zero between texts). */
  #sums = new Float64Array(0);
  #touched = new Int32Array(0);
  readonly #unknown = new Map<number, number>();
  /** Each word's own features, looked up once: people use the same few thousand words. */
  readonly #words = new BoundedMap<string, WordFeatures>(20_000);

  /** How many features the training texts had. */
  get size(): number {
    return this.#idf.length;
  }

  /** Learns the features and their weights from `texts`, and returns the texts' vectors. */
  fit(texts: readonly string[]): SparseVector[] {
    const df: number[] = [];
    const raw: SparseVector[] = [];
    for (const text of texts) {
      const found = features(text, this.#buffer);
      this.#grow(df.length + found.count);
      const { index, value } = this.#sum(found, df);
      for (let k = 0; k < index.length; k++) df[index[k]!]!++;
      raw.push({ index, value });
    }
    const docs = texts.length;
    this.#idf = Float64Array.from(df, (d) => Math.log((docs + 1) / (d + 1)) + 1);
    this.#unknownIdf = Math.log(docs + 1) + 1;
    for (const v of raw) {
      let norm = 0;
      for (let k = 0; k < v.value.length; k++) {
        v.value[k] = weight(v.value[k]!) * this.#idf[v.index[k]!]!;
        norm += v.value[k]! * v.value[k]!;
      }
      scale(v.value, norm);
    }
    return raw;
  }

  transform(text: string): SparseVector {
    const sums = this.#sums;
    let touched = 0;
    const add = (n: number, w: number) => {
      if (sums[n] === 0) this.#touched[touched++] = n;
      sums[n]! += w;
    };
    let previous = 0;
    let first = true;
    for (const word of readWords(text)) {
      const own = this.#wordFeatures(word);
      if (!first) {
        const pair = pairHash(previous, own.hash);
        const n = this.#number.get(pair);
        if (n >= 0) add(n, PAIR_WEIGHT);
        else this.#unknown.set(pair, (this.#unknown.get(pair) ?? 0) + PAIR_WEIGHT);
      }
      first = false;
      previous = own.hash;
      for (let k = 0; k < own.known.length; k++) add(own.known[k]!, own.knownWeights[k]!);
      for (let k = 0; k < own.unknown.length; k++) this.#unknown.set(own.unknown[k]!, (this.#unknown.get(own.unknown[k]!) ?? 0) + own.unknownWeights[k]!);
    }
    const index = this.#touched.slice(0, touched);
    const value = new Float64Array(touched);
    let norm = 0;
    for (let k = 0; k < touched; k++) {
      const n = index[k]!;
      value[k] = weight(sums[n]!) * this.#idf[n]!;
      norm += value[k]! * value[k]!;
      sums[n] = 0;
    }
    for (const count of this.#unknown.values()) norm += (weight(count) * this.#unknownIdf) ** 2;
    this.#unknown.clear();
    scale(value, norm);
    return { index, value };
  }

  #wordFeatures(word: string): WordFeatures {
    let own = this.#words.get(word);
    if (own) return own;
    const found = this.#buffer;
    found.count = 0;
    wordFeatures(word, found);
    const known: number[] = [];
    const knownWeights: number[] = [];
    const unknown: number[] = [];
    const unknownWeights: number[] = [];
    for (let k = 0; k < found.count; k++) {
      const n = this.#number.get(found.hashes[k]!);
      if (n >= 0) {
        known.push(n);
        knownWeights.push(found.weights[k]!);
      } else {
        unknown.push(found.hashes[k]!);
        unknownWeights.push(found.weights[k]!);
      }
    }
    own = {
      hash: wordHash(word),
      known: Int32Array.from(known), knownWeights: Float64Array.from(knownWeights),
      unknown: Int32Array.from(unknown), unknownWeights: Float64Array.from(unknownWeights),
    };
    this.#words.set(word, own);
    return own;
  }

  /**
   * Adds up repeated features: known ones by number, the others by hash in
   * `#unknown`; while fitting (`df` given), a new feature gets the next number.
   */
  #sum(found: FeatureBuffer, df?: number[]): SparseVector {
    const sums = this.#sums;
    let touched = 0;
    for (let k = 0; k < found.count; k++) {
      let n = this.#number.get(found.hashes[k]!);
      if (n < 0 && df) {
        n = this.#number.add(found.hashes[k]!, df.length);
        df.push(0);
      }
      if (n < 0) {
        this.#unknown.set(found.hashes[k]!, (this.#unknown.get(found.hashes[k]!) ?? 0) + found.weights[k]!);
        continue;
      }
      if (sums[n] === 0) this.#touched[touched++] = n;
      sums[n]! += found.weights[k]!;
    }
    const index = this.#touched.slice(0, touched);
    const value = new Float64Array(touched);
    for (let k = 0; k < touched; k++) {
      value[k] = sums[index[k]!]!;
      sums[index[k]!] = 0;
    }
    return { index, value };
  }

  #grow(size: number): void {
    if (this.#sums.length >= size) return;
    const capacity = Math.max(size, this.#sums.length * 2, 1024);
    this.#sums = new Float64Array(capacity);
    this.#touched = new Int32Array(capacity);
  }
}

/** A word's own features (the word and its n-grams), split into those the training texts had and the rest. */
interface WordFeatures {
  hash: number;
  known: Int32Array;
  knownWeights: Float64Array;
  unknown: Int32Array;
  unknownWeights: Float64Array;
}

/** Sublinear term frequency: a word said three times is not three times the question. */
function weight(count: number): number {
  return count > 1 ? 1 + Math.log(count) : count;
}

function scale(values: Float64Array, squaredNorm: number): void {
  const factor = squaredNorm > 0 ? 1 / Math.sqrt(squaredNorm) : 0;
  for (let k = 0; k < values.length; k++) values[k]! *= factor;
}
