import { trainingDigest, trainingExamples } from "../../src/faq/catalog.js";
import { loadHeldOut } from "../../src/faq/evaluate.js";
import { QuestionMatcher } from "../../src/faq/understand.js";
import { createI18n } from "../../src/i18n/i18n.js";
import { percentile } from "./stack.js";

export interface MatcherBench {
  /** Loading the model `npm run build` packs, as a production start does. */
  loadMs: number;
  /** The first training in this process, as at start-up: code not yet optimised, caches empty. */
  coldTrainMs: number;
  /** The median of four more. */
  trainMs: number;
  p50: number;
  p99: number;
  questions: number;
}

/** The matcher alone: training from the corpus (run it first in a process), then every held-out message, each timed (cache of the last text defeated). */
export async function benchMatcher(rounds = 20): Promise<MatcherBench> {
  const examples = trainingExamples(await createI18n());
  const trainings: number[] = [];
  let matcher!: QuestionMatcher;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    matcher = new QuestionMatcher(examples);
    trainings.push(performance.now() - started);
  }
  const digest = trainingDigest(examples);
  const packed = matcher.pack(digest);
  const loads: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    QuestionMatcher.restore(packed, digest);
    loads.push(performance.now() - started);
  }
  const texts = loadHeldOut().map((m) => m.text);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const text of texts) {
      const started = performance.now();
      matcher.understand(`${text}${r % 2 === 0 ? "" : " "}`);
      times.push(performance.now() - started);
    }
  }
  return { loadMs: percentile(loads, 50), coldTrainMs: trainings[0]!, trainMs: percentile(trainings.slice(1), 50), p50: percentile(times, 50), p99: percentile(times, 99), questions: times.length };
}
