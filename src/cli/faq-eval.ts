/**
 * The question matcher's figures, as tables:
 *   npm run faq:eval              held-out set (test/fixtures/heldout-*.tsv), never tuned on
 *   npm run faq:eval -- --cv      five-fold cross-validation on the corpus, where tuning is done
 */
import { createQuestionMatcher, trainingExamples } from "../faq/catalog.js";
import { bySet, crossValidate, evaluate, formatReport, formatSets, judge, loadHeldOut } from "../faq/evaluate.js";
import { QuestionMatcher } from "../faq/understand.js";
import { createI18n } from "../i18n/i18n.js";

const i18n = await createI18n();
const started = performance.now();
const matcher = createQuestionMatcher(i18n);
const trainMs = performance.now() - started;
const heldOut = loadHeldOut();
const judged = judge((t) => matcher.understand(t), heldOut);
process.stdout.write(formatReport(`held-out set (${heldOut.length} messages; training took ${trainMs.toFixed(0)} ms)`, evaluate(judged), 20) + "\n");
process.stdout.write("\nby set (each file written at its own time, before the corpus it is judged against grew):\n" + formatSets(bySet(judged)) + "\n");
if (process.argv.includes("--cv")) {
  const folds = crossValidate(trainingExamples(i18n), (examples) => new QuestionMatcher(examples));
  process.stdout.write("\n" + formatReport("five-fold cross-validation on the corpus", evaluate(folds), 20) + "\n");
}
