import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../paths.js";
import { INTENTS, isRegister, REGISTERS, type Example, type Register } from "./corpus.js";
import type { QuestionMatcher, Understanding } from "./understand.js";

/**
 * Measures the question matcher the same way for `npm run faq:eval` and for
 * the test that holds it to its floors: on the held-out set, which nothing is
 * ever tuned on, or by cross-validation on the corpus.
 */

export interface LabelledMessage {
  /** An FAQ entry id or an intent. */
  expected: string;
  register: Register;
  /** "trap": detention words about someone else, the past or "what if"; must raise no alarm. */
  trap: boolean;
  text: string;
  /** The file it came from, without `heldout-` and `.tsv`: sets written at different times are reported apart too. */
  set?: string;
}

export const HELD_OUT_DIR = join(ROOT, "test", "fixtures");

/** Reads every `heldout-*.tsv`: a header, then `expected<TAB>register<TAB>kind<TAB>text` lines. */
export function loadHeldOut(dir = HELD_OUT_DIR): LabelledMessage[] {
  const messages: LabelledMessage[] = [];
  for (const file of readdirSync(dir).filter((f) => /^heldout-.*\.tsv$/.test(f)).sort()) {
    const lines = readFileSync(join(dir, file), "utf8").split("\n");
    lines.slice(1).forEach((line, i) => {
      if (line.trim() === "") return;
      const [expected, register, kind, text] = line.split("\t");
      if (!expected || !register || !isRegister(register) || (kind !== "-" && kind !== "trap") || !text) {
        throw new Error(`${file}:${i + 2}: expected "label<TAB>register<TAB>-|trap<TAB>text"`);
      }
      messages.push({ expected, register, trap: kind === "trap", text, set: file.replace(/^heldout-|\.tsv$/g, "") });
    });
  }
  return messages;
}

export interface Ratio {
  right: number;
  total: number;
}

export interface Report {
  messages: number;
  /** FAQ-labelled messages answered with the expected entry. */
  top1: Ratio;
  top1ByRegister: Record<Register, Ratio>;
  /** The expected entry among the answer and its first two alternatives. */
  top3: Ratio;
  /** `none` messages the FAQ did not answer (and that raised no alarm). */
  noneRejected: Ratio;
  /** Greeting, thanks, goodbye and distress recognised as such. */
  smallTalk: Ratio;
  emergencyRecall: Ratio;
  /** Trap messages (someone else, the past, "what if") that raised an alarm. */
  falseAlarms: Ratio;
  /** Any message not labelled `emergency` that raised an alarm. */
  allFalseAlarms: Ratio;
  /** Expected → got, most frequent first. */
  confusions: [string, number][];
  /** Messages the matcher got wrong, for reading. */
  wrong: { message: LabelledMessage; got: string }[];
}

const SMALL_TALK = new Set(["greeting", "thanks", "goodbye", "distress"]);
const INTENT_SET = new Set<string>(INTENTS);

const ratio = (): Ratio => ({ right: 0, total: 0 });
const count = (r: Ratio, ok: boolean) => {
  r.total++;
  if (ok) r.right++;
};

/** What the matcher's decision is called in a report: the entry, or the intent. */
export function outcome(u: Understanding): string {
  return u.purpose === "faq" ? u.id! : u.purpose;
}

export interface Judgement {
  message: LabelledMessage;
  u: Understanding;
}

/** Judges each message with `understand`. */
export function judge(understand: (text: string) => Understanding, messages: readonly LabelledMessage[]): Judgement[] {
  return messages.map((message) => ({ message, u: understand(message.text) }));
}

export function evaluate(judgements: readonly Judgement[]): Report {
  const report: Report = {
    messages: judgements.length, top1: ratio(), top3: ratio(), noneRejected: ratio(), smallTalk: ratio(),
    emergencyRecall: ratio(), falseAlarms: ratio(), allFalseAlarms: ratio(), confusions: [], wrong: [],
    top1ByRegister: Object.fromEntries(REGISTERS.map((r) => [r, ratio()])) as Record<Register, Ratio>,
  };
  const confusions = new Map<string, number>();
  for (const { message, u } of judgements) {
    const got = outcome(u);
    const { expected } = message;
    if (!INTENT_SET.has(expected)) {
      count(report.top1, got === expected);
      count(report.top1ByRegister[message.register], got === expected);
      count(report.top3, [...(u.id ? [u.id] : []), ...u.alternatives].slice(0, 3).includes(expected));
    } else if (expected === "none") {
      count(report.noneRejected, u.purpose !== "faq" && u.purpose !== "emergency");
    } else if (SMALL_TALK.has(expected)) {
      count(report.smallTalk, got === expected);
    } else {
      count(report.emergencyRecall, got === "emergency");
    }
    if (message.trap) count(report.falseAlarms, got === "emergency");
    if (expected !== "emergency") count(report.allFalseAlarms, got === "emergency");
    if (got !== expected) {
      const pair = `${expected} → ${got}`;
      confusions.set(pair, (confusions.get(pair) ?? 0) + 1);
      report.wrong.push({ message, got });
    }
  }
  report.confusions = [...confusions].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return report;
}

/**
 * Five-fold cross-validation on the corpus: each fifth is judged by a
 * matcher trained on the other four. `build` makes a matcher from examples.
 */
export function crossValidate(examples: readonly Example[], build: (training: Example[]) => QuestionMatcher, folds = 5): Judgement[] {
  // A fixed, label-blind spread of the examples over folds.
  const fold = (i: number) => (i * 7919) % folds;
  const judged: Judgement[] = [];
  for (let f = 0; f < folds; f++) {
    const matcher = build(examples.filter((_, i) => fold(i) !== f));
    examples.forEach((e, i) => {
      if (fold(i) !== f) return;
      judged.push({ message: { expected: e.label, register: e.register, trap: false, text: e.text }, u: matcher.understand(e.text) });
    });
  }
  return judged;
}

/** The judgements of each held-out file, by its name. */
export function bySet(judgements: readonly Judgement[]): Map<string, Judgement[]> {
  const sets = new Map<string, Judgement[]>();
  for (const j of judgements) {
    const name = j.message.set ?? "-";
    sets.set(name, [...(sets.get(name) ?? []), j]);
  }
  return sets;
}

/** One line per set: the figures the issue sets floors for. */
export function formatSets(sets: Map<string, Judgement[]>): string {
  const width = Math.max(...[...sets.keys()].map((k) => k.length), 3);
  const head = `${"set".padEnd(width)}  msgs  top-1   top-3   none    recall  traps alarmed`;
  const lines = [...sets].map(([name, judged]) => {
    const r = evaluate(judged);
    return `${name.padEnd(width)}  ${String(r.messages).padStart(4)}  ${[r.top1, r.top3, r.noneRejected, r.emergencyRecall, r.falseAlarms].map((x) => percent(x).padEnd(7)).join(" ")}`;
  });
  return [head, ...lines].join("\n");
}

const percent = (r: Ratio) => (r.total === 0 ? "—" : `${((100 * r.right) / r.total).toFixed(1)} %`);
const cell = (r: Ratio) => `${percent(r)} (${r.right}/${r.total})`;

/** The report as a plain-text table. */
export function formatReport(title: string, r: Report, confusions = 15): string {
  const rows: [string, string][] = [
    ["messages", String(r.messages)],
    ["FAQ top-1", cell(r.top1)],
    ...REGISTERS.filter((reg) => r.top1ByRegister[reg].total > 0).map((reg): [string, string] => [`  top-1 ${reg}`, cell(r.top1ByRegister[reg])]),
    ["FAQ top-3", cell(r.top3)],
    ["none rejected", cell(r.noneRejected)],
    ["small talk right", cell(r.smallTalk)],
    ["emergency recall", cell(r.emergencyRecall)],
    ["false alarms (traps)", cell(r.falseAlarms)],
    ["false alarms (all others)", cell(r.allFalseAlarms)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [title, ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`)];
  if (r.confusions.length > 0) {
    lines.push("", "most frequent confusions (expected → got):");
    for (const [pair, n] of r.confusions.slice(0, confusions)) lines.push(`  ${String(n).padStart(3)}  ${pair}`);
  }
  return lines.join("\n");
}
