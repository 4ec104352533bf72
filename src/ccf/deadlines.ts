/**
 * The CCF's general deadlines (Statute Art. 40): an access request should
 * generally be decided within four months, a correction or deletion request
 * within nine, counted from when it is found admissible. Days are ISO dates
 * (YYYY-MM-DD) in UTC; nothing finer is kept.
 */
export const FILED_KINDS = ["access", "deletion"] as const;
export type FiledKind = (typeof FILED_KINDS)[number];

export const DEADLINE_MONTHS: Record<FiledKind, number> = { access: 4, deletion: 9 };

/** A request the person filed: its kind, the day it was filed, and the admissibility day once they know it. */
export interface Filing {
  kind: FiledKind;
  filedOn: string;
  admissibleOn?: string;
}

export type ReminderStage = "week" | "deadline";

const DAY = 24 * 60 * 60 * 1000;

export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Reads a typed day: 2026-12-01, 1.12.2026 or 01/12/2026. */
export function parseDay(text: string): string | undefined {
  const t = text.trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const dotted = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/.exec(t);
  const [y, mo, d] = iso ? [iso[1], iso[2], iso[3]] : dotted ? [dotted[3], dotted[2], dotted[1]] : [];
  if (!y || !mo || !d) return undefined;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) return undefined;
  return dayOf(date.getTime());
}

export function addDays(day: string, days: number): string {
  return dayOf(Date.parse(`${day}T00:00:00Z`) + days * DAY);
}

/** The same day `months` later, or the month's last day where it has no such day (31 Jan + 1 → 28/29 Feb). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return dayOf(Date.UTC(y, m - 1 + months, Math.min(d, last)));
}

/** The day the general deadline passes: from admissibility if known, else (earliest possible) from filing. */
export function deadlineOf(filing: Filing): string {
  return addMonths(filing.admissibleOn ?? filing.filedOn, DEADLINE_MONTHS[filing.kind]);
}

/**
 * The next reminder on or after `today`: a week before the deadline, then on
 * it. Undefined once the deadline is behind (or only `after` remained).
 */
export function nextReminder(filing: Filing, today: string, after?: ReminderStage): { stage: ReminderStage; due: string } | undefined {
  const deadline = deadlineOf(filing);
  const week = addDays(deadline, -7);
  if (after === undefined && week >= today) return { stage: "week", due: week };
  if (after !== "deadline" && deadline >= today) return { stage: "deadline", due: deadline };
  return undefined;
}
