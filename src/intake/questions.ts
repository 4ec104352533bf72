/**
 * The intake: what is asked, in which order, and what counts as an answer.
 * Only what a volunteer lawyer needs; no name, address or passport number.
 */
export const STEPS = ["country", "status", "knowledge", "charges", "yearLeft", "travel", "lawyerLanguage", "share"] as const;
export type Step = (typeof STEPS)[number];

/** Countries offered as buttons; anything else is typed. */
export const COUNTRIES = ["PL", "LT", "DE", "LV", "GE"] as const;
export const STATUSES = ["refugee", "subsidiary", "humanitarian-visa", "residence-permit", "asylum-pending", "none"] as const;
export const KNOWLEDGE = ["red-notice", "diffusion", "detained-before", "extradition-refused", "dont-know"] as const;
export const LAWYER_LANGUAGES = ["be", "ru", "en", "any"] as const;

export interface IntakeAnswers {
  /** ISO code of a listed country, or the country as typed. */
  country?: string;
  status?: (typeof STATUSES)[number];
  knowledge?: (typeof KNOWLEDGE)[number];
  /** Charges or case number, if known; null when skipped. */
  charges?: string | null;
  yearLeft?: number;
  /** Planned travel (country and month); null when skipped. */
  travel?: string | null;
  lawyerLanguage?: (typeof LAWYER_LANGUAGES)[number];
  share?: boolean;
}

export interface IntakeDraft {
  step: number;
  answers: IntakeAnswers;
  /** Set while editing one answer from the summary: return there afterwards. */
  editing?: boolean;
  /** "Other country" was pressed: the next text is the country. */
  typingCountry?: boolean;
}

/** Whether any question was answered (or skipped): a draft only opened holds nothing to resume or to hand to a case. */
export function answered(draft: IntakeDraft): boolean {
  return Object.keys(draft.answers).length > 0;
}

/** Which answers a step takes: fixed choices, free text, or both. */
export const CHOICES: Record<Step, readonly string[]> = {
  country: [...COUNTRIES, "other"],
  status: STATUSES,
  knowledge: KNOWLEDGE,
  charges: [],
  yearLeft: [],
  travel: [],
  lawyerLanguage: LAWYER_LANGUAGES,
  share: ["yes", "no"],
};

export const OPTIONAL: ReadonlySet<Step> = new Set(["charges", "travel"]);
export const TYPED: ReadonlySet<Step> = new Set(["country", "charges", "yearLeft", "travel"]);

export const MAX_TEXT = { country: 60, charges: 300, travel: 100 } as const;
/** Belarus has been independent since 1991; nobody left it, as such, before. */
export const FIRST_YEAR = 1991;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: "too-long" | "invalid" | "year" };

/** Collapses white space and strips control and direction-override characters. */
export function cleanText(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, " ").replace(/\s+/g, " ").trim();
}

export function parseTyped(step: Step, text: string, now: Date): Parsed<string | number> {
  const clean = cleanText(text);
  if (step === "yearLeft") {
    if (!/^\d{4}$/.test(clean)) return { ok: false, reason: "year" };
    const year = Number(clean);
    if (year < FIRST_YEAR || year > now.getUTCFullYear()) return { ok: false, reason: "year" };
    return { ok: true, value: year };
  }
  const max = MAX_TEXT[step as keyof typeof MAX_TEXT];
  if (max === undefined) return { ok: false, reason: "invalid" };
  if (clean.length === 0) return { ok: false, reason: "invalid" };
  if (clean.length > max) return { ok: false, reason: "too-long" };
  if (step === "country" && !/^[\p{L}][\p{L} .'-]*$/u.test(clean)) return { ok: false, reason: "invalid" };
  return { ok: true, value: clean };
}

/** Applies a button choice to the answers; false if the choice does not belong to the step. */
export function applyChoice(answers: IntakeAnswers, step: Step, choice: string): boolean {
  if (!CHOICES[step].includes(choice) || (step === "country" && choice === "other")) return false;
  switch (step) {
    case "share": answers.share = choice === "yes"; break;
    case "country": answers.country = choice; break;
    case "status": answers.status = choice as IntakeAnswers["status"]; break;
    case "knowledge": answers.knowledge = choice as IntakeAnswers["knowledge"]; break;
    case "lawyerLanguage": answers.lawyerLanguage = choice as IntakeAnswers["lawyerLanguage"]; break;
    default: return false;
  }
  return true;
}

export function applyTyped(answers: IntakeAnswers, step: Step, value: string | number | null): void {
  if (step === "yearLeft") answers.yearLeft = value as number;
  else if (step === "country") answers.country = value as string;
  else if (step === "charges") answers.charges = value as string | null;
  else if (step === "travel") answers.travel = value as string | null;
}
