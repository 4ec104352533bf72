import { contactsFor } from "../../emergency/contacts.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";

/** The country the person named in the emergency path, or gave in the questionnaire: its contacts come first. */
function countryOf(ctx: BotContext, deps: AppDeps): string | undefined {
  if (ctx.session.country) return ctx.session.country;
  const contact = ctx.contact;
  if (!contact) return undefined;
  return deps.drafts.load(contact.id)?.draft.answers.country ?? deps.cases.ofContact(contact.id).at(-1)?.summary.answers.country;
}

/** Lines naming who the person can call, nearest first; empty when the desk configured none for them. */
export function contactLines(ctx: BotContext, deps: AppDeps, limit = 3): string[] {
  return contactsFor(deps.config.EMERGENCY_CONTACTS_FILE, countryOf(ctx, deps), ctx.language, limit).map((c) =>
    [ctx.t("contacts.line", { name: c.name, phone: c.phone }), c.hours && ctx.t("contacts.hours", { hours: c.hours }), c.note].filter(Boolean).join(" "),
  );
}

/** "Who can I call?": the configured contacts, or a plain word that there are none. */
export async function sendContacts(ctx: BotContext, deps: AppDeps): Promise<void> {
  const lines = contactLines(ctx, deps);
  await ctx.reply(lines.length > 0 ? [ctx.t("contacts.title"), ...lines].join("\n") : ctx.t("contacts.none"));
}
