import { applies, KIT_CHOICES, KIT_STEPS, parseKitText, type KitAnswers, type KitStep } from "./questions.js";

export interface KitState {
  /** Index into `KIT_STEPS`; `KIT_STEPS.length` once every question is answered. */
  step: number;
  answers: KitAnswers;
  /** Whether the person has a case the draft can be added to. */
  hasCase: boolean;
}

export type KitEvent =
  | { kind: "choose"; value: string }
  | { kind: "text"; text: string }
  | { kind: "skip" | "back" | "cancel" | "stale" | "not-text" };

export type KitResult =
  | { then: "ask"; step: KitStep }
  | { then: "done" | "cancel" }
  | { then: "refuse"; reason: "stale" | "buttons" | "text_only" | "too_long" | "invalid" };

/** The first step at or after `from` (or before it, going back) that applies to these answers. */
function seek(state: KitState, from: number, direction: 1 | -1): number {
  let i = from;
  while (i >= 0 && i < KIT_STEPS.length && !applies(KIT_STEPS[i]!, state.answers, state.hasCase)) i += direction;
  return i;
}

/** Where a new kit starts. */
export function startKit(hasCase: boolean): KitState {
  const state: KitState = { step: 0, answers: {}, hasCase };
  state.step = seek(state, 0, 1);
  return state;
}

/** What to do at `state`: ask its question, or finish. */
export function position(state: KitState): KitResult {
  return state.step >= KIT_STEPS.length ? { then: "done" } : { then: "ask", step: KIT_STEPS[state.step]! };
}

/**
 * One answer to the kit. Every question may be skipped, and a typed label
 * counts as its button (`asChoice`). An answer that changes what follows
 * (no protection status, no court decision) clears the follow-up it made
 * pointless. Pure, so the rules are tested without a chat.
 */
export function kitNext(state: KitState, event: KitEvent, asChoice?: string): { state: KitState; result: KitResult } {
  const answers = { ...state.answers };
  const out: KitState = { ...state, answers };
  const refuse = (reason: Extract<KitResult, { then: "refuse" }>["reason"]) => ({ state, result: { then: "refuse", reason } as KitResult });
  if (event.kind === "cancel") return { state, result: { then: "cancel" } };
  if (event.kind === "stale") return refuse("stale");
  if (event.kind === "not-text") return refuse("text_only");
  const at = position(state);
  if (event.kind === "back") {
    out.step = Math.max(0, seek(out, Math.min(state.step, KIT_STEPS.length) - 1, -1));
    if (!applies(KIT_STEPS[out.step]!, answers, state.hasCase)) out.step = seek(out, 0, 1);
    return { state: out, result: position(out) };
  }
  if (at.then !== "ask") return refuse("stale");
  const step = at.step;
  if (event.kind === "skip") answers[step] = null;
  else if (event.kind === "choose" || asChoice !== undefined) {
    const value = event.kind === "choose" ? event.value : asChoice!;
    if (!KIT_CHOICES[step].includes(value)) return refuse("stale");
    answers[step] = value;
  } else if (event.kind === "text") {
    const parsed = parseKitText(step, event.text);
    if (!parsed.ok) return refuse(parsed.reason);
    answers[step] = parsed.value;
  }
  // A follow-up that no longer applies keeps no answer.
  for (const s of KIT_STEPS) if (!applies(s, answers, state.hasCase)) delete answers[s];
  out.step = seek(out, state.step + 1, 1);
  return { state: out, result: position(out) };
}
