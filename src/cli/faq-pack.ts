/**
 * Trains the question matcher and packs it beside the bundle (dist/matcher.bin),
 * so that a production start loads it instead of training: part of `npm run build`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { PACKED_MODEL, trainingDigest, trainingExamples } from "../faq/catalog.js";
import { QuestionMatcher } from "../faq/understand.js";
import { createI18n } from "../i18n/i18n.js";

const examples = trainingExamples(await createI18n());
const packed = new QuestionMatcher(examples).pack(trainingDigest(examples));
mkdirSync(dirname(PACKED_MODEL), { recursive: true });
writeFileSync(PACKED_MODEL, packed);
