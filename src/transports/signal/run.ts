import { alertAdmins } from "../../bot/admin-alerts.js";
import type { Runtime } from "../../runtime.js";
import { SignalTransport } from "./transport.js";

/** Starts the Signal transport from the configuration, with `/health` and admin alerts wired in. */
export async function runSignal(runtime: Runtime): Promise<SignalTransport> {
  const { deps } = runtime;
  const { SIGNAL_API_URL, SIGNAL_NUMBER } = deps.config;
  if (!SIGNAL_API_URL || !SIGNAL_NUMBER) throw new Error("SIGNAL_API_URL and SIGNAL_NUMBER are not set");
  const address = (chatId: number) => ({ messenger: "signal", chatId: deps.routes.get("signal")!.addressOf(chatId) });
  const transport: SignalTransport = new SignalTransport(deps, runtime.store, runtime.keyring, {
    apiUrl: SIGNAL_API_URL,
    number: SIGNAL_NUMBER,
    mode: deps.config.SIGNAL_RECEIVE_MODE,
    pollSeconds: deps.config.SIGNAL_POLL_SECONDS,
    pollMaxMessages: deps.config.SIGNAL_POLL_MAX_MESSAGES,
    heartbeatSeconds: deps.config.SIGNAL_HEARTBEAT_SECONDS,
    rateLimitPauseSeconds: deps.config.SIGNAL_RATE_LIMIT_PAUSE_SECONDS,
    disappearingSeconds: deps.config.SIGNAL_DISAPPEARING_SECONDS,
    newSafetyNumbers: deps.config.SIGNAL_NEW_SAFETY_NUMBERS,
    inCase: (chatId) => deps.desk.inCase(address(chatId)),
    onSafetyNumberHeld: (chatId) => deps.desk.safetyNumberHeld(address(chatId)),
    onRateLimited: (tokens) => {
      deps.log.warn("signal rate limit: sending paused");
      void alertAdmins(deps, (lang) => deps.i18n.getFixedT(lang)("alert.signal_rate_limited", { token: tokens[0] ?? "—" }), "signal");
    },
  });
  deps.health.set("signal", () => ({
    mode: deps.config.SIGNAL_RECEIVE_MODE,
    server: transport.health.server,
    connected: transport.health.connected,
    lossWindow: transport.lossWindow(),
    lastError: transport.health.lastError,
    pausedUntil: transport.health.pausedUntil === null ? null : new Date(transport.health.pausedUntil).toISOString(),
    pendingEnvelopes: transport.health.pendingEnvelopes,
    heldReplies: transport.heldReplies,
    timerFailures: transport.health.timerFailures,
    fileDeleteFailures: transport.health.fileDeleteFailures,
  }));
  await transport.start();
  deps.log.info({ mode: deps.config.SIGNAL_RECEIVE_MODE, server: transport.health.server }, "signal transport started");
  return transport;
}
