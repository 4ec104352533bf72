import { cleanText } from "../intake/questions.js";

/**
 * The CCF request kit: what is asked, in which order, and what counts as an
 * answer. Nothing identifying is asked (no name, birth date or document
 * number): the draft leaves placeholders for those, to be filled in by the
 * person on their own device.
 */
export const KIT_STEPS = [
  "purpose", "notice", "country", "charge", "dates", "document", "protection", "protectionCountry",
  "court", "courtDetail", "context", "filer", "share",
] as const;
export type KitStep = (typeof KIT_STEPS)[number];

export const PURPOSES = ["access", "deletion", "preemptive"] as const;
export type Purpose = (typeof PURPOSES)[number];

/** Fixed answers offered as buttons; `country` also takes a typed name. */
export const KIT_CHOICES: Record<KitStep, readonly string[]> = {
  purpose: PURPOSES,
  notice: ["red_notice", "diffusion", "unknown"],
  country: ["belarus", "russia"],
  charge: [],
  dates: [],
  document: ["passport_valid", "passport_expired", "residence_card", "travel_document", "none"],
  protection: ["refugee", "asylum_pending", "subsidiary", "humanitarian", "none"],
  protectionCountry: [],
  court: ["extradition_refused", "other_decision", "none"],
  courtDetail: [],
  context: [],
  filer: ["self", "lawyer", "family"],
  share: ["add", "keep"],
};

/** Steps that take typed text, and how long it may be. */
export const KIT_MAX_TEXT: Partial<Record<KitStep, number>> = {
  country: 60, charge: 300, dates: 200, protectionCountry: 60, courtDetail: 300, context: 2000,
};

export type KitAnswers = Partial<Record<KitStep, string | null>>;

/** Whether a step is asked, given the answers so far. */
export function applies(step: KitStep, answers: KitAnswers, hasCase: boolean): boolean {
  switch (step) {
    case "protectionCountry": return typeof answers.protection === "string" && answers.protection !== "none";
    case "courtDetail": return answers.court === "extradition_refused" || answers.court === "other_decision";
    // Offered only when there is a case to add the draft to.
    case "share": return hasCase;
    default: return true;
  }
}

export type KitParsed = { ok: true; value: string } | { ok: false; reason: "too_long" | "invalid" | "buttons" };

/** Reads typed text as the answer to `step`. */
export function parseKitText(step: KitStep, text: string): KitParsed {
  const max = KIT_MAX_TEXT[step];
  if (max === undefined) return { ok: false, reason: "buttons" };
  const clean = cleanText(text);
  if (clean.length === 0) return { ok: false, reason: "invalid" };
  if (clean.length > max) return { ok: false, reason: "too_long" };
  if ((step === "country" || step === "protectionCountry") && !/^[\p{L}][\p{L} .'-]*$/u.test(clean)) return { ok: false, reason: "invalid" };
  return { ok: true, value: clean };
}
