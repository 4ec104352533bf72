import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { createQuestionMatcher, FAQ_ENTRIES, trainingDigest, trainingExamples } from "../src/faq/catalog.js";
import { INTENTS, loadCorpus, REGISTERS } from "../src/faq/corpus.js";
import { evaluate, formatReport, judge, loadHeldOut, type Report } from "../src/faq/evaluate.js";
import { QuestionMatcher } from "../src/faq/understand.js";
import { createI18n } from "../src/i18n/i18n.js";

const i18n = await createI18n();
const corpus = loadCorpus();
const heldOut = loadHeldOut();
let report: Report;
let matcher: QuestionMatcher;

beforeAll(() => {
  matcher = createQuestionMatcher(i18n);
  report = evaluate(judge((text) => matcher.understand(text), heldOut));
  console.log(formatReport("held-out set", report));
});

const share = (r: { right: number; total: number }) => r.right / r.total;

describe("the corpus and the held-out set", () => {
  it("has at least 40 phrasings for every FAQ entry, spread over the registers", () => {
    for (const entry of FAQ_ENTRIES) {
      const lines = corpus.filter((e) => e.label === entry.id);
      expect(lines.length, entry.id).toBeGreaterThanOrEqual(40);
      for (const register of ["en", "ru", "be", "ru-Latn"] as const) expect(lines.some((e) => e.register === register), `${entry.id} ${register}`).toBe(true);
    }
  });

  it("has every intent, with at least 300 messages the FAQ must not answer", () => {
    for (const intent of INTENTS) expect(corpus.some((e) => e.label === intent), intent).toBe(true);
    expect(corpus.filter((e) => e.label === "none").length).toBeGreaterThanOrEqual(300);
  });

  it("labels only known entries and intents", () => {
    const known = new Set([...FAQ_ENTRIES.map((e) => e.id), ...INTENTS]);
    for (const e of corpus) expect(known.has(e.label), e.label).toBe(true);
    for (const m of heldOut) expect(known.has(m.expected), m.expected).toBe(true);
    expect(new Set(heldOut.map((m) => m.register))).toEqual(new Set(REGISTERS));
  });

  it("holds at least 250 held-out messages", () => {
    expect(heldOut.length).toBeGreaterThanOrEqual(250);
  });
});

/**
 * Issue 11's floors, as the issue sets them: top-1 90 % overall and 85 % per register, top-3
 * 97 %, none-rejection 90 %, emergency recall 98 % with at most 5 % false alarms on traps.
 * `npm run faq:eval` prints the same figures, and each held-out file's apart.
 */
describe("the question matcher on the held-out set", () => {
  it("picks the right entry first for at least 90 % overall and 85 % in each register", () => {
    const text = formatReport("held-out set", report);
    expect(share(report.top1), text).toBeGreaterThanOrEqual(0.9);
    for (const register of ["en", "ru", "be", "ru-Latn"] as const) expect(share(report.top1ByRegister[register]), `${register}\n${text}`).toBeGreaterThanOrEqual(0.85);
  });

  it("has the right entry among its first three for at least 97 %", () => {
    expect(share(report.top3)).toBeGreaterThanOrEqual(0.97);
  });

  it("declines at least 90 % of the messages the FAQ must not answer", () => {
    expect(report.noneRejected.total).toBeGreaterThanOrEqual(50);
    expect(share(report.noneRejected)).toBeGreaterThanOrEqual(0.9);
  });

  it("raises the alarm for at least 98 % of live detentions, and for at most 5 % of talk about others, the past or 'what if'", () => {
    expect(report.emergencyRecall.total).toBeGreaterThanOrEqual(50);
    expect(share(report.emergencyRecall)).toBeGreaterThanOrEqual(0.98);
    expect(report.falseAlarms.total).toBeGreaterThanOrEqual(50);
    expect(share(report.falseAlarms)).toBeLessThanOrEqual(0.05);
  });
});

describe("the question matcher", () => {
  it("packs into one buffer and restores to the very same answers, and only for the examples it was trained from", () => {
    const digest = trainingDigest(trainingExamples(i18n));
    const packed = matcher.pack(digest);
    const restored = QuestionMatcher.restore(packed, digest)!;
    expect(restored).toBeDefined();
    for (const { text } of heldOut) expect(restored.understand(text)).toEqual(matcher.understand(text));
    expect(QuestionMatcher.restore(packed, "another corpus")).toBeUndefined();
  });

  it("trains to the same model every time", () => {
    const again = new QuestionMatcher(trainingExamples(i18n));
    for (const { text } of heldOut.slice(0, 60)) expect(again.understand(text)).toEqual(matcher.understand(text));
  });

  it("tells the language, whatever the alphabet", () => {
    expect(matcher.understand("kak udalit red notice").language).toBe("ru");
    expect(matcher.understand("як даведацца ці я ў вышуку").language).toBe("be");
    expect(matcher.understand("how do I know if I am listed").language).toBe("en");
    expect(matcher.understand("что такое красный циркуляр").language).toBe("ru");
  });

  it("answers nothing for text with no words, and nothing confident for a letter repeated", () => {
    for (const text of ["", "???", "👍👍", "a".repeat(5000), "ok"]) {
      const u = matcher.understand(text);
      expect(u.id, text).toBeNull();
      expect(u.purpose, text).not.toBe("emergency");
    }
  });
});

describe("npm run faq", () => {
  const run = (args: string[], input?: string) =>
    execFileSync("npx", ["tsx", "src/cli/faq.ts", ...args], { input, encoding: "utf8", timeout: 60_000 });

  it("prints one JSON line a message in batch mode, in order", () => {
    const lines = run(["--batch"], "kak udalit red notice\nпривет\nменя сейчас держат на границе\nрецепт драников\n").trim().split("\n")
      .map((l) => JSON.parse(l) as { id: string | null; intent: string; score: number });
    expect(lines.map((l) => [l.id, l.intent])).toEqual([["ccf-deletion-request", "faq"], [null, "greeting"], [null, "emergency"], [null, "none"]]);
    for (const l of lines) {
      expect(Object.keys(l).sort()).toEqual(["alternatives", "id", "intent", "language", "score"]);
      expect(l.score).toBeGreaterThanOrEqual(0);
      expect(l.score).toBeLessThanOrEqual(1);
    }
  });

  it("still answers a single question", () => {
    expect(JSON.parse(run(["kak", "udalit", "red", "notice"]))).toMatchObject({ id: "ccf-deletion-request", intent: "faq", language: "ru" });
  });
});
