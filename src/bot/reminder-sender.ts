import { InlineKeyboard } from "grammy";
import { RelayFailure } from "../relay/outbox.js";
import { reminderWords } from "./conversations/filed.js";
import { asRelayFailure } from "./delivery.js";
import type { AppDeps } from "./deps.js";
import { cb } from "./keyboards.js";

/**
 * Sends the CCF reminders that are due: each claimed (and committed) before
 * it goes and moved on after, so a crash never sends one twice. Errors are
 * read as the relay reads them: a refusal for good (blocked, gone) drops the
 * reminder; a 429, 5xx or network error is tried on the next round (after a
 * network error that cut off Telegram's answer, the person may rarely get a
 * second copy). Returns how many went.
 */
export async function sendDueReminders(deps: AppDeps): Promise<number> {
  let sent = 0;
  for (const r of deps.reminders.due()) {
    const contact = deps.contacts.byId(r.contactId);
    const route = contact && deps.routes.get(contact.address.messenger);
    // That messenger is not running in this process: the reminder waits for it.
    if (!contact || !route) continue;
    if (!deps.reminders.claim(r)) continue;
    const t = deps.i18n.getFixedT(contact.language, "kit");
    const menu = deps.i18n.getFixedT(contact.language);
    try {
      await route.api.sendMessage(route.chatIdOf(contact.address.chatId), t(`reminders.${r.stage}`, reminderWords(t, r)), {
        reply_markup: new InlineKeyboard().text(menu("faq.human"), cb.menu("lawyer")).row().text(menu("menu.main"), cb.menu("main")),
      });
      deps.reminders.settle(r);
      sent++;
    } catch (error) {
      const failure = asRelayFailure(error);
      const refused = !(failure instanceof RelayFailure) || failure.kind !== "retry";
      if (refused) deps.reminders.settle(r);
      else deps.reminders.unclaim(r);
      deps.log.warn({ err: error, refused }, "CCF reminder not sent");
    }
  }
  return sent;
}

/**
 * Sends due reminders now and every `everyMs`. Reminders that were going out
 * when the process last stopped are counted and not sent again.
 */
export function startReminders(deps: AppDeps, everyMs = 10 * 60 * 1000): () => void {
  const ambiguous = deps.reminders.recover();
  if (ambiguous > 0) deps.log.warn({ ambiguous }, "CCF reminders were going out at the last stop; not sent again");
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      await sendDueReminders(deps);
    } catch (err) {
      deps.log.error({ err }, "CCF reminders failed");
    } finally {
      running = false;
    }
  };
  void run();
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
