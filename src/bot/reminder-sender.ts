import { GrammyError, InlineKeyboard } from "grammy";
import type { TFunction } from "i18next";
import type { Reminder } from "../ccf/reminders.js";
import { countedFrom, reminderWords } from "./conversations/filed.js";
import type { AppDeps } from "./deps.js";
import { cb } from "./keyboards.js";

/**
 * Sends the CCF reminders that are due, each at most once: claimed (and
 * committed) before it goes, moved on after. A 429 or a network error
 * means it did not go: it is tried on the next round. Returns how many went.
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
      await route.api.sendMessage(route.chatIdOf(contact.address.chatId), reminderText(t, r), {
        reply_markup: new InlineKeyboard().text(menu("faq.human"), cb.menu("lawyer")).row().text(menu("menu.main"), cb.menu("main")),
      });
      deps.reminders.settle(r);
      sent++;
    } catch (error) {
      const refused = error instanceof GrammyError && error.error_code !== 429 && error.error_code < 500;
      // Refused for good (blocked, gone): it is not tried again. Otherwise it did not go, and will.
      if (refused) deps.reminders.settle(r);
      else deps.reminders.unclaim(r);
      deps.log.warn({ err: error, refused }, "CCF reminder not sent");
    }
  }
  return sent;
}

function reminderText(t: TFunction, r: Reminder): string {
  return t(`reminders.${r.stage}`, { ...reminderWords(t, r), from: countedFrom(t, r.filing, "reminders") });
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
