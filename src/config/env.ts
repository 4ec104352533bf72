import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseEmergencyContacts, type EmergencyContact } from "../emergency/contacts.js";
import { StartupError } from "./startup-error.js";
import { LANGUAGES } from "../i18n/languages.js";

/** An admin as written in `ADMINS`: which messenger, and the id on it. */
export interface AdminRef {
  messenger: "telegram" | "signal";
  id: string;
}

const adminList = z
  .string()
  .default("")
  .transform((raw, ctx): AdminRef[] => {
    const refs: AdminRef[] = [];
    for (const item of raw.split(",").map((s) => s.trim()).filter(Boolean)) {
      const match = /^(telegram|signal):(.+)$/.exec(item);
      const id = match?.[2]?.trim() ?? "";
      const valid = match?.[1] === "telegram"
        ? /^\d{1,16}$/.test(id)
        : /^(\+\d{6,16}|[0-9a-f-]{36})$/i.test(id);
      if (!match || !valid) {
        ctx.addIssue({
          code: "custom",
          message: `entry #${refs.length + 1} must look like telegram:<numeric id> or signal:<+number or uuid>`,
        });
        return z.NEVER;
      }
      refs.push({ messenger: match[1] as AdminRef["messenger"], id });
    }
    return refs;
  });

const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

const schema = z
  .object({
    TELEGRAM_BOT_TOKEN: optional(
      z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "must look like 123456:ABC-DEF… as given by @BotFather"),
    ),
    TELEGRAM_API_ROOT: z
      .url({ protocol: /^https?$/, message: "must be an http(s) URL" })
      .default("https://api.telegram.org")
      .transform((u) => u.replace(/\/+$/, "")),
    WEBHOOK_URL: optional(z.url({ protocol: /^https$/, message: "must be an https URL" })),
    WEBHOOK_SECRET: optional(
      z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16–256 characters of A-Z, a-z, 0-9, _ and -"),
    ),
    WEBHOOK_HOST: z.string().default("127.0.0.1"),
    WEBHOOK_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    SIGNAL_API_URL: optional(z.url({ protocol: /^https?$/, message: "must be the http(s) URL of signal-cli-rest-api" }).transform((u) => u.replace(/\/+$/, ""))),
    SIGNAL_NUMBER: optional(z.string().regex(/^\+\d{6,16}$/, "must be the bot's number in international format, e.g. +4915…")),
    /** `poll` (normal/native mode) loses nothing; `websocket` (json-rpc mode) is faster but drops what arrives while disconnected. */
    SIGNAL_RECEIVE_MODE: z.enum(["websocket", "poll"]).default("poll"),
    /** Seconds without an envelope after which a receive returns (`signal-cli receive -t`): a reply waits this long at least. */
    SIGNAL_POLL_SECONDS: z.coerce.number().int().min(1).max(60).default(1),
    /** Envelopes after which a receive returns even while more keep coming. */
    SIGNAL_POLL_MAX_MESSAGES: z.coerce.number().int().min(1).max(1000).default(10),
    SIGNAL_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),
    /** How long sending to Signal pauses after a rate limit; replies meanwhile are held and sent after. */
    SIGNAL_RATE_LIMIT_PAUSE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    SIGNAL_DISAPPEARING_SECONDS: z.coerce.number().int().min(0).max(365 * 24 * 3600).default(7 * 24 * 3600),
    /**
     * A person's changed safety number: `hold` (default) keeps messages to someone with an
     * open case until their volunteer confirms it (/trust), and trusts it for anyone else;
     * `trust` always trusts; `refuse` never does (they are unreachable until re-verified).
     */
    SIGNAL_NEW_SAFETY_NUMBERS: z.enum(["hold", "trust", "refuse"]).default("hold"),
    DATABASE_PATH: z.string().min(1).default("./data/notice-desk.sqlite"),
    MASTER_KEY: optional(z.string()),
    MASTER_KEY_FILE: optional(z.string().min(1)),
    ADMINS: adminList,
    STAFF_GROUP: optional(z.string().regex(/^-\d{1,20}$/, "must be a Telegram group's chat id, e.g. -1001234567890")),
    DEFAULT_LANGUAGE: z.enum(LANGUAGES).default("ru"),
    /** Read and checked here, at start-up: the bot shows these numbers to people in custody. */
    EMERGENCY_CONTACTS_FILE: optional(z.string().min(1))
      .transform((path, ctx): EmergencyContact[] => {
        if (path === undefined) return [];
        let text: string;
        try {
          text = readFileSync(path, "utf8");
        } catch {
          ctx.addIssue({ code: "custom", message: "cannot be read (is the path right?)" });
          return z.NEVER;
        }
        try {
          return parseEmergencyContacts(text);
        } catch (error) {
          ctx.addIssue({ code: "custom", message: `${(error as Error).message}` });
          return z.NEVER;
        }
      }),
    RETENTION_INTAKE_DAYS: z.coerce.number().int().min(1).max(365).default(7),
    RETENTION_CASE_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    RETENTION_IDLE_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
    /** How long the audit of staff actions is kept. */
    RETENTION_AUDIT_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    RELAY_DEADLINE_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
    URGENT_REALERT_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(5),
    /** Need-to-know: how many cases a volunteer may hold at once, and take in an hour. */
    MAX_OPEN_CASES: z.coerce.number().int().min(1).max(100).default(3),
    MAX_TAKES_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(10),
    /** Releases in a day beyond which each one is reported to the admins. */
    MAX_RELEASES_PER_DAY: z.coerce.number().int().min(0).max(1000).default(3),
    MAX_FILE_MB: z.coerce.number().int().min(1).max(100).default(20),
    BROADCAST_TELEGRAM_PER_SECOND: z.coerce.number().min(0.1).max(10_000).default(25),
    BROADCAST_SIGNAL_PER_SECOND: z.coerce.number().min(0.1).max(1000).default(1),
    BROADCAST_SLOTS: z.coerce.number().int().min(1).max(64).default(4),
    FLOOD_LIMIT: z.coerce.number().int().min(1).max(100_000).default(30),
    FLOOD_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
    /**
     * Runs the bot's clock from this instant (ISO 8601) instead of now, for
     * trying out and testing what depends on the date (CCF reminders). Never
     * set in production.
     */
    CLOCK_START: z.iso.datetime({ offset: true }).or(z.iso.date()).transform((v) => Date.parse(v)).optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((env, ctx) => {
    if (env.MASTER_KEY !== undefined && env.MASTER_KEY_FILE !== undefined) {
      ctx.addIssue({ code: "custom", path: ["MASTER_KEY_FILE"], message: "set MASTER_KEY or MASTER_KEY_FILE, not both" });
    }
    if (env.WEBHOOK_URL !== undefined && env.WEBHOOK_SECRET === undefined) {
      ctx.addIssue({ code: "custom", path: ["WEBHOOK_SECRET"], message: "is required when WEBHOOK_URL is set" });
    }
    if ((env.SIGNAL_API_URL === undefined) !== (env.SIGNAL_NUMBER === undefined)) {
      ctx.addIssue({ code: "custom", path: [env.SIGNAL_API_URL === undefined ? "SIGNAL_API_URL" : "SIGNAL_NUMBER"], message: "is required together with the other Signal variable" });
    }
    if (env.STAFF_GROUP !== undefined && env.TELEGRAM_BOT_TOKEN === undefined) {
      ctx.addIssue({ code: "custom", path: ["STAFF_GROUP"], message: "is a Telegram group: it needs TELEGRAM_BOT_TOKEN" });
    }
    if (env.WEBHOOK_URL !== undefined && env.TELEGRAM_BOT_TOKEN === undefined) {
      ctx.addIssue({ code: "custom", path: ["TELEGRAM_BOT_TOKEN"], message: "is required when WEBHOOK_URL is set" });
    }
  });

export type Config = z.output<typeof schema>;

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
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path[0] === undefined ? "environment" : String(issue.path[0]);
    return `  ${name}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
}
