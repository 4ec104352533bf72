/**
 * Telegram's user and chat objects carry names and usernames. The
 * conversations plugin keeps every update of a conversation to replay it, so
 * before its state is stored these go: a name stored for a week is a name an
 * attacker with the key can read, and no flow needs it. Ids stay, because a
 * replayed update must still reach the same chat.
 */
const NAMES = new Set(["first_name", "last_name", "username", "title"]);

/**
 * A `JSON.stringify` replacer that leaves the names out as the value is
 * written: no copy of the value is made (the replay log grows with every
 * step, and is written at every step).
 */
export function withoutNames(key: string, value: unknown): unknown {
  if (!NAMES.has(key)) return value;
  // Required by the Bot API's User type: kept, but says nothing.
  return key === "first_name" ? "-" : undefined;
}
