import { createI18n } from "../src/i18n/i18n.js";
import { createFaqMatcher } from "../src/faq/catalog.js";
import { LABELLED } from "../test/faq-questions.js";
const m = createFaqMatcher(await createI18n());
const qs = LABELLED.map(([q]) => q);
let t = performance.now();
for (let i = 0; i < 2000; i++) m.match(qs[i % qs.length]!);
console.log("per match µs", ((performance.now() - t) / 2000 * 1000).toFixed(0));
