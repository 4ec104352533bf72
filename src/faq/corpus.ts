import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../paths.js";

/**
 * The training corpus: phrasings people use, one file per label.
 *   src/faq/corpus/faq/<entry id>.tsv      questions a FAQ entry answers
 *   src/faq/corpus/intent/<intent>.tsv     greeting, thanks, goodbye, distress, emergency, none
 * Each line is `register<TAB>text`; `#` starts a comment line.
 */

/** How a message is written: the language, and whether in Latin letters. */
export const REGISTERS = ["en", "ru", "be", "ru-Latn", "be-Latn"] as const;
export type Register = (typeof REGISTERS)[number];

export const INTENTS = ["greeting", "thanks", "goodbye", "distress", "emergency", "none"] as const;
export type Intent = (typeof INTENTS)[number];

export interface Example {
  /** A FAQ entry id or an intent. */
  label: string;
  register: Register;
  text: string;
}

export const CORPUS_DIR = join(ROOT, "src", "faq", "corpus");

export function isRegister(value: string): value is Register {
  return (REGISTERS as readonly string[]).includes(value);
}

/** Parses `register<TAB>text` lines; `where` names the file in errors. */
export function parseExamples(label: string, content: string, where: string): Example[] {
  const examples: Example[] = [];
  content.split("\n").forEach((line, i) => {
    if (line.trim() === "" || line.startsWith("#")) return;
    const [register, text, ...rest] = line.split("\t");
    if (register === undefined || !isRegister(register) || !text?.trim() || rest.length > 0) {
      throw new Error(`${where}:${i + 1}: expected "register<TAB>text" with a register of ${REGISTERS.join(", ")}`);
    }
    examples.push({ label, register, text: text.trim() });
  });
  return examples;
}

/** Reads every corpus file; a missing entry file is not an error here (the catalog test checks coverage). */
export function loadCorpus(dir = CORPUS_DIR): Example[] {
  const examples: Example[] = [];
  for (const kind of ["faq", "intent"]) {
    const folder = join(dir, kind);
    for (const file of readdirSync(folder).filter((f) => f.endsWith(".tsv")).sort()) {
      const label = file.slice(0, -".tsv".length);
      examples.push(...parseExamples(label, readFileSync(join(folder, file), "utf8"), `${kind}/${file}`));
    }
  }
  return examples;
}
