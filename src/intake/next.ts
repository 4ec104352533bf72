import { applyChoice, applyTyped, CHOICES, OPTIONAL, parseTyped, STEPS, TYPED, type IntakeDraft, type Step } from "./questions.js";

/** What the person did in answer to a question, as the chat layer read it. */
export type IntakeEvent =
  | { kind: "choose"; value: string }
  /** Typed text; `asChoice` is the choice whose button label it spells, if any. */
  | { kind: "text"; text: string; asChoice?: string }
  | { kind: "edit"; step: string }
  | { kind: "back" | "skip" | "cancel" | "confirm" | "editlist" | "other" | "not-text" | "stale" };

/** Why an answer was not taken; each has its own message. */
export type Refusal = "stale" | "buttons" | "text_only" | "too_long" | "invalid" | "year";

export type IntakeResult =
  /** The draft changed: store it, then ask what comes next. */
  | { then: "save" }
  | { then: "refuse"; reason: Refusal }
  | { then: "cancel" | "confirm" | "editlist" };

/** The step the draft is at, and whether that is the summary. */
export function position(draft: IntakeDraft): { step: Step; atSummary: boolean } {
  return { step: STEPS[Math.min(draft.step, STEPS.length - 1)]!, atSummary: draft.step >= STEPS.length };
}

/**
 * One step of the intake: the draft after `event`, and what the chat should
 * do. Pure, so every rule (back from an edit returns to the summary, a skip
 * only where a step is optional, a typed label counts as its button) is
 * tested in a table, without a chat.
 */
export function next(before: IntakeDraft, event: IntakeEvent, now: Date): { draft: IntakeDraft; result: IntakeResult } {
  const draft: IntakeDraft = { ...before, answers: { ...before.answers } };
  const typing = draft.typingCountry === true;
  const { step, atSummary } = position(draft);
  const done = (result: IntakeResult) => ({ draft, result });
  const refuse = (reason: Refusal) => ({ draft: before, result: { then: "refuse", reason } as const });
  const advance = () => {
    draft.step = draft.editing ? STEPS.length : draft.step + 1;
    if (draft.step >= STEPS.length) delete draft.editing;
    delete draft.typingCountry;
    return done({ then: "save" });
  };

  switch (event.kind) {
    case "cancel":
    case "confirm":
    case "editlist":
      if (event.kind !== "cancel" && !atSummary) return refuse("stale");
      return done({ then: event.kind });
    case "back":
      if (typing) delete draft.typingCountry;
      else if (draft.editing || atSummary) {
        draft.step = STEPS.length;
        delete draft.editing;
      } else draft.step = Math.max(0, draft.step - 1);
      return done({ then: "save" });
    case "stale":
      return refuse("stale");
    case "not-text":
      return refuse("text_only");
    case "edit": {
      const index = STEPS.indexOf(event.step as Step);
      if (index < 0 || !atSummary) return refuse("stale");
      draft.step = index;
      draft.editing = true;
      return done({ then: "save" });
    }
    case "other":
      if (atSummary || step !== "country") return refuse("stale");
      draft.typingCountry = true;
      return done({ then: "save" });
    case "skip":
      if (atSummary || !OPTIONAL.has(step)) return refuse("buttons");
      applyTyped(draft.answers, step, null);
      return advance();
    case "choose":
      if (atSummary || typing || !applyChoice(draft.answers, step, event.value)) return refuse("stale");
      return advance();
    case "text": {
      if (atSummary) return refuse("buttons");
      if (event.asChoice !== undefined && !typing && applyChoice(draft.answers, step, event.asChoice)) return advance();
      if (!TYPED.has(step)) return refuse("buttons");
      const parsed = parseTyped(step, event.text, now);
      if (!parsed.ok) return refuse(parsed.reason === "too-long" ? "too_long" : parsed.reason);
      applyTyped(draft.answers, step, parsed.value);
      return advance();
    }
  }
}

/** The choice of `step` whose label, as `label` renders it, is what was typed. */
export function choiceByLabel(step: Step, typed: string, label: (choice: string) => string): string | undefined {
  const wanted = typed.trim().toLowerCase();
  return CHOICES[step].find((c) => c !== "other" && label(c).toLowerCase() === wanted);
}
