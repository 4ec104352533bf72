import type { Conversation } from "@grammyjs/conversations";
import { InlineKeyboard, type Context } from "grammy";
import type { TFunction } from "i18next";
import { isLanguage, type Language } from "../../i18n/languages.js";
import { choiceByLabel, next, position, type IntakeEvent } from "../../intake/next.js";
import { CHOICES, FIRST_YEAR, MAX_TEXT, OPTIONAL, STEPS, type IntakeAnswers, type IntakeDraft, type Step } from "../../intake/questions.js";
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
function question(t: TFunction, draft: IntakeDraft, typingCountry: boolean): Message {
  const { step, atSummary } = position(draft);
  if (atSummary) {
    return [`${t("intake.summary_title")}\n\n${summaryText(t, draft.answers)}`, {
      reply_markup: new InlineKeyboard()
        .text(t("intake.confirm"), data("confirm")).row()
        .text(t("intake.edit"), data("editlist")).row()
        .text(t("intake.cancel"), data("cancel")),
    }];
  }
  if (typingCountry) {
    return [t("intake.other_country"), { reply_markup: new InlineKeyboard().text(t("intake.back"), data("back")).text(t("intake.cancel"), data("cancel")) }];
  }
  return [t(`intake.q.${step}`), { reply_markup: questionKeyboard(t, step, draft.step === 0) }];
}

const empty = (): IntakeDraft => ({ step: 0, answers: {} });

/**
 * The guided intake. Every answer is saved to the person's sealed draft as
 * it is given, and the draft is read at every answer: a timeout or a restart
 * loses nothing, and entering again continues at the same step.
 */
export function createIntake(deps: AppDeps) {
  /** An answer later than this after its question ends the conversation (the draft stays): the person has moved on. */
  const timeoutMs = 30 * 60 * 1000;
  /** The draft an update saved, by its outside context: what the store holds when the step's rewind asks the next question. */
  const savedBy = new WeakMap<Context, IntakeDraft>();

  return async function intake(conversation: Conversation<BotContext, Context>, _ctx: Context, contactId: string, language: string): Promise<void> {
    const lang: Language = isLanguage(language) ? language : "en";
    const t = deps.i18n.getFixedT(lang);
    /**
     * Sends a message from outside the replay: the log then keeps that it was
     * sent, not the whole message Telegram echoes back (text, keyboard and the
     * bot's own profile). The message is made only when sent: a replay skips it.
     */
    const say = (message: () => Message) => conversation.external(async (outside) => {
      await outside.reply(...message());
    });

    const entry: unknown = await conversation.external(async (outside) => {
      const stored = deps.drafts.load(contactId) !== undefined;
      await outside.reply(stored ? t("intake.resume") : t("intake.start", { days: deps.config.RETENTION_INTAKE_DAYS }));
      return { resumed: stored, entered: deps.now() };
    });
    if (typeof entry !== "object" || entry === null || !("entered" in entry)) {
      // A log an earlier version of the intake wrote (before an upgrade) does not replay
      // here: the conversation ends, the rest of the bot answers, the draft waits in the menu.
      await conversation.halt({ next: true });
    }
    const { resumed, entered } = entry as { resumed: boolean; entered: number };
    /** Saves the draft; the next question goes out right after, so the draft's time is also when it was asked. */
    const store = (draft: IntakeDraft) => conversation.external((outside) => {
      deps.drafts.save(contactId, draft);
      savedBy.set(outside, structuredClone(draft));
    });

    // Each answer ends in a rewind to here, so the replay log (replayed at every
    // update) holds one step, not every step so far. Nothing in it after this
    // point tells one step from the next (the answers live in the draft, read
    // at each answer), so the conversation's stored state stays as it is from
    // one step to the next, and is not sealed and written again.
    const top = conversation.checkpoint();
    // `saved`: whether a draft has been stored; if it then disappears, the intake was finished.
    // `asked`: when the question went out, for the timeout, where no draft says it
    // (its time is when it was saved, and the question went out right after). The
    // timeout is kept this way rather than by the conversation's own timed wait,
    // whose clock readings are in the log and change it at every step.
    const { saved, asked: first } = await conversation.external(async (outside) => {
      const current = savedBy.get(outside) ?? deps.drafts.load(contactId)?.draft ?? null;
      await outside.reply(...question(t, current ?? empty(), false));
      return { saved: resumed || current !== null, ...(current === null ? { asked: deps.now() } : {}) };
    });
    let asked = first ?? entered;

    let draft = empty();
    let typingCountry = false;
    for (;;) {
      const answer = await conversation.wait();
      const reply = interpret(answer);
      // The stored draft is the answers so far, whatever the replay holds: it is
      // written before each answer is acknowledged, the conversation's state after.
      const { latest, at, late } = await conversation.external(async (outside) => {
        const now = deps.now();
        const found = deps.drafts.load(contactId);
        const stored = found?.draft ?? null;
        const late = now - Math.max(entered, asked, found?.savedAt ?? 0) >= timeoutMs;
        if (!late && reply.kind !== "leave" && !(stored === null && saved) && outside.callbackQuery) await outside.answerCallbackQuery();
        return { latest: stored, at: now, late };
      });
      // Too late: the rest of the bot answers it; the draft waits for the person to come back.
      if (late) await conversation.halt({ next: true });
      if (latest === null && saved) {
        // Confirmed or cancelled, and a crash lost that: the intake is over.
        await conversation.halt({ next: true });
      }
      if (reply.kind === "leave") {
        // Another command or menu: the draft is saved; let the rest of the bot handle it.
        await conversation.halt({ next: true });
      }
      if (latest !== null) {
        // A country being typed is for the draft it was asked with.
        if (typingCountry && JSON.stringify(latest) !== JSON.stringify(draft)) typingCountry = false;
        draft = latest;
      }
      const now = new Date(at);
      const { step, atSummary } = position(draft);
      const event: IntakeEvent = reply.kind === "text" && !atSummary
        ? { ...reply, asChoice: choiceByLabel(step, reply.text, (c) => t(`intake.choice.${step}.${c}`)) }
        : (reply as IntakeEvent);
      const { state, result } = next({ draft, typingCountry }, event, now);
      draft = state.draft;
      typingCountry = state.typingCountry;

      switch (result.then) {
        case "save":
          await store(draft);
          break;
        case "ask":
          break;
        case "refuse": {
          const max = MAX_TEXT[step as keyof typeof MAX_TEXT] ?? 0;
          const key = result.reason === "stale" ? "errors.stale" : `intake.invalid.${result.reason}`;
          await say(() => [t(key, { year: now.getUTCFullYear(), max, first: FIRST_YEAR })]);
          // The question is asked again: its time starts again.
          if (latest !== null) await store(draft);
          break;
        }
        case "cancel":
          await conversation.external(() => deps.drafts.delete(contactId));
          await say(() => [t("intake.cancelled"), { reply_markup: new InlineKeyboard().text(t("menu.main"), cb.menu("main")) }]);
          return;
        case "confirm": {
          const answers = draft.answers;
          const ref = await conversation.external(() => {
            const opened = deps.cases.openOrJoin(contactId, { answers, language: lang }).case;
            deps.drafts.delete(contactId);
            return opened.ref;
          });
          await say(() => [t("intake.done", { ref }), {
            reply_markup: new InlineKeyboard().text(t("menu.lawyer"), cb.menu("lawyer")).row().text(t("menu.card"), cb.menu("card")).row()
              .text(t("menu.main"), cb.menu("main")),
          }]);
          return;
        }
        case "editlist":
          await say(() => {
            const kb = new InlineKeyboard();
            for (const s of STEPS) kb.text(t(`intake.label.${s}`), data("edit", s)).row();
            return [t("intake.edit_which"), { reply_markup: kb.text(t("intake.back"), data("back")) }];
          });
          await store(draft);
          break;
      }
      // "Other country" waits for the name within this step; otherwise the step is done.
      if (!typingCountry) await conversation.rewind(top);
      asked = await conversation.external(async (outside) => {
        await outside.reply(...question(t, draft, typingCountry));
        return deps.now();
      });
    }
  };
}
