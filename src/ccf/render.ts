import type { TFunction } from "i18next";
import { checklist, enclosedItems, type ChecklistItem } from "./checklist.js";
import { draftLines, type DraftLine, type DraftValue } from "./draft.js";
import type { KitAnswers } from "./questions.js";

/** Where the CCF explains how to submit a request and links its portal (interpol.int, CCF pages). */
export const CCF_SUBMIT_URL = "https://www.interpol.int/en/Who-we-are/Commission-for-the-Control-of-INTERPOL-s-Files-CCF/How-to-submit-a-request";

/** Text in a script other than Latin cannot go into the English statement as it is. */
const NON_LATIN = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Arabic}\p{Script=Georgian}\p{Script=Armenian}\p{Script=Han}]/u;

function value(t: TFunction, v: DraftValue, english: boolean): string {
  if ("typed" in v) return english && NON_LATIN.test(v.typed) ? t("translate", { text: v.typed }) : v.typed;
  if ("choice" in v) return t(`value.${v.choice}`);
  return t(`ph.${v.placeholder}`);
}

/** One sentence in the language of `t`; `english` marks the statement itself, where foreign text is flagged for translation. */
export function renderLine(t: TFunction, line: DraftLine, english: boolean): string {
  const params: Record<string, string> = {};
  for (const [name, v] of Object.entries(line.values ?? {})) params[name] = value(t, v, english);
  return t(line.key, params);
}

/** A blank line before each numbered heading. */
const isHeading = (line: DraftLine) => line.key.startsWith("draft.h_");

export interface KitOutput {
  checklist: string;
  draft: string;
  /** English and the person's language, line by line; absent for English speakers. */
  translation?: string;
  steps: string;
  /** Everything above as one plain-text document. */
  document: string;
}

/**
 * The kit's result, in messages and as one document: what to gather (with
 * what is missing marked), the statement in English, its translation line
 * by line, and how to file. `en` and `t` are the `kit` namespace in English
 * and in the person's language.
 */
export function renderKit(answers: KitAnswers, en: TFunction, t: TFunction, language: string): KitOutput {
  const items = checklist(answers);
  const lines = draftLines(answers, enclosedItems(items));
  const itemText = (i: ChecklistItem) => `${t(`mark.${i.status}`)} ${t(`check.${i.item}`)}${i.item === "id" && i.status === "check" ? `\n   ${t("check.id_check")}` : ""}`;
  const checklistText = [t("checklist_title"), t("legend"), "", ...items.map(itemText)].join("\n");
  const statement = lines.map((l) => `${isHeading(l) ? "\n" : ""}${renderLine(en, l, true)}`).join("\n");
  const translation = language === "en"
    ? undefined
    : lines.map((l) => `${renderLine(en, l, true)}\n→ ${renderLine(t, l, false)}`).join("\n\n");
  const preemptive = answers.purpose === "preemptive";
  const steps = [
    t("steps_title"),
    t("steps.1", { url: CCF_SUBMIT_URL }),
    t("steps.2"),
    t(preemptive ? "steps.3_preemptive" : "steps.3"),
    t("steps.4"),
    t(preemptive ? "steps.5_preemptive" : "steps.5"),
    t("steps.6"),
    "",
    t("draft_warning"),
  ].join("\n");
  const rule = "\n\n" + "=".repeat(60) + "\n\n";
  const document = [
    t("draft_warning"),
    checklistText,
    `${t("draft_intro")}\n\n${statement}`,
    ...(translation ? [`${t("translation_intro")}\n\n${translation}`] : []),
    steps,
  ].join(rule) + "\n";
  return { checklist: checklistText, draft: `${t("draft_intro")}\n\n${statement}`, translation: translation && `${t("translation_intro")}\n\n${translation}`, steps, document };
}
