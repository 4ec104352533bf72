import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

/**
 * Fields that must never reach a log line even if someone passes a whole
 * update, context or payload by mistake: message text, names, ids, numbers.
 */
const REDACTED = new Set([
  "text", "caption", "from", "chat", "sender", "contact", "username", "first_name", "last_name",
  "phone", "phone_number", "number", "uuid", "payload", "update", "message", "data", "token", "key",
]);

/**
 * A copy of a log line's fields with every field named in `REDACTED` censored,
 * at any depth (pino's own redaction takes fixed paths only).
 */
function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Error) return safeError(value);
  if (depth > 8 || seen.has(value)) return "[redacted]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [field, inner] of Object.entries(value)) out[field] = REDACTED.has(field) ? "[redacted]" : scrub(inner, depth + 1, seen);
  return out;
}

/**
 * Keeps only what helps debugging without revealing content: the error's
 * class, Bot API method and code, and the stack frames. An error's message
 * can quote the input that caused it, so it is dropped.
 */
export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const e = err as Error & { method?: unknown; error_code?: unknown; code?: unknown; cause?: unknown };
  const frames = (e.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line)).slice(0, 8);
  return {
    type: e.name,
    ...(typeof e.method === "string" ? { method: e.method } : {}),
    ...(typeof e.error_code === "number" ? { error_code: e.error_code } : {}),
    ...(typeof e.code === "string" || typeof e.code === "number" ? { code: e.code } : {}),
    ...(e.cause instanceof Error ? { cause: safeError(e.cause) } : {}),
    stack: frames.map((line) => line.trim()),
  };
}

/** Leaves a field as `scrub` made it (instead of pino's default error serializer). */
const keep = (value: unknown) => value;

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      // Errors, wherever they sit, are reduced by `scrub` (pino runs it before any serializer).
      serializers: { err: keep, error: keep },
      formatters: { log: (fields) => scrub(fields) as Record<string, unknown> },
    },
    destination,
  );
}
