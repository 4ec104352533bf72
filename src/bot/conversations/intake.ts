import type { Conversation } from "@grammyjs/conversations";
import { InlineKeyboard, type Context } from "grammy";
import type { TFunction } from "i18next";
import { isLanguage, type Language } from "../../i18n/languages.js";
import { choiceByLabel, next, position, type IntakeEvent } from "../../intake/next.js";
import { answered, CHOICES, FIRST_YEAR, MAX_TEXT, OPTIONAL, STEPS, type IntakeAnswers, type IntakeDraft, type Step } from "../../intake/questions.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";
import { cb } from "../keyboards.js";

export const INTAKE = "intake";

/** Callback data of intake buttons: `intake:<action>[:<value>]`. */
const data = (action: string, value?: string) => (value === undefined ? `intake:${action}` : `intake:${action}:${value}`);
const INTAKE_DATA = /^intake:(choose|edit|back|skip|cancel|confirm|editlist|other)(?::([A-Za-z-]{1,30}))?$/;

/** How a step's answer reads in the summary. */
export function answerLabel(t: TFunction, step: Step, answers: IntakeAnswers): string {
  const value = answers[step];
  if (value === undefined || value === null) return t("intake.skipped");
  if (step === "share") return t(`intake.choice.share.${value ? "yes" : "no"}`);
  if (typeof value === "number") return String(value);
  const choices = CHOICES[step];
  return choices.includes(value as string) ? t(`intake.choice.${step}.${value as string}`) : (value as string);
}

/** Every question with its answer ("—" where skipped); `answeredOnly` leaves out the unanswered. */
export function summaryText(t: TFunction, answers: IntakeAnswers, answeredOnly = false): string {
  const steps = answeredOnly ? STEPS.filter((step) => answers[step] !== undefined) : STEPS;
  return steps.map((step) => `${t(`intake.label.${step}`)}: ${answerLabel(t, step, answers)}`).join("\n");
}

function questionKeyboard(t: TFunction, step: Step, first: boolean): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const choice of CHOICES[step]) {
    kb.text(t(`intake.choice.${step}.${choice}`), choice === "other" ? data("other") : data("choose", choice)).row();
  }
  if (OPTIONAL.has(step)) kb.text(t("intake.skip"), data("skip")).row();
  if (!first) kb.text(t("intake.back"), data("back"));
  return kb.text(t("intake.cancel"), data("cancel"));
}

/** A message as `reply` takes it. */
type Message = [text: string, other?: Parameters<Context["reply"]>[1]];

type Reply =
  | { kind: "choose"; value: string }
  | { kind: "text"; text: string }
  | { kind: "back" | "skip" | "cancel" | "confirm" | "editlist" | "other" }
  | { kind: "edit"; step: string }
  | { kind: "leave" }
  | { kind: "not-text" }
  | { kind: "stale" };

/** Reads what the person did in answer to a question. */
function interpret(ctx: Context): Reply {
  const query = ctx.callbackQuery?.data;
  if (query !== undefined) {
    const match = INTAKE_DATA.exec(query);
    if (!match) return query.startsWith("intake:") ? { kind: "stale" } : { kind: "leave" };
    const [, action, value] = match;
    if (action === "choose") return value ? { kind: "choose", value } : { kind: "stale" };
    if (action === "edit") return value ? { kind: "edit", step: value } : { kind: "stale" };
    return { kind: action as "back" | "skip" | "cancel" | "confirm" | "editlist" | "other" };
  }
  const text = ctx.message?.text;
  if (text === undefined) return ctx.message ? { kind: "not-text" } : { kind: "leave" };
  const command = /^\/([a-z_]+)/i.exec(text)?.[1]?.toLowerCase();
  if (command === "cancel") return { kind: "cancel" };
  if (command === "back") return { kind: "back" };
  if (command === "skip") return { kind: "skip" };
  if (command !== undefined) return { kind: "leave" };
  return { kind: "text", text };
}

/** The question the draft is at, as sent: the summary, the "type the country" prompt, or a step's question. */
function question(t: TFunction, draft: IntakeDraft): Message {
  const { step, atSummary } = position(draft);
  if (atSummary) {
    return [`${t("intake.summary_title")}\n\n${summaryText(t, draft.answers)}`, {
      reply_markup: new InlineKeyboard()
        .text(t("intake.confirm"), data("confirm")).row()
        .text(t("intake.edit"), data("editlist")).row()
        .text(t("intake.cancel"), data("cancel")),
    }];
  }
  if (draft.typingCountry) {
    return [t("intake.other_country"), { reply_markup: new InlineKeyboard().text(t("intake.back"), data("back")).text(t("intake.cancel"), data("cancel")) }];
  }
  return [t(`intake.q.${step}`), { reply_markup: questionKeyboard(t, step, draft.step === 0) }];
}

const empty = (): IntakeDraft => ({ step: 0, answers: {} });

/** What the conversation does once an answer has been handled. */
type Outcome = "next" | "pass" | "done";

/**
 * The guided intake. The person's sealed draft holds everything: the answers,
 * the step, whether a typed country is awaited, and (by when it was saved)
 * when the question went out. It is read and saved at every answer, so a
 * timeout or a restart loses nothing, and entering again continues at the same
 * step. Each answer is handled in one step outside the replay and then
 * skipped: the conversation's own state is written once, on entry, and a
 * replay is never longer than that entry and one answer.
 */
export function createIntake(deps: AppDeps) {
  /** An answer later than this after its question ends the conversation (the draft stays): the person has moved on. */
  const timeoutMs = 30 * 60 * 1000;

  return async function intake(conversation: Conversation<BotContext, Context>, _ctx: Context, contactId: string, language: string): Promise<void> {
    const lang: Language = isLanguage(language) ? language : "en";
    const t = deps.i18n.getFixedT(lang);

    // A draft is stored from the start, so that one missing later means the
    // intake ended (confirmed, cancelled, expired, erased), even where a crash
    // lost the conversation's record of it. One already there is saved again:
    // opening the intake is using it, and its days start again, as at an answer.
    const entry: unknown = await conversation.external(async (outside) => {
      const draft = deps.drafts.load(contactId)?.draft ?? empty();
      deps.drafts.save(contactId, draft);
      await outside.reply(answered(draft) ? t("intake.resume") : t("intake.start", { days: deps.config.RETENTION_INTAKE_DAYS }));
      await outside.reply(...question(t, draft));
      return { entered: deps.now() };
    });
    if (typeof entry !== "object" || entry === null || !("entered" in entry)) {
      // A log an earlier version of the intake wrote (before an upgrade) does not replay
      // here: the conversation ends, the rest of the bot answers, the draft waits in the menu.
      await conversation.halt({ next: true });
    }
    const { entered } = entry as { entered: number };

    for (;;) {
      const answer = await conversation.wait();
      const reply = interpret(answer);
      // Another command or menu: the draft is saved; let the rest of the bot handle it.
      if (reply.kind === "leave") await conversation.halt({ next: true });
      const outcome = await conversation.external((outside) => handle(outside, reply));
      // "pass": too late, or the intake is over; the rest of the bot answers.
      if (outcome === "pass") await conversation.halt({ next: true });
      if (outcome === "done") return;
      // Handled in full: the conversation's state stays as it was before the answer.
      await conversation.skip({ next: false });
    }

    /** One answer, from reading the draft to asking what comes next. */
    async function handle(outside: Context, reply: Reply): Promise<Outcome> {
      const now = deps.now();
      const found = deps.drafts.load(contactId);
      // No draft: confirmed or cancelled (a crash may have lost that), or expired or erased.
      if (!found) return "pass";
      // Too late: the draft waits for the person to come back.
      if (now - Math.max(entered, found.savedAt ?? 0) >= timeoutMs) return "pass";
      if (outside.callbackQuery) await outside.answerCallbackQuery();
      const { step, atSummary } = position(found.draft);
      const event: IntakeEvent = reply.kind === "text" && !atSummary
        ? { ...reply, asChoice: choiceByLabel(step, reply.text, (c) => t(`intake.choice.${step}.${c}`)) }
        : (reply as IntakeEvent);
      const at = new Date(now);
      const { draft, result } = next(found.draft, event, at);
      switch (result.then) {
        case "cancel":
          deps.drafts.delete(contactId);
          await outside.reply(t("intake.cancelled"), { reply_markup: new InlineKeyboard().text(t("menu.main"), cb.menu("main")) });
          return "done";
        case "confirm": {
          const ref = deps.cases.openOrJoin(contactId, { answers: draft.answers, language: lang }).case.ref;
          deps.drafts.delete(contactId);
          await outside.reply(t("intake.done", { ref }), {
            reply_markup: new InlineKeyboard().text(t("menu.lawyer"), cb.menu("lawyer")).row().text(t("menu.card"), cb.menu("card")).row()
              .text(t("menu.main"), cb.menu("main")),
          });
          return "done";
        }
        case "refuse": {
          const max = MAX_TEXT[step as keyof typeof MAX_TEXT] ?? 0;
          const key = result.reason === "stale" ? "errors.stale" : `intake.invalid.${result.reason}`;
          await outside.reply(t(key, { year: at.getUTCFullYear(), max, first: FIRST_YEAR }));
          break;
        }
        default:
          break;
      }
      // Saved before the next question goes out: its time is when that question was asked.
      deps.drafts.save(contactId, draft);
      if (result.then === "editlist") {
        const kb = new InlineKeyboard();
        for (const s of STEPS) kb.text(t(`intake.label.${s}`), data("edit", s)).row();
        await outside.reply(t("intake.edit_which"), { reply_markup: kb.text(t("intake.back"), data("back")) });
      } else {
        await outside.reply(...question(t, draft));
      }
      return "next";
    }
  };
}
