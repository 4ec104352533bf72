import { InlineKeyboard } from "grammy";
import { Composer } from "../composer.js";
import type { Reminder } from "../../ccf/reminders.js";
import { button } from "../callback-data.js";
import type { BotContext } from "../context.js";
import { FILED, reminderWords, type FiledEntry } from "../conversations/filed.js";
import { filedButton, KIT, type KitEntry } from "../conversations/kit.js";
import type { AppDeps } from "../deps.js";
import { askConsentFor } from "./privacy.js";

const reminderButton = {
  cancel: button("rem:x", /\d{1,9}/),
  admissible: button("rem:a", /\d{1,9}/),
  add: button("rem:add"),
};

/** Starts the CCF request kit for a stored person; others are asked for consent first. */
export async function startKit(ctx: BotContext, deps: AppDeps): Promise<void> {
  if (!ctx.contact) return await askConsentFor(ctx, deps, "kit");
  const entry: KitEntry = { contactId: ctx.contact.id, language: ctx.language, messenger: ctx.messenger };
  await ctx.conversation.enter(KIT, entry);
}

/** `/reminders`: each filed request, its deadline and next reminder, with buttons to cancel or add the admissibility day. */
async function sendReminders(ctx: BotContext, deps: AppDeps): Promise<void> {
  const list: Reminder[] = ctx.contact ? deps.reminders.list(ctx.contact.id) : [];
  const t = deps.i18n.getFixedT(ctx.language, "kit");
  const kb = new InlineKeyboard();
  if (ctx.contact) kb.text(t("reminders.add_button"), reminderButton.add()).row();
  if (list.length === 0) return void (await ctx.reply(t("reminders.none"), { reply_markup: kb }));
  const lines = list.map((r, i) => {
    const n = i + 1;
    kb.text(t("reminders.cancel_button", { n }), reminderButton.cancel(String(r.id))).row();
    if (!r.filing.admissibleOn) kb.text(t("reminders.admissible_button", { n }), reminderButton.admissible(String(r.id))).row();
    return t("reminders.item", { n, ...reminderWords(t, r) });
  });
  await ctx.reply([t("reminders.title"), ...lines].join("\n"), { reply_markup: kb });
}

/** The kit's entry points, "I have filed", and `/reminders`. Staff offer the kit with `/kit` in a case. */
export function ccfKit(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("kit", async (ctx) => {
    const member = ctx.staff;
    if (!member) return await startKit(ctx, deps);
    const offered = deps.desk.offerKit(member);
    await ctx.reply(offered ? ctx.t("staff.offered", { ns: "kit", ref: offered.ref }) : ctx.t("staff.usage", { ns: "kit" }));
    if (offered) await deps.desk.kick();
  });
  composer.command("reminders", (ctx) => sendReminders(ctx, deps));

  const enterFiled = async (ctx: BotContext, entry: Omit<FiledEntry, "contactId" | "language">) => {
    await ctx.answerCallbackQuery();
    if (!ctx.contact) return await ctx.reply(ctx.t("reminders.none", { ns: "kit" }));
    await ctx.conversation.enter(FILED, { contactId: ctx.contact.id, language: ctx.language, ...entry } satisfies FiledEntry);
  };
  composer.callbackQuery(filedButton.filter, (ctx) => {
    const kind = filedButton.value(ctx.match);
    return enterFiled(ctx, kind === "ask" ? {} : { kind });
  });
  composer.callbackQuery(reminderButton.add.filter, (ctx) => enterFiled(ctx, {}));
  composer.callbackQuery(reminderButton.admissible.filter, (ctx) => enterFiled(ctx, { reminderId: Number(reminderButton.admissible.value(ctx.match)) }));
  composer.callbackQuery(reminderButton.cancel.filter, async (ctx) => {
    await ctx.answerCallbackQuery();
    const done = ctx.contact !== undefined && deps.reminders.cancel(ctx.contact.id, Number(reminderButton.cancel.value(ctx.match)));
    if (done) deps.checkpoint();
    await ctx.reply(ctx.t(done ? "reminders.cancelled" : "reminders.unknown", { ns: "kit" }));
  });
  return composer;
}
