import { textFor } from "../broadcast/broadcasts.js";
import { BroadcastRunner, type RunnerOptions } from "../broadcast/runner.js";
import { renderWarning } from "./conversations/broadcast.js";
import { asRelayFailure } from "./delivery.js";
import type { AppDeps } from "./deps.js";

/**
 * Starts sending broadcast jobs over the running transports: paced per
 * messenger, through each messenger's API without automatic retries (the
 * runner waits out 429s for the whole lane), with the admin's progress
 * message edited in place where the messenger can edit.
 */
export function startBroadcasting(deps: AppDeps, overrides: Partial<RunnerOptions> = {}): BroadcastRunner {
  const { config } = deps;
  const runner = new BroadcastRunner(deps.broadcasts, deps.contacts, {
    render: (job, language) => renderWarning(deps.i18n.getFixedT(language), textFor(job, language)),
    send: async (to, text) => {
      const route = deps.routes.get(to.messenger);
      if (!route) throw asRelayFailure(new Error("no route"));
      try {
        await (route.bulkApi ?? route.api).sendMessage(route.chatIdOf(to.chatId), text, { link_preview_options: { is_disabled: true } });
      } catch (error) {
        throw asRelayFailure(error);
      }
    },
    progress: async (job, progress, rate, final) => {
      const admin = job.adminId ? deps.staff.byId(job.adminId) : undefined;
      const route = admin && deps.routes.get(admin.address.messenger);
      if (!admin || !route) return;
      const t = deps.i18n.getFixedT(admin.language);
      const chatId = route.chatIdOf(admin.address.chatId);
      try {
        if (final) {
          const key = job.status === "cancelled" ? "broadcast.cancel_done" : "broadcast.finished";
          await route.api.sendMessage(chatId, t(key, { id: job.id, ...progress }));
        } else if (route.editsInPlace && job.progressMessageId) {
          const eta = rate > 0 ? Math.ceil(progress.pending / rate) : 0;
          await route.api.editMessageText(chatId, job.progressMessageId, t("broadcast.progress", {
            id: job.id, ...progress, rate: Math.round(rate), eta: t("broadcast.seconds", { count: eta }),
          }));
        }
      } catch (err) {
        deps.log.warn({ err }, "broadcast progress not shown");
      }
    },
    unreachable: (contactId) => void deps.subscriptions.remove(contactId),
  }, {
    rates: { telegram: config.BROADCAST_TELEGRAM_PER_SECOND, signal: config.BROADCAST_SIGNAL_PER_SECOND },
    defaultRate: config.BROADCAST_TELEGRAM_PER_SECOND,
    slots: config.BROADCAST_SLOTS,
    perChatMs: 1000,
    progressMs: 3000,
    now: deps.now,
    ...overrides,
  });
  runner.start([...deps.routes.keys()]);
  deps.broadcastRunner = runner;
  return runner;
}
