/**
 * Telegram's user and chat objects carry names and usernames. The
 * conversations plugin keeps every update of a conversation to replay it, so
 * before its state is stored these go: a name stored for a week is a name an
 * attacker with the key can read, and no flow needs it. Ids stay, because a
 * replayed update must still reach the same chat.
 */
const NAMES = new Set(["first_name", "last_name", "username", "title"]);

export function withoutNames<T>(value: T): T {
  return strip(value) as T;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (!NAMES.has(key)) out[key] = strip(inner);
    // Required by the Bot API's User type: kept, but says nothing.
    else if (key === "first_name") out[key] = "-";
  }
  return out;
}
