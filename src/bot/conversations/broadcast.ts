import type { Conversation } from "@grammyjs/conversations";
import { InlineKeyboard, type Context } from "grammy";
import type { TFunction } from "i18next";
import { missingLanguages, textFor, type Draft, type Target } from "../../broadcast/broadcasts.js";
import { ALL, isPlace } from "../../broadcast/regions.js";
import { LANGUAGES } from "../../i18n/languages.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";
import { addPlaces } from "../keyboards.js";

export const BROADCAST = "broadcast";

/** Exactly what a subscriber gets; the preview uses the same function. */
export function renderWarning(t: TFunction, text: string): string {
  return `${t("travel.warning_title")}\n\n${text}\n\n${t("travel.warning_footer")}`;
}

const pick = (data: string) => `bc:${data}`;

/** A warning text: there, not a command, and short enough to send with its title and footer. */
const usable = (text: string | undefined): text is string => text !== undefined && text.length > 0 && !text.startsWith("/") && text.length <= 3000;

/**
 * Composing a travel warning (admins only, checked again inside): a text per
 * language, a fallback, the target, a preview exactly as sent, the count per
 * messenger, and an explicit confirmation.
 */
export function createBroadcastConversation(deps: AppDeps) {
  return async function broadcast(conversation: Conversation<BotContext, Context>, ctx: Context, adminId: string, language: string): Promise<void> {
    const t = deps.i18n.getFixedT(language);
    const wait = async () => {
      const next = await conversation.wait({ maxMilliseconds: 30 * 60 * 1000 });
      if (next.callbackQuery) await next.answerCallbackQuery();
      const text = next.message?.text ?? "";
      if (text === "/cancel" || next.callbackQuery?.data === pick("cancel")) {
        await next.reply(t("broadcast.cancelled"));
        return await conversation.halt();
      }
      if (text.startsWith("/") && text !== "/skip") return await conversation.halt({ next: true });
      return next;
    };
    const choose = async (question: string, options: [string, string][]): Promise<string> => {
      const kb = new InlineKeyboard();
      for (const [value, label] of options) kb.text(label, pick(value)).row();
      await ctx.reply(question, { reply_markup: kb.text(t("broadcast.cancel"), pick("cancel")) });
      for (;;) {
        const next = await wait();
        const data = next.callbackQuery?.data;
        const chosen = options.find(([value, label]) => data === pick(value) || next.message?.text?.trim() === label);
        if (chosen) return chosen[0];
        await next.reply(t("intake.invalid.buttons"));
      }
    };

    const texts: Record<string, string> = {};
    for (const lang of LANGUAGES) {
      await ctx.reply(t("broadcast.ask_text", { language: t(`language.names.${lang}`) }));
      for (;;) {
        const next = await wait();
        const text = next.message?.text?.trim();
        if (text === "/skip") break;
        if (usable(text)) {
          texts[lang] = text;
          break;
        }
        await next.reply(t("intake.invalid.text_only"));
      }
    }
    while (Object.keys(texts).length === 0) {
      await ctx.reply(t("broadcast.need_one"));
      const next = await wait();
      const text = next.message?.text?.trim();
      if (usable(text)) texts[LANGUAGES[0]] = text;
      else if (text !== "/skip") await next.reply(t("intake.invalid.text_only"));
    }

    const given = Object.keys(texts);
    const fallback = given.length === 1
      ? given[0]!
      : await choose(t("broadcast.ask_fallback"), given.map((l) => [l, t(`language.names.${l}`)]));
    const missing = missingLanguages({ texts });
    if (missing.length > 0) {
      await ctx.reply(t("broadcast.fallback_note", { missing: missing.map((l) => t(`language.names.${l}`)).join(", "), fallback: t(`language.names.${fallback}`) }));
    }

    let target: Target;
    const kind = await choose(t("broadcast.ask_target"), [["all", t("broadcast.target_all")], ["places", t("broadcast.target_places")], ["language", t("broadcast.target_language")]]);
    if (kind === "language") {
      target = { kind: "language", language: await choose(t("broadcast.target_language"), LANGUAGES.map((l) => [l, t(`language.names.${l}`)])) };
    } else if (kind === "places") {
      const chosen = new Set<string>();
      for (;;) {
        const kb = addPlaces(new InlineKeyboard(), t, (place) => chosen.has(place), (place) => pick(`place:${place}`));
        await ctx.reply(t("broadcast.choose_places"), { reply_markup: kb.text(t("broadcast.done"), pick("done")).row().text(t("broadcast.cancel"), pick("cancel")) });
        const next = await wait();
        const data = next.callbackQuery?.data ?? "";
        if (data === pick("done") && chosen.size > 0) break;
        const place = data.startsWith(pick("place:")) ? data.slice(pick("place:").length) : "";
        if (isPlace(place) && place !== ALL) {
          if (chosen.has(place)) chosen.delete(place);
          else chosen.add(place);
        }
      }
      target = { kind: "places", places: [...chosen] };
    } else {
      target = { kind: "all" };
    }

    const draft: Draft = { texts, fallback, target };
    const counts = await conversation.external(() => {
      const recipients = deps.broadcasts.recipients(target, new Set(deps.routes.keys()));
      return { total: recipients.length, byMessenger: deps.broadcasts.countByMessenger(recipients) };
    });
    for (const lang of LANGUAGES) {
      const lt = deps.i18n.getFixedT(lang);
      await ctx.reply(`${t("broadcast.preview_title", { language: t(`language.names.${lang}`) })}\n\n${renderWarning(lt, textFor(draft, lang))}`);
    }
    if (counts.total === 0) {
      await ctx.reply(t("broadcast.no_recipients"));
      return;
    }
    const byMessenger = Object.entries(counts.byMessenger).map(([m, n]) => `${m}: ${n}`).join(", ");
    const decision = await choose(t("broadcast.summary", { total: counts.total, byMessenger }), [["confirm", t("broadcast.confirm")]]);
    if (decision !== "confirm") return;
    const id = await conversation.external(() => {
      const admin = deps.staff.byId(adminId);
      if (!admin || admin.role !== "admin") return null;
      return deps.broadcasts.create(draft, admin.pseudonym, admin.id, new Set(deps.routes.keys())).id;
    });
    if (id === null) return;
    const started = await ctx.reply(t("broadcast.started", { id }));
    await conversation.external(() => {
      deps.broadcasts.setProgressMessage(id, started.message_id);
      deps.broadcastRunner?.kick();
    });
  };
}
