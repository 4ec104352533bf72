import type { KitAnswers } from "./questions.js";

/** Where an item stands: in hand, still to gather, to check with a lawyer or the CCF first, or unknown because skipped. */
export type ItemStatus = "have" | "gather" | "check" | "missing";

export interface ChecklistItem {
  /** Key under `check.` (what to gather) and `enclosed.` (how the statement lists it). */
  item: "id" | "poa" | "statement" | "protection" | "court" | "evidence" | "translations";
  status: ItemStatus;
}

/** Sources of each item, as for the statement's sentences. */
export const CHECKLIST_SOURCES: Record<ChecklistItem["item"], readonly string[]> = {
  id: ["S53", "S59", "S62", "S63"],
  poa: ["S53"],
  statement: ["S53", "S60"],
  protection: ["S14", "S15", "S58", "S65"],
  court: ["S60", "S61", "S72"],
  evidence: ["S61"],
  translations: ["S60"],
};

/**
 * What to gather for the request, from the answers: the identity document
 * the CCF's admissibility rules ask for (an expired one is flagged: such
 * documents have led to inadmissibility), a power of attorney when someone
 * files for the person, the signed statement, and the evidence that goes
 * with the grounds.
 */
export function checklist(answers: KitAnswers): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  const doc = answers.document;
  items.push({ item: "id", status: doc === "passport_expired" ? "check" : doc && doc !== "none" ? "have" : "missing" });
  if (answers.filer === "lawyer" || answers.filer === "family") items.push({ item: "poa", status: "gather" });
  else if (answers.filer !== "self") items.push({ item: "poa", status: "missing" });
  items.push({ item: "statement", status: "gather" });
  if (answers.protection && answers.protection !== "none") items.push({ item: "protection", status: "gather" });
  if (answers.court === "extradition_refused" || answers.court === "other_decision") items.push({ item: "court", status: "gather" });
  if (answers.purpose !== "access") items.push({ item: "evidence", status: typeof answers.context === "string" ? "gather" : "missing" });
  items.push({ item: "translations", status: "gather" });
  return items;
}

/** What the statement lists as enclosed: every document of the checklist but the statement itself. */
export function enclosedItems(items: readonly ChecklistItem[]): string[] {
  return items.filter((i) => i.item !== "statement").map((i) => i.item);
}
