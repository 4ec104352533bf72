import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * A module loaded the first time it is used rather than at start-up: in the
 * bundle, a static import is loaded into every process, whether it ever uses
 * the module or not (a Telegram-only desk has no use for axios or ws, and
 * most processes never draw a card or send a broadcast).
 */
export function loadLater<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
