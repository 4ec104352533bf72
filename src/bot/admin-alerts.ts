import type { AppDeps } from "./deps.js";

/**
 * Tells every admin something about the running bot, over whichever
 * messenger reaches them (a rate-limited Signal is reported over Telegram).
 * Best effort: a failure here is logged, never thrown.
 */
export async function alertAdmins(deps: AppDeps, render: (language: string) => string, except?: string): Promise<number> {
  const targets = new Map<string, { messenger: string; chatId: string; language: string }>();
  for (const member of deps.staff.list()) {
    if (member.role === "admin") targets.set(`${member.address.messenger}:${member.address.chatId}`, { ...member.address, language: member.language });
  }
  for (const ref of deps.config.ADMINS) {
    if (!targets.has(`${ref.messenger}:${ref.id}`)) targets.set(`${ref.messenger}:${ref.id}`, { messenger: ref.messenger, chatId: ref.id, language: deps.config.DEFAULT_LANGUAGE });
  }
  let sent = 0;
  for (const target of targets.values()) {
    const route = deps.routes.get(target.messenger);
    if (!route || target.messenger === except) continue;
    try {
      await route.api.sendMessage(route.chatIdOf(target.chatId), render(target.language));
      sent++;
    } catch (err) {
      deps.log.warn({ err }, "admin alert not delivered");
    }
  }
  return sent;
}
