import type { Composer, Context } from "grammy";

/**
 * A feature's commands and its buttons, each behind one filter. grammY runs
 * every `command()` and `callbackQuery()` filter (and builds a composer for
 * it) on each update that reaches it; grouped, a plain message passes all of
 * a feature's commands and buttons with two checks. Call it before any other
 * message handler of the feature, so commands keep coming first.
 */
export function byKind<C extends Context>(composer: Composer<C>) {
  return {
    commands: composer.on(":entities:bot_command"),
    buttons: composer.on("callback_query:data"),
  };
}
