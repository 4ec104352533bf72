import { features } from "./features.js";

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
  readonly #number = new Map<number, number>();
  #idf = new Float64Array(0);
  #unknownIdf = 0;
  readonly #scratch = new Map<number, number>();

  /** How many features the training texts had. */
  get size(): number {
    return this.#idf.length;
  }

  /** Learns the features and their weights from `texts`, and returns the texts' vectors. */
  fit(texts: readonly string[]): SparseVector[] {
    const raw: { index: Int32Array; tf: Float64Array }[] = [];
    const df: number[] = [];
    for (const text of texts) {
      const found = features(text, this.#scratch);
      const index = new Int32Array(found.size);
      const tf = new Float64Array(found.size);
      let k = 0;
      for (const [h, count] of found) {
        let n = this.#number.get(h);
        if (n === undefined) {
          n = df.length;
          this.#number.set(h, n);
          df.push(0);
        }
        df[n]!++;
        index[k] = n;
        tf[k++] = count;
      }
      raw.push({ index, tf });
    }
    const docs = texts.length;
    this.#idf = Float64Array.from(df, (d) => Math.log((docs + 1) / (d + 1)) + 1);
    this.#unknownIdf = Math.log(docs + 1) + 1;
    return raw.map(({ index, tf }) => {
      let norm = 0;
      for (let k = 0; k < tf.length; k++) {
        tf[k] = weight(tf[k]!) * this.#idf[index[k]!]!;
        norm += tf[k]! * tf[k]!;
      }
      scale(tf, norm);
      return { index, value: tf };
    });
  }

  transform(text: string): SparseVector {
    const found = features(text, this.#scratch);
    let known = 0;
    for (const h of found.keys()) if (this.#number.has(h)) known++;
    const index = new Int32Array(known);
    const value = new Float64Array(known);
    let norm = 0;
    let k = 0;
    for (const [h, count] of found) {
      const n = this.#number.get(h);
      const w = weight(count) * (n === undefined ? this.#unknownIdf : this.#idf[n]!);
      norm += w * w;
      if (n !== undefined) {
        index[k] = n;
        value[k++] = w;
      }
    }
    scale(value, norm);
    return { index, value };
  }
}

/** Sublinear term frequency: a word said three times is not three times the question. */
function weight(count: number): number {
  return count > 1 ? 1 + Math.log(count) : count;
}

function scale(values: Float64Array, squaredNorm: number): void {
  const factor = squaredNorm > 0 ? 1 / Math.sqrt(squaredNorm) : 0;
  for (let k = 0; k < values.length; k++) values[k]! *= factor;
}
