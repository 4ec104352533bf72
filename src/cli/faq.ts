/**
 * The FAQ matcher's decision as JSON lines, for scripts:
 *   npm run --silent faq -- "kak udalit red notice"
 *   npm run --silent faq -- --batch < messages.txt     (one message a line, one JSON line each, in order)
 * Each line: {"id","score","language","intent","alternatives"}; `id` is null when the FAQ should not answer,
 * `intent` one of faq, greeting, thanks, goodbye, distress, emergency, none.
 */
import { createInterface } from "node:readline";
import { createQuestionMatcher } from "../faq/catalog.js";
import type { Understanding } from "../faq/understand.js";
import { createI18n } from "../i18n/i18n.js";

const args = process.argv.slice(2);
const batch = args[0] === "--batch";
const text = args.join(" ").trim();
if (!batch && !text) {
  process.stderr.write('usage: npm run --silent faq -- "<question>"   or   npm run --silent faq -- --batch < file\n');
  process.exit(2);
}
const matcher = createQuestionMatcher(await createI18n());

function line(u: Understanding): string {
  const score = Math.round(u.score * 1000) / 1000;
  return JSON.stringify({ id: u.id, score, language: u.language, intent: u.purpose, alternatives: u.alternatives }) + "\n";
}

if (batch) {
  const out: string[] = [];
  for await (const message of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    out.push(line(matcher.understand(message)));
    if (out.length >= 256) process.stdout.write(out.splice(0).join(""));
  }
  process.stdout.write(out.join(""));
} else {
  process.stdout.write(line(matcher.understand(text)));
}
