import { readFileSync } from "node:fs";
import { parseEmergencyContacts, type EmergencyContact } from "../emergency/contacts.js";
import { checkObject, Invalid, matching, number, oneOf, optional, string, url, withDefault, type Check, type Checked, type Problem } from "./checks.js";
import { StartupError } from "./startup-error.js";
import { LANGUAGES } from "../i18n/languages.js";

/** An admin as written in `ADMINS`: which messenger, and the id on it. */
export interface AdminRef {
  messenger: "telegram" | "signal";
  id: string;
}

/** `ADMINS`: comma-separated `telegram:<numeric id>` or `signal:<+number or uuid>`. */
const adminList: Check<AdminRef[]> = (raw) => {
  const refs: AdminRef[] = [];
  for (const item of (typeof raw === "string" ? raw : "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const match = /^(telegram|signal):(.+)$/.exec(item);
    const id = match?.[2]?.trim() ?? "";
    const valid = match?.[1] === "telegram"
      ? /^\d{1,16}$/.test(id)
      : /^(\+\d{6,16}|[0-9a-f-]{36})$/i.test(id);
    if (!match || !valid) throw new Invalid(`entry #${refs.length + 1} must look like telegram:<numeric id> or signal:<+number or uuid>`);
    refs.push({ messenger: match[1] as AdminRef["messenger"], id });
  }
  return refs;
};

/** Read and checked here, at start-up: the bot shows these numbers to people in custody. */
const emergencyContactsFile: Check<EmergencyContact[]> = withDefault((raw) => {
  let text: string;
  try {
    text = readFileSync(string(1)(raw), "utf8");
  } catch {
    throw new Invalid("cannot be read (is the path right?)");
  }
  try {
    return parseEmergencyContacts(text);
  } catch (error) {
    throw new Invalid((error as Error).message);
  }
}, []);

/** An ISO 8601 instant with its offset (`2026-03-01T09:00:00Z`), or a day (`2026-03-01`), as epoch milliseconds. */
const instant: Check<number> = (raw) => {
  const value = string()(raw);
  const day = /^\d{4}-\d{2}-\d{2}$/;
  const moment = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
  const [y, m, d] = value.slice(0, 10).split("-").map(Number) as [number, number, number];
  // Date.parse takes 2026-02-30 for 2 March: the day must exist as written.
  const real = new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d && m >= 1 && m <= 12;
  const at = real && (day.test(value) || moment.test(value)) ? Date.parse(value) : NaN;
  if (!Number.isFinite(at)) throw new Invalid("must be an ISO 8601 date (2026-03-01) or date and time with offset (2026-03-01T09:00:00Z)");
  return at;
};

const whole = (min: number, max: number, fallback: number) => withDefault(number(min, max), fallback);
const rate = (min: number, max: number, fallback: number) => withDefault(number(min, max, false), fallback);

const shape = {
  TELEGRAM_BOT_TOKEN: optional(matching(/^\d+:[A-Za-z0-9_-]{20,}$/, "must look like 123456:ABC-DEF… as given by @BotFather")),
  TELEGRAM_API_ROOT: withDefault(url(["http", "https"], "must be an http(s) URL", true), "https://api.telegram.org"),
  WEBHOOK_URL: optional(url(["https"], "must be an https URL")),
  WEBHOOK_SECRET: optional(matching(/^[A-Za-z0-9_-]{16,256}$/, "must be 16–256 characters of A-Z, a-z, 0-9, _ and -")),
  WEBHOOK_HOST: withDefault(string(), "127.0.0.1"),
  WEBHOOK_PORT: whole(0, 65535, 8080),
  SIGNAL_API_URL: optional(url(["http", "https"], "must be the http(s) URL of signal-cli-rest-api", true)),
  SIGNAL_NUMBER: optional(matching(/^\+\d{6,16}$/, "must be the bot's number in international format, e.g. +4915…")),
  /** `poll` (normal/native mode) loses nothing; `websocket` (json-rpc mode) is faster but drops what arrives while disconnected. */
  SIGNAL_RECEIVE_MODE: withDefault(oneOf(["websocket", "poll"]), "poll"),
  /** Seconds without an envelope after which a receive returns (`signal-cli receive -t`): a reply waits this long at least. */
  SIGNAL_POLL_SECONDS: whole(1, 60, 1),
  /** Envelopes after which a receive returns even while more keep coming. */
  SIGNAL_POLL_MAX_MESSAGES: whole(1, 1000, 10),
  SIGNAL_HEARTBEAT_SECONDS: whole(1, 300, 10),
  /** How long sending to Signal pauses after a rate limit; replies meanwhile are held and sent after. */
  SIGNAL_RATE_LIMIT_PAUSE_SECONDS: whole(1, 3600, 60),
  SIGNAL_DISAPPEARING_SECONDS: whole(0, 365 * 24 * 3600, 7 * 24 * 3600),
  /**
   * A person's changed safety number: `hold` (default) keeps messages to someone with an
   * open case until their volunteer confirms it (/trust), and trusts it for anyone else;
   * `trust` always trusts; `refuse` never does (they are unreachable until re-verified).
   */
  SIGNAL_NEW_SAFETY_NUMBERS: withDefault(oneOf(["hold", "trust", "refuse"]), "hold"),
  DATABASE_PATH: withDefault(string(1), "./data/notice-desk.sqlite"),
  MASTER_KEY: optional(string()),
  MASTER_KEY_FILE: optional(string(1)),
  ADMINS: adminList,
  STAFF_GROUP: optional(matching(/^-\d{1,20}$/, "must be a Telegram group's chat id, e.g. -1001234567890")),
  DEFAULT_LANGUAGE: withDefault(oneOf(LANGUAGES), "ru"),
  EMERGENCY_CONTACTS_FILE: emergencyContactsFile,
  RETENTION_INTAKE_DAYS: whole(1, 365, 7),
  RETENTION_CASE_DAYS: whole(1, 3650, 90),
  RETENTION_IDLE_DAYS: whole(1, 3650, 180),
  /** How long the audit of staff actions is kept. */
  RETENTION_AUDIT_DAYS: whole(1, 3650, 90),
  RELAY_DEADLINE_MINUTES: whole(1, 7 * 24 * 60, 60),
  URGENT_REALERT_MINUTES: whole(1, 24 * 60, 5),
  /** Need-to-know: how many cases a volunteer may hold at once, and take in an hour. */
  MAX_OPEN_CASES: whole(1, 100, 3),
  MAX_TAKES_PER_HOUR: whole(1, 1000, 10),
  /** Releases in a day beyond which each one is reported to the admins. */
  MAX_RELEASES_PER_DAY: whole(0, 1000, 3),
  MAX_FILE_MB: whole(1, 100, 20),
  BROADCAST_TELEGRAM_PER_SECOND: rate(0.1, 10_000, 25),
  BROADCAST_SIGNAL_PER_SECOND: rate(0.1, 1000, 1),
  BROADCAST_SLOTS: whole(1, 64, 4),
  FLOOD_LIMIT: whole(1, 100_000, 30),
  FLOOD_WINDOW_SECONDS: whole(1, 3600, 10),
  /**
   * Runs the bot's clock from this instant (ISO 8601) instead of now, for
   * trying out and testing what depends on the date (CCF reminders). Never
   * set in production.
   */
  CLOCK_START: optional(instant),
  LOG_LEVEL: withDefault(oneOf(["fatal", "error", "warn", "info", "debug", "trace", "silent"]), "info"),
};

/** Rules across variables, as problems of the variable to change. */
function crossChecks(env: Checked<typeof shape>): Problem[] {
  const problems: Problem[] = [];
  const problem = (name: keyof typeof shape, message: string) => problems.push({ path: [name], message });
  if (env.MASTER_KEY !== undefined && env.MASTER_KEY_FILE !== undefined) problem("MASTER_KEY_FILE", "set MASTER_KEY or MASTER_KEY_FILE, not both");
  if (env.WEBHOOK_URL !== undefined && env.WEBHOOK_SECRET === undefined) problem("WEBHOOK_SECRET", "is required when WEBHOOK_URL is set");
  if ((env.SIGNAL_API_URL === undefined) !== (env.SIGNAL_NUMBER === undefined)) {
    problem(env.SIGNAL_API_URL === undefined ? "SIGNAL_API_URL" : "SIGNAL_NUMBER", "is required together with the other Signal variable");
  }
  if (env.STAFF_GROUP !== undefined && env.TELEGRAM_BOT_TOKEN === undefined) problem("STAFF_GROUP", "is a Telegram group: it needs TELEGRAM_BOT_TOKEN");
  if (env.WEBHOOK_URL !== undefined && env.TELEGRAM_BOT_TOKEN === undefined) problem("TELEGRAM_BOT_TOKEN", "is required when WEBHOOK_URL is set");
  return problems;
}

export type Config = Checked<typeof shape>;

/** Thrown at start-up when the environment is not usable; the message names every bad variable. */
export class ConfigError extends StartupError {
  override name = "ConfigError";
  constructor(message: string) {
    super(`${message}\nSee .env.example for every variable.`, 78);
  }
}

/**
 * Reads and validates the configuration. Values are never echoed back in
 * errors, since some of them are secrets.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const { value, problems } = checkObject(shape, env, false);
  if (problems.length === 0) problems.push(...crossChecks(value));
  if (problems.length === 0) return value;
  const lines = problems.map((problem) => `  ${problem.path[0] ?? "environment"}: ${problem.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
}
