import type { Conversation } from "@grammyjs/conversations";
import { InlineKeyboard, type Context } from "grammy";
import type { TFunction } from "i18next";
import { dayOf, DEADLINE_MONTHS, deadlineOf, FILED_KINDS, parseDay, type FiledKind, type Filing } from "../../ccf/deadlines.js";
import type { Reminder } from "../../ccf/reminders.js";
import { isLanguage, type Language } from "../../i18n/languages.js";
import { button } from "../callback-data.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";
import { cb } from "../keyboards.js";

export const FILED = "filed";

const filedAnswer = {
  kind: button("filed:k", FILED_KINDS),
  today: button("filed:today"),
  notYet: button("filed:no"),
  cancel: button("filed:cancel"),
};

export interface FiledEntry {
  contactId: string;
  language: string;
  /** The kind of request, when the kit already knows it. */
  kind?: FiledKind;
  /** Only the admissibility day of this recorded request is asked. */
  reminderId?: number;
}

/**
 * The words of a recorded reminder, for the confirmation, `/reminders` and
 * the reminder itself; `from` (how the deadline is counted) in the wording of
 * the confirmation (`filed`) or of the others (`reminders`).
 */
export function reminderWords(t: TFunction, r: Pick<Reminder, "filing" | "due">, wording: "filed" | "reminders" = "reminders") {
  const { admissibleOn } = r.filing;
  return {
    from: admissibleOn ? t(`${wording}.from_admissible`, { date: admissibleOn }) : t(`${wording}.from_filed`),
    kind: t(`reminders.kind.${r.filing.kind}`),
    filed: r.filing.filedOn,
    deadline: deadlineOf(r.filing),
    months: DEADLINE_MONTHS[r.filing.kind],
    due: r.due,
  };
}

/**
 * "I have filed": the kind of request, the day it was filed and, when known,
 * the day the CCF found it admissible. Only then is anything stored: the
 * filing sealed, its next reminder's day in clear.
 */
export function createFiled(deps: AppDeps) {
  const timeoutMs = 30 * 60 * 1000;

  return async function filed(conversation: Conversation<BotContext, Context>, ctx: Context, entry: FiledEntry): Promise<void> {
    const lang: Language = isLanguage(entry.language) ? entry.language : "en";
    const t = deps.i18n.getFixedT(lang, "kit");
    const today = await conversation.external(() => dayOf(deps.now()));
    const cancelRow = (kb: InlineKeyboard) => kb.text(t("cancel"), filedAnswer.cancel());

    /**
     * Asks, then waits for a button matching `accept` or a typed day (not in
     * the future, not before `earliest`); undefined when the person stops.
     */
    const answer = async (question: string, kb: InlineKeyboard, accept: RegExp, earliest?: string): Promise<RegExpExecArray | string | undefined> => {
      await ctx.reply(question, { reply_markup: cancelRow(kb) });
      for (;;) {
        const next = await conversation.wait({ maxMilliseconds: timeoutMs });
        const data = next.callbackQuery?.data;
        const text = next.message?.text;
        if (data !== undefined) {
          // Any other button: this ends here, and the rest of the bot handles it.
          if (!data.startsWith("filed:")) await conversation.halt({ next: true });
          if (filedAnswer.cancel.filter.test(data)) {
            await next.answerCallbackQuery();
            return undefined;
          }
          const match = accept.exec(data);
          await next.answerCallbackQuery(match ? undefined : { text: deps.i18n.getFixedT(lang)("errors.stale") });
          if (match) return match;
          continue;
        }
        if (text === undefined) {
          await next.reply(t("invalid.text_only"));
          continue;
        }
        if (/^\/cancel\b/i.test(text)) return undefined;
        if (text.startsWith("/")) await conversation.halt({ next: true });
        const day = parseDay(text);
        if (day && day <= today && (earliest === undefined || day >= earliest)) return day;
        await next.reply(t("filed.bad_day"));
      }
    };
    const stop = () => ctx.reply(t("filed.cancelled"), { reply_markup: new InlineKeyboard().text(deps.i18n.getFixedT(lang)("menu.main"), cb.menu("main")) });

    if (entry.reminderId !== undefined) {
      const known = await conversation.external(() => deps.reminders.list(entry.contactId).find((r) => r.id === entry.reminderId)?.filing ?? null);
      if (known === null) return void (await ctx.reply(t("reminders.unknown")));
      const got = await answer(t("reminders.ask_admissible"), new InlineKeyboard(), /^$/, known.filedOn);
      if (typeof got !== "string") return void (await stop());
      const result = await conversation.external(() => deps.reminders.setAdmissible(entry.contactId, entry.reminderId!, got));
      if (result === "unknown") return void (await ctx.reply(t("reminders.unknown")));
      if (!result) return void (await ctx.reply(t("reminders.updated_passed", { deadline: deadlineOf({ ...known, admissibleOn: got }) })));
      return void (await ctx.reply(t("reminders.updated", reminderWords(t, result))));
    }

    let kind = entry.kind;
    if (!kind) {
      const kb = new InlineKeyboard();
      for (const k of FILED_KINDS) kb.text(t(`filed.kind.${k}`), filedAnswer.kind(k)).row();
      // A typed day is no answer here: only the buttons are.
      let got: RegExpExecArray | string | undefined;
      while (typeof (got = await answer(t("filed.ask_kind"), kb, filedAnswer.kind.filter)) === "string");
      if (got === undefined) return void (await stop());
      kind = filedAnswer.kind.value(got);
    }
    const filedOn = await answer(t("filed.ask_day"), new InlineKeyboard().text(t("filed.today"), filedAnswer.today()).row(), filedAnswer.today.filter);
    if (filedOn === undefined) return void (await stop());
    const filing: Filing = { kind, filedOn: typeof filedOn === "string" ? filedOn : today };
    const admissible = await answer(t("filed.ask_admissible"), new InlineKeyboard().text(t("filed.not_yet"), filedAnswer.notYet()).row(), filedAnswer.notYet.filter, filing.filedOn);
    if (admissible === undefined) return void (await stop());
    if (typeof admissible === "string") filing.admissibleOn = admissible;

    const recorded = await conversation.external(() => deps.reminders.add(entry.contactId, filing) ?? null);
    const menu = new InlineKeyboard().text(deps.i18n.getFixedT(lang)("menu.main"), cb.menu("main"));
    if (!recorded) return void (await ctx.reply(t("filed.passed", { deadline: deadlineOf(filing) }), { reply_markup: menu }));
    await ctx.reply(t("filed.recorded", reminderWords(t, recorded, "filed")), { reply_markup: menu });
  };
}
