import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config/env.js";
import { Keyring } from "../src/crypto/keyring.js";
import { devKeyPath, loadMasterKey, MasterKeyError } from "../src/crypto/master-key.js";
import { openStore, WrongKeyError } from "../src/db/open.js";
import { createLogger } from "../src/log/logger.js";
import { FAKE_TOKEN } from "./helpers/fake-telegram.js";
import { LogCapture } from "./helpers/runtime.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "notice-desk-config-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const errorOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
};

describe("configuration", () => {
  it("starts on embedded defaults with an empty environment", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      TELEGRAM_API_ROOT: "https://api.telegram.org",
      DATABASE_PATH: "./data/notice-desk.sqlite",
      ADMINS: [],
      LOG_LEVEL: "info",
      RETENTION_IDLE_DAYS: 180,
    });
    expect(config.TELEGRAM_BOT_TOKEN).toBeUndefined();
  });

  it("parses admins on both messengers", () => {
    const uuid = "0b5a6e8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b";
    expect(loadConfig({ ADMINS: `telegram:12345, signal:+10000000000,signal:${uuid}` }).ADMINS).toEqual([
      { messenger: "telegram", id: "12345" },
      { messenger: "signal", id: "+10000000000" },
      { messenger: "signal", id: uuid },
    ]);
  });

  it("takes a Telegram staff group only as a group's chat id, and only with a Telegram token", () => {
    expect(errorOf({ STAFF_GROUP: "12345", TELEGRAM_BOT_TOKEN: FAKE_TOKEN })).toContain("STAFF_GROUP");
    expect(errorOf({ STAFF_GROUP: "-1001234567890" })).toContain("STAFF_GROUP");
    expect(loadConfig({ STAFF_GROUP: "-1001234567890", TELEGRAM_BOT_TOKEN: FAKE_TOKEN }).STAFF_GROUP).toBe("-1001234567890");
  });

  it("names every bad variable without echoing secret values", () => {
    const message = errorOf({
      TELEGRAM_BOT_TOKEN: "not-a-token-secret-value",
      TELEGRAM_API_ROOT: "ftp://x",
      ADMINS: "telegram:abc",
      DEFAULT_LANGUAGE: "de",
      LOG_LEVEL: "loud",
    });
    for (const name of ["TELEGRAM_BOT_TOKEN", "TELEGRAM_API_ROOT", "ADMINS", "DEFAULT_LANGUAGE", "LOG_LEVEL"]) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain("not-a-token-secret-value");
  });

  it("reads numbers, URLs, choices and dates, and takes an empty value as unset", () => {
    const config = loadConfig({
      WEBHOOK_PORT: "", BROADCAST_TELEGRAM_PER_SECOND: "0.5", BROADCAST_SLOTS: " 16 ", TELEGRAM_API_ROOT: "http://127.0.0.1:8081//",
      SIGNAL_RECEIVE_MODE: "websocket", CLOCK_START: "2026-03-01T09:00:00+01:00",
    });
    expect(config.WEBHOOK_PORT).toBe(8080);
    expect(config.BROADCAST_TELEGRAM_PER_SECOND).toBe(0.5);
    expect(config.BROADCAST_SLOTS).toBe(16);
    expect(config.TELEGRAM_API_ROOT).toBe("http://127.0.0.1:8081");
    expect(config.SIGNAL_RECEIVE_MODE).toBe("websocket");
    expect(config.CLOCK_START).toBe(Date.UTC(2026, 2, 1, 8));
    expect(loadConfig({ CLOCK_START: "2026-03-01" }).CLOCK_START).toBe(Date.UTC(2026, 2, 1));
    expect(loadConfig({}).CLOCK_START).toBeUndefined();
    expect(loadConfig({ WEBHOOK_URL: "https://desk.example.org/hook/", WEBHOOK_SECRET: "s".repeat(16), TELEGRAM_BOT_TOKEN: FAKE_TOKEN }).WEBHOOK_URL)
      .toBe("https://desk.example.org/hook/");
  });

  it("says what each bad value should be, for every bad variable at once", () => {
    const message = errorOf({
      WEBHOOK_PORT: "70000", BROADCAST_SLOTS: "2.5", FLOOD_LIMIT: "many", BROADCAST_SIGNAL_PER_SECOND: "0",
      SIGNAL_RECEIVE_MODE: "push", CLOCK_START: "2026-02-30", WEBHOOK_URL: "http://desk.example.org/hook", WEBHOOK_SECRET: "short",
      SIGNAL_API_URL: " http://127.0.0.1:8080", SIGNAL_NUMBER: "+10000000000",
    });
    expect(message).toContain("WEBHOOK_PORT: must be a whole number from 0 to 65535");
    expect(message).toContain("BROADCAST_SLOTS: must be a whole number from 1 to 64");
    expect(message).toContain("FLOOD_LIMIT: must be a whole number from 1 to 100000");
    expect(message).toContain("BROADCAST_SIGNAL_PER_SECOND: must be a number from 0.1 to 1000");
    expect(message).toContain("SIGNAL_RECEIVE_MODE: must be one of websocket, poll");
    expect(message).toContain("CLOCK_START: must be an ISO 8601 date");
    expect(message).toContain("WEBHOOK_URL: must be an https URL");
    expect(message).toContain("WEBHOOK_SECRET: must be 16–256 characters");
    expect(message).toContain("SIGNAL_API_URL: must be the http(s) URL of signal-cli-rest-api");
    expect(message).toContain("See .env.example");
  });

  it("requires a secret token and a bot token for webhook mode", () => {
    const message = errorOf({ WEBHOOK_URL: "https://desk.example.org/hook" });
    expect(message).toContain("WEBHOOK_SECRET");
    expect(message).toContain("TELEGRAM_BOT_TOKEN");
  });

  it("refuses MASTER_KEY and MASTER_KEY_FILE together, and a key of the wrong size", () => {
    expect(errorOf({ MASTER_KEY: "a", MASTER_KEY_FILE: "/x" })).toContain("MASTER_KEY_FILE");
    const log = createLogger("silent");
    expect(() => loadMasterKey({ MASTER_KEY: "c2hvcnQ=", DATABASE_PATH: join(dir, "d.sqlite") }, log)).toThrow(MasterKeyError);
    expect(() => loadMasterKey({ MASTER_KEY_FILE: join(dir, "missing"), DATABASE_PATH: join(dir, "d.sqlite") }, log)).toThrow(/MASTER_KEY_FILE/);
  });

  it("refuses to run a messenger on a generated development key, and creates none", () => {
    const log = createLogger("silent");
    for (const messenger of [{ TELEGRAM_BOT_TOKEN: "123:abc" }, { SIGNAL_API_URL: "http://127.0.0.1:8080" }]) {
      const config = { DATABASE_PATH: join(dir, "live", "d.sqlite"), ...messenger };
      expect(() => loadMasterKey(config, log)).toThrow(/MASTER_KEY_FILE.*openssl rand -base64 32/s);
      expect(existsSync(devKeyPath(config.DATABASE_PATH))).toBe(false);
    }
  });

  it("reads the key from MASTER_KEY_FILE", () => {
    const key = randomBytes(32);
    writeFileSync(join(dir, "root.key"), key.toString("base64") + "\n");
    expect(loadMasterKey({ MASTER_KEY_FILE: join(dir, "root.key"), DATABASE_PATH: join(dir, "d.sqlite") }, createLogger("silent"))).toEqual(key);
  });

  it("generates a development key readable by its owner only, says so loudly, and reuses it", () => {
    const logs = new LogCapture();
    const config = { DATABASE_PATH: join(dir, "data", "d.sqlite") };
    const first = loadMasterKey(config, createLogger("info", logs));
    const path = devKeyPath(config.DATABASE_PATH);
    expect(existsSync(path)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(logs.text).toContain("NO MASTER KEY GIVEN");
    expect(logs.text).not.toContain(first.toString("base64"));
    expect(loadMasterKey(config, createLogger("silent"))).toEqual(first);
  });
});

describe("the root key and the database", () => {
  it("refuses a wrong key and leaves the file byte-identical", () => {
    const path = join(dir, "d.sqlite");
    const store = openStore(path, new Keyring(randomBytes(32)));
    store.close();
    const before = readFileSync(path);
    expect(() => openStore(path, new Keyring(randomBytes(32)))).toThrow(WrongKeyError);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("opens again with the right key", () => {
    const key = randomBytes(32);
    const path = join(dir, "d.sqlite");
    openStore(path, new Keyring(key)).close();
    const store = openStore(path, new Keyring(key));
    expect(store.sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(store.sqlite.pragma("secure_delete", { simple: true })).toBe(1);
    store.close();
  });
});
