import type { KitAnswers, KitStep } from "./questions.js";

/** A value put into a sentence: what the person typed, a choice's label, or a placeholder to fill in. */
export type DraftValue = { typed: string } | { choice: `${KitStep}.${string}` } | { placeholder: string };

/** One sentence of the statement, as a key of the `kit` namespace and its values. */
export interface DraftLine {
  key: string;
  values?: Record<string, DraftValue>;
}

/**
 * Where each sentence of the statement comes from, by source number of the
 * project's vetted notes (domain notes §2, §6, §7; FAQ entries on the CCF).
 * A test keeps every sentence the draft can contain in this table.
 */
export const DRAFT_SOURCES: Record<string, readonly string[]> = {
  "draft.title": ["S10", "S11"],
  "draft.disclaimer": ["S58", "S61"],
  "draft.h_purpose": ["S11", "S53"],
  "draft.purpose_access": ["S10", "S11", "S53"],
  "draft.purpose_deletion": ["S11", "S61"],
  "draft.purpose_preemptive": ["S12", "S56", "S57"],
  "draft.purpose_missing": ["S11", "S112"],
  "draft.h_applicant": ["S53"],
  "draft.name": ["S53"],
  "draft.birth": ["S53"],
  "draft.nationality": ["S53"],
  "draft.document": ["S53", "S59"],
  "draft.document_expired": ["S59", "S62", "S63"],
  "draft.document_missing": ["S53", "S59"],
  "draft.representative": ["S10", "S53"],
  "draft.representative_missing": ["S10", "S53"],
  "draft.contact": ["S11"],
  "draft.h_data": ["S10", "S11"],
  "draft.data_red_notice": ["S11", "S23"],
  "draft.data_diffusion": ["S11"],
  "draft.data_unknown": ["S10", "S58"],
  "draft.data_missing": ["S10"],
  "draft.data_preemptive_existing": ["S11", "S12", "S56"],
  "draft.charge": ["S61"],
  "draft.dates": ["S61"],
  "draft.h_grounds": ["S11", "S61"],
  "draft.h_grounds_preemptive": ["S12", "S56", "S57"],
  "draft.h_background": ["S11"],
  "draft.access_note": ["S12", "S58", "S65"],
  "draft.article3": ["S19", "S22"],
  "draft.article2": ["S18", "S19"],
  "draft.context": ["S61", "S3"],
  "draft.context_missing": ["S61", "S3"],
  "draft.refugee": ["S14", "S15", "S16", "S17", "S32"],
  "draft.asylum_pending": ["S14", "S15", "S17"],
  "draft.subsidiary": ["S15"],
  "draft.humanitarian": ["S15"],
  "draft.court_extradition": ["S61", "S72"],
  "draft.court_other": ["S61"],
  "draft.h_confidential": ["S12", "S13"],
  "draft.confidential": ["S12", "S13", "S58", "S65"],
  "draft.h_enclosed": ["S53", "S60", "S61"],
  "draft.signature": ["S53"],
};

/** What the person typed, or the placeholder that stands where they skipped. */
function typedOr(answers: KitAnswers, step: KitStep, placeholder: string): DraftValue {
  const value = answers[step];
  return typeof value === "string" ? { typed: value } : { placeholder };
}

/** The requesting country: a choice, a typed name, or a placeholder. */
function country(answers: KitAnswers): DraftValue {
  const value = answers.country;
  if (value === "belarus" || value === "russia") return { choice: `country.${value}` };
  return typedOr(answers, "country", "country");
}

/**
 * The statement for the CCF, in the order its admissibility rules and portal
 * ask for: purpose, applicant, the data concerned, the grounds, the request
 * for confidentiality, what is enclosed. Skipped answers leave placeholders.
 */
export function draftLines(answers: KitAnswers, enclosed: readonly string[]): DraftLine[] {
  const lines: DraftLine[] = [{ key: "draft.title" }, { key: "draft.disclaimer" }, { key: "draft.h_purpose" }];
  const from = { country: country(answers) };
  const purpose = answers.purpose;
  lines.push(purpose ? { key: `draft.purpose_${purpose}`, values: from } : { key: "draft.purpose_missing" });

  lines.push({ key: "draft.h_applicant" }, { key: "draft.name" }, { key: "draft.birth" }, { key: "draft.nationality" });
  const doc = answers.document;
  if (doc && doc !== "none") {
    lines.push({ key: "draft.document", values: { document: { choice: `document.${doc}` } } });
    if (doc === "passport_expired") lines.push({ key: "draft.document_expired" });
  } else lines.push({ key: "draft.document_missing" });
  const filer = answers.filer;
  if (filer === "lawyer" || filer === "family") lines.push({ key: "draft.representative", values: { who: { choice: `filer.${filer}` } } });
  else if (filer !== "self") lines.push({ key: "draft.representative_missing" });
  lines.push({ key: "draft.contact" });

  lines.push({ key: "draft.h_data" });
  const notice = answers.notice;
  // A pre-emptive submission is for a notice that does not exist yet: one that may, calls for a deletion request.
  if (purpose === "preemptive" && (notice === "red_notice" || notice === "diffusion")) lines.push({ key: "draft.data_preemptive_existing" });
  else lines.push(notice ? { key: `draft.data_${notice}`, values: from } : { key: "draft.data_missing", values: from });
  lines.push({ key: "draft.charge", values: { charge: typedOr(answers, "charge", "charge") } });
  lines.push({ key: "draft.dates", values: { dates: typedOr(answers, "dates", "dates") } });

  // An access request needs no grounds; the background still helps the CCF.
  const argued = purpose !== "access";
  if (purpose === "preemptive") lines.push({ key: "draft.h_grounds_preemptive", values: from });
  else lines.push({ key: argued ? "draft.h_grounds" : "draft.h_background" });
  if (argued) lines.push({ key: "draft.article3" }, { key: "draft.article2" });
  // What an access request says may be shown to the bureau that owns the data.
  else lines.push({ key: "draft.access_note" });
  lines.push(typeof answers.context === "string" ? { key: "draft.context", values: { context: { typed: answers.context } } } : { key: "draft.context_missing" });
  const protection = answers.protection;
  if (protection && protection !== "none") {
    const where = typedOr(answers, "protectionCountry", "protection_country");
    lines.push({ key: `draft.${protection}`, values: { where, country: from.country } });
  }
  if (answers.court === "extradition_refused" || answers.court === "other_decision") {
    const detail = typedOr(answers, "courtDetail", "court_detail");
    lines.push({ key: answers.court === "extradition_refused" ? "draft.court_extradition" : "draft.court_other", values: { detail, country: from.country } });
  }

  lines.push({ key: "draft.h_confidential" }, { key: "draft.confidential" });
  lines.push({ key: "draft.h_enclosed" });
  for (const item of enclosed) lines.push({ key: `enclosed.${item}` });
  lines.push({ key: "draft.signature" });
  return lines;
}
