import { describe, expect, it } from "vitest";
import { choiceByLabel, next, type IntakeEvent } from "../src/intake/next.js";
import { STEPS, type IntakeDraft } from "../src/intake/questions.js";

const NOW = new Date(Date.UTC(2026, 11, 1));
const at = (step: number, answers: IntakeDraft["answers"] = {}, extra: Partial<IntakeDraft> = {}): IntakeDraft => ({ step, answers, ...extra });
const SUMMARY = STEPS.length;
const index = (step: (typeof STEPS)[number]) => STEPS.indexOf(step);

/** [what the draft was, what happened, what the chat should do, the step after, answers after (when checked)] */
const table: [string, IntakeDraft, IntakeEvent, string, number, IntakeDraft["answers"]?][] = [
  ["a button for the step", at(0), { kind: "choose", value: "PL" }, "save", 1, { country: "PL" }],
  ["a button of another step", at(0), { kind: "choose", value: "refugee" }, "refuse:stale", 0, {}],
  ["'other country', then typing it", at(0, {}, { typingCountry: true }), { kind: "text", text: "  Czech   Republic " }, "save", 1, { country: "Czech Republic" }],
  ["'other' at the country step", at(0), { kind: "other" }, "save", 0, {}],
  ["'other' outside the country step", at(1), { kind: "other" }, "refuse:stale", 1],
  ["a button while a country is awaited", at(0, {}, { typingCountry: true }), { kind: "choose", value: "PL" }, "refuse:stale", 0, {}],
  ["a country typed with digits", at(0, {}, { typingCountry: true }), { kind: "text", text: "P0land" }, "refuse:invalid", 0],
  ["a typed label counts as its button", at(1), { kind: "text", text: "Refugee status", asChoice: "refugee" }, "save", 2, { status: "refugee" }],
  ["text where only buttons fit", at(1), { kind: "text", text: "something" }, "refuse:buttons", 1],
  ["a skip on an optional step", at(index("charges")), { kind: "skip" }, "save", index("charges") + 1, { charges: null }],
  ["a skip on a required step", at(1), { kind: "skip" }, "refuse:buttons", 1],
  ["a year in range", at(index("yearLeft")), { kind: "text", text: "2021" }, "save", index("yearLeft") + 1, { yearLeft: 2021 }],
  ["a year in the future", at(index("yearLeft")), { kind: "text", text: "2031" }, "refuse:year", index("yearLeft")],
  ["a year before 1991", at(index("yearLeft")), { kind: "text", text: "1980" }, "refuse:year", index("yearLeft")],
  ["charges too long", at(index("charges")), { kind: "text", text: "x".repeat(301) }, "refuse:too_long", index("charges")],
  ["a sticker", at(2), { kind: "not-text" }, "refuse:text_only", 2],
  ["back from a step", at(3), { kind: "back" }, "save", 2],
  ["back from the first step", at(0), { kind: "back" }, "save", 0],
  ["back while typing a country leaves the step as it is", at(0, {}, { typingCountry: true }), { kind: "back" }, "save", 0],
  ["back from an edit returns to the summary", at(2, {}, { editing: true }), { kind: "back" }, "save", SUMMARY],
  ["an edited answer returns to the summary", at(index("share"), {}, { editing: true }), { kind: "choose", value: "no" }, "save", SUMMARY, { share: false }],
  ["edit a step from the summary", at(SUMMARY), { kind: "edit", step: "travel" }, "save", index("travel")],
  ["edit an unknown step", at(SUMMARY), { kind: "edit", step: "passport" }, "refuse:stale", SUMMARY],
  ["edit before the summary", at(2), { kind: "edit", step: "travel" }, "refuse:stale", 2],
  ["confirm at the summary", at(SUMMARY), { kind: "confirm" }, "confirm", SUMMARY],
  ["confirm before the summary", at(3), { kind: "confirm" }, "refuse:stale", 3],
  ["the edit list at the summary", at(SUMMARY), { kind: "editlist" }, "editlist", SUMMARY],
  ["cancel anywhere", at(4), { kind: "cancel" }, "cancel", 4],
  ["text at the summary", at(SUMMARY), { kind: "text", text: "yes" }, "refuse:buttons", SUMMARY],
  ["a forged or old button", at(2), { kind: "stale" }, "refuse:stale", 2],
];

describe("the intake's steps", () => {
  for (const [name, draft, event, then, step, answers] of table) {
    it(name, () => {
      const before = JSON.stringify(draft);
      const { draft: after, result } = next(draft, event, NOW);
      expect(result.then === "refuse" ? `refuse:${result.reason}` : result.then).toBe(then);
      expect(after.step).toBe(step);
      if (answers) expect(after.answers).toEqual(answers);
      // Pure: the draft it was given is not changed.
      expect(JSON.stringify(draft)).toBe(before);
    });
  }

  it("keeps 'a country is awaited' in the draft until it is typed or the person goes back", () => {
    const { draft: awaiting } = next(at(0), { kind: "other" }, NOW);
    expect(awaiting.typingCountry).toBe(true);
    const { draft: typed } = next(awaiting, { kind: "text", text: "Montenegro" }, NOW);
    expect(typed).toEqual({ step: 1, answers: { country: "Montenegro" } });
    const { draft: back } = next(awaiting, { kind: "back" }, NOW);
    expect(back).toEqual({ step: 0, answers: {} });
    // Refused while awaited: still awaited.
    expect(next(awaiting, { kind: "text", text: "P0land" }, NOW).draft.typingCountry).toBe(true);
  });

  it("knows a choice by its label, whatever the case, but never 'other'", () => {
    const label = (c: string) => ({ PL: "Poland", other: "Other country" })[c] ?? c;
    expect(choiceByLabel("country", " poland ", label)).toBe("PL");
    expect(choiceByLabel("country", "other country", label)).toBeUndefined();
  });
});
