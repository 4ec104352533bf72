import type { Conversation } from "@grammyjs/conversations";
import { InlineKeyboard, InputFile, type Context } from "grammy";
import type { TFunction } from "i18next";
import { KIT_CHOICES, KIT_MAX_TEXT, type KitStep } from "../../ccf/questions.js";
import { renderKit } from "../../ccf/render.js";
import { kitNext, position, startKit, type KitEvent } from "../../ccf/steps.js";
import { isLanguage, type Language } from "../../i18n/languages.js";
import { splitText } from "../../relay/split.js";
import { button } from "../callback-data.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";
import { cb } from "../keyboards.js";

export const KIT = "kit";

/** The kit's own buttons, valid only while it runs. */
const kitButton = {
  choose: button("kit:c", /[a-z_]{1,30}/),
  skip: button("kit:skip"),
  back: button("kit:back"),
  cancel: button("kit:cancel"),
};
/** "I have filed": the kind rides in the button, so nothing of the kit is kept for it. */
export const filedButton = button("kit:filed", ["access", "deletion", "ask"] as const);

function questionKeyboard(t: TFunction, step: KitStep, first: boolean): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const choice of KIT_CHOICES[step]) kb.text(t(`choice.${step}.${choice}`), kitButton.choose(choice)).row();
  kb.text(t("skip"), kitButton.skip()).row();
  if (!first) kb.text(t("back"), kitButton.back());
  return kb.text(t("cancel"), kitButton.cancel());
}

type Reply = KitEvent | { kind: "leave" };

/** Reads what the person did in answer to a question. */
function interpret(ctx: Context): Reply {
  const query = ctx.callbackQuery?.data;
  if (query !== undefined) {
    if (!query.startsWith("kit:") || filedButton.filter.test(query)) return { kind: "leave" };
    const chosen = kitButton.choose.filter.exec(query);
    if (chosen) return { kind: "choose", value: kitButton.choose.value(chosen) };
    for (const kind of ["skip", "back", "cancel"] as const) if (kitButton[kind].filter.test(query)) return { kind };
    return { kind: "stale" };
  }
  const text = ctx.message?.text;
  if (text === undefined) return ctx.message ? { kind: "not-text" } : { kind: "leave" };
  const command = /^\/([a-z_]+)/i.exec(text)?.[1]?.toLowerCase();
  if (command === "cancel" || command === "back" || command === "skip") return { kind: command };
  if (command !== undefined) return { kind: "leave" };
  return { kind: "text", text };
}

/** Where each kit runs from: the language, the messenger (for message length) and whether to greet. */
export interface KitEntry {
  contactId: string;
  language: string;
  messenger: string;
}

/**
 * The CCF request kit. The answers live only in this conversation's own
 * (sealed, expiring) state, and go with it once the result is sent; they are
 * kept only if the person adds the draft to their case.
 */
export function createKit(deps: AppDeps) {
  const timeoutMs = 30 * 60 * 1000;

  return async function kit(conversation: Conversation<BotContext, Context>, ctx: Context, entry: KitEntry): Promise<void> {
    const lang: Language = isLanguage(entry.language) ? entry.language : "en";
    const t = deps.i18n.getFixedT(lang, "kit");
    const { hasCase, inChat } = await conversation.external(() => ({
      hasCase: deps.cases.activeOf(entry.contactId) !== undefined,
      inChat: deps.cases.liveChat(entry.contactId) !== undefined,
    }));
    let state = startKit(hasCase);
    const first = state.step;
    await ctx.reply([t("start", { days: deps.config.RETENTION_INTAKE_DAYS }), inChat ? t("start_in_chat") : ""].filter(Boolean).join("\n\n"));

    let ask = true;
    for (let at = position(state); at.then === "ask"; at = position(state)) {
      if (ask) await ctx.reply(t(`q.${at.step}`), { reply_markup: questionKeyboard(t, at.step, state.step === first) });
      const answer = await conversation.wait({ maxMilliseconds: timeoutMs });
      const reply = interpret(answer);
      // Another command or menu: the kit ends here, and the rest of the bot handles it.
      if (reply.kind === "leave") await conversation.halt({ next: true });
      if (answer.callbackQuery) await answer.answerCallbackQuery();
      const event = reply as KitEvent;
      const typed = event.kind === "text" ? event.text.trim().toLowerCase() : undefined;
      const asChoice = typed === undefined ? undefined : KIT_CHOICES[at.step].find((c) => t(`choice.${at.step}.${c}`).toLowerCase() === typed);
      const { state: after, result } = kitNext(state, event, asChoice);
      state = after;
      if (result.then === "cancel") {
        await answer.reply(t("cancelled"), { reply_markup: new InlineKeyboard().text(deps.i18n.getFixedT(lang)("menu.main"), cb.menu("main")) });
        return;
      }
      ask = result.then !== "refuse";
      if (result.then === "refuse") {
        await answer.reply(result.reason === "stale" ? deps.i18n.getFixedT(lang)("errors.stale") : t(`invalid.${result.reason}`, { max: KIT_MAX_TEXT[at.step] ?? 0 }));
      }
    }

    const out = renderKit(state.answers, deps.i18n.getFixedT("en", "kit"), t, lang);
    const max = deps.routes.get(entry.messenger)?.maxText ?? 4096;
    for (const text of [out.checklist, out.draft, out.translation]) {
      if (text) for (const part of splitText(text, max)) await ctx.reply(part);
    }
    await ctx.replyWithDocument(new InputFile(Buffer.from(out.document, "utf8"), t("document_name")), { caption: t("document_caption") });
    // Kept only in the case the person chose, and said so; otherwise nothing of it is kept.
    const shared = state.answers.share === "add" ? await conversation.external(() => deps.desk.addFromPerson(entry.contactId, out.document)?.ref ?? null) : null;
    if (shared) {
      await ctx.reply(t("shared", { ref: shared }));
      await conversation.external(() => deps.desk.kick());
    }
    const purpose = state.answers.purpose;
    const kind = purpose === "access" || purpose === "deletion" ? purpose : "ask";
    const kb = new InlineKeyboard();
    if (purpose !== "preemptive") kb.text(t("filed_button"), filedButton(kind)).row();
    kb.text(t("volunteer_button"), cb.menu("lawyer")).row().text(deps.i18n.getFixedT(lang)("menu.main"), cb.menu("main"));
    await ctx.reply(shared ? out.steps : `${out.steps}\n\n${t("dropped")}`, { reply_markup: kb });
  };
}
