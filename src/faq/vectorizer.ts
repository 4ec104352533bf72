import { FeatureTable } from "./feature-table.js";
import { FeatureBuffer, features, wordFeatures, wordHash } from "./features.js";

/** A sparse vector: feature numbers and their weights (unit length when no feature repeats). */
export interface SparseVector {
  index: Int32Array;
  value: Float64Array;
}

/** A word's own features (the word and its n-grams): numbers (-1 where unknown) and raw weights. */
export interface WordTerms {
  hash: number;
  numbers: Int32Array;
  weights: Float64Array;
}

/**
 * TF-IDF over the hashed features of `features.ts`, learned from the training
 * texts. Each occurrence of a feature counts on its own, in the weight and in
 * the length: so a message's vector is a sum over its words, and the matcher
 * can keep each word's share of the scores (see `understand.ts`).
 * Cross-validation scored this the same as sublinear counts.
 *
 * A feature the training texts never had has no number, but it still counts
 * towards a message's length: a message made mostly of unknown words is far
 * from every class, which is what lets the model say "none".
 */
export class Vectorizer {
  #number = new FeatureTable();
  #idf: Float64Array = new Float64Array(0);
  /** The weight of a feature no training text had: rarer than any that one had. */
  #unknownIdf = 0;
  readonly #buffer = new FeatureBuffer();

  /** How many features the training texts had. */
  get size(): number {
    return this.#idf.length;
  }

  /** Learns the features and their weights from `texts`, and returns the texts' vectors. Called once, on a new vectorizer. */
  fit(texts: readonly string[]): SparseVector[] {
    if (this.#idf.length > 0) throw new Error("a vectorizer is fitted once");
    const df: number[] = [];
    // Per feature number, the current text's sum and sum of squares of weights (zero between texts).
    let sums = new Float64Array(4096);
    let squares = new Float64Array(4096);
    let touched = new Int32Array(4096);
    const found: { index: Int32Array; sum: Float64Array; square: Float64Array }[] = [];
    for (const text of texts) {
      const buffer = features(text, this.#buffer);
      if (df.length + buffer.count > sums.length) {
        const size = 2 * (df.length + buffer.count);
        sums = grow(sums, size);
        squares = grow(squares, size);
        touched = new Int32Array(size);
      }
      let count = 0;
      for (let k = 0; k < buffer.count; k++) {
        let n = this.#number.get(buffer.hashes[k]!);
        if (n < 0) {
          n = this.#number.add(buffer.hashes[k]!, df.length);
          df.push(0);
        }
        if (squares[n] === 0) touched[count++] = n;
        sums[n]! += buffer.weights[k]!;
        squares[n]! += buffer.weights[k]! ** 2;
      }
      const index = touched.slice(0, count);
      const sum = new Float64Array(count);
      const square = new Float64Array(count);
      for (let k = 0; k < count; k++) {
        const n = index[k]!;
        df[n]!++;
        sum[k] = sums[n]!;
        square[k] = squares[n]!;
        sums[n] = 0;
        squares[n] = 0;
      }
      found.push({ index, sum, square });
    }
    const docs = texts.length;
    this.#idf = Float64Array.from(df, (d) => Math.log((docs + 1) / (d + 1)) + 1);
    this.#unknownIdf = Math.log(docs + 1) + 1;
    return found.map(({ index, sum, square }) => {
      let length = 0;
      for (let k = 0; k < index.length; k++) {
        const idf = this.#idf[index[k]!]!;
        sum[k]! *= idf;
        length += square[k]! * idf * idf;
      }
      const scale = length > 0 ? 1 / Math.sqrt(length) : 0;
      for (let k = 0; k < sum.length; k++) sum[k]! *= scale;
      return { index, value: sum };
    });
  }

  /** The number of a feature hash, or -1 if the training texts never had it. */
  numberOf(hash: number): number {
    return this.#number.get(hash);
  }

  /** The weight of feature number `n` (-1: unknown). */
  idf(n: number): number {
    return n < 0 ? this.#unknownIdf : this.#idf[n]!;
  }

  /** The features of a folded word. */
  wordTerms(word: string): WordTerms {
    const buffer = this.#buffer;
    buffer.count = 0;
    wordFeatures(word, buffer);
    const numbers = new Int32Array(buffer.count);
    for (let k = 0; k < buffer.count; k++) numbers[k] = this.#number.get(buffer.hashes[k]!);
    return { hash: wordHash(word), numbers, weights: buffer.weights.slice(0, buffer.count) };
  }

  /** Its arrays and fields, for a packed model (see `packed.ts`). */
  parts(): { keys: Int32Array; values: Int32Array; idf: Float64Array; unknownIdf: number } {
    return { ...this.#number.parts(), idf: this.#idf, unknownIdf: this.#unknownIdf };
  }

  static fromParts(parts: { keys: Int32Array; values: Int32Array; idf: Float64Array; unknownIdf: number }): Vectorizer {
    const v = new Vectorizer();
    v.#number = FeatureTable.fromParts(parts.keys, parts.values);
    v.#idf = parts.idf;
    v.#unknownIdf = parts.unknownIdf;
    return v;
  }
}

function grow(array: Float64Array<ArrayBuffer>, size: number): Float64Array<ArrayBuffer> {
  const grown = new Float64Array(size);
  grown.set(array);
  return grown;
}
