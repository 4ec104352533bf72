import type { IntakeAnswers } from "../../intake/questions.js";
import { summaryText } from "../conversations/intake.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";
import { placeNames } from "./travel.js";

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Shows the person, decrypted and in their language, everything stored about them and when it goes. */
export async function sendMyData(ctx: BotContext, deps: AppDeps): Promise<void> {
  const contact = ctx.contact;
  if (!contact) return void (await ctx.reply(ctx.t("forget.nothing")));
  const t = ctx.t;
  const parts = [
    t("mydata.title"),
    t("mydata.contact", { language: t(`language.names.${contact.language}`), since: day(contact.consentAt), until: day(contact.expiresAt) }),
  ];
  const draft = deps.drafts.load(contact.id);
  // Only what exists: a heading, and the answers actually given under it.
  const withAnswers = (heading: string, answers: IntakeAnswers) => {
    const lines = summaryText(t, answers, true);
    return lines ? `${heading}\n${lines.replace(/^/gm, "  ")}` : heading;
  };
  if (draft) parts.push(withAnswers(t("mydata.draft", { until: day(draft.expiresAt) }), draft.draft.answers));
  for (const c of deps.cases.ofContact(contact.id)) {
    const until = c.expiresAt === null ? t("mydata.case_open") : t("mydata.case_closed", { until: day(c.expiresAt) });
    parts.push(withAnswers(t("mydata.case", { ref: c.ref, status: t(`mydata.status.${c.status}`), since: day(c.createdAt), until }), c.summary.answers));
    const notes = deps.cases.noteCount(c);
    if (notes.staff > 0) parts.push(`  ${t("mydata.notes", { count: notes.staff })}`);
    if (notes.person > 0) parts.push(`  ${t("mydata.kit_draft")}`);
  }
  const places = deps.subscriptions.get(contact.id);
  if (places && places.length > 0) parts.push(t("mydata.subscription", { places: placeNames(ctx, places) }));
  const reminders = deps.reminders.count(contact.id);
  if (reminders > 0) parts.push(t("mydata.reminders", { count: reminders }));
  // Both live in the same table; whichever lasts longer is what the person needs to know.
  const stateUntil = deps.sessions.expiryOf(contact.id);
  if (stateUntil !== undefined) parts.push(t("mydata.state", { until: day(stateUntil) }));
  parts.push(t("mydata.footer"));
  await ctx.reply(parts.join("\n\n"));
}
