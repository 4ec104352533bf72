/**
 * Prints the FAQ match for a text as one line of JSON, for scripts:
 *   npm run --silent faq -- "kak udalit red notice"
 */
import { createFaqMatcher } from "../faq/catalog.js";
import { createI18n } from "../i18n/i18n.js";

const text = process.argv.slice(2).join(" ").trim();
if (!text) {
  process.stderr.write('usage: npm run --silent faq -- "<question>"\n');
  process.exit(2);
}
const matcher = createFaqMatcher(await createI18n());
const { best, language } = matcher.match(text);
process.stdout.write(JSON.stringify(best ? { id: best.id, score: best.score, language } : { id: null }) + "\n");
