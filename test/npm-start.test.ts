/**
 * `npm start`, as a deployment runs it: the bundle, built when missing or
 * older than the sources, in a process whose environment caps glibc's malloc
 * arenas (package.json's start script) unless the operator set its own.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT } from "../src/paths.js";
import { FAKE_TOKEN, FakeTelegram, textUpdate } from "./helpers/fake-telegram.js";
import { stopped } from "./helpers/stopped.js";

let dir: string;
let key: string;
let fake: FakeTelegram;
let started: ChildProcess[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "notice-desk-start-"));
  key = randomBytes(32).toString("base64");
  fake = await new FakeTelegram().start();
  started = [];
});

afterEach(async () => {
  for (const child of started) await stopped(child, { group: true });
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `npm start` in a process group of its own, so that npm, its shell and the bot stop together. */
function npmStart(env: Record<string, string> = {}): ChildProcess {
  const child = spawn("npm", ["start", "--silent"], {
    cwd: ROOT,
    detached: true,
    stdio: "ignore",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? dir,
      TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATABASE_PATH: join(dir, "desk.sqlite"),
      MASTER_KEY: key,
      LOG_LEVEL: "warn",
      ...env,
    },
  });
  started.push(child);
  return child;
}

/** The environment of the process running src/cli/start.mjs against this test's fake (found by its API root, which is this test's alone). */
function botEnvironment(): Map<string, string> {
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      // Node itself (`node src/cli/start.mjs`), not the shell npm runs it from.
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[1] !== "src/cli/start.mjs") continue;
      const env = new Map(readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean)
        .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)] as [string, string]));
      if (env.get("TELEGRAM_API_ROOT") === fake.apiRoot) return env;
    } catch {
      // A process that ended meanwhile, or one of another user.
    }
  }
  throw new Error("no process runs src/cli/start.mjs against this test's fake");
}

/** Waits for the bot's answer to a first message from a new person. */
async function answered(chat: number): Promise<void> {
  fake.push(textUpdate({ id: chat, language_code: "en" }, "/start"));
  await fake.until(() => fake.sentTo(chat).length > 0, 180_000);
}

describe.runIf(process.platform === "linux")("npm start", () => {
  it("runs the bundle, with glibc's malloc arenas capped at two unless the operator chose", async () => {
    // A bundle older than its sources (or none) is built again before it runs.
    const bundle = join(ROOT, "dist", "main.js");
    if (existsSync(bundle)) utimesSync(bundle, new Date(0), new Date(0));
    const before = Date.now();
    npmStart();
    await answered(7001);
    expect(statSync(bundle).mtimeMs).toBeGreaterThanOrEqual(before - 1000);
    expect(botEnvironment().get("MALLOC_ARENA_MAX")).toBe("2");
    await stopped(started[0]!, { group: true });

    npmStart({ MALLOC_ARENA_MAX: "8" });
    await answered(7002);
    expect(botEnvironment().get("MALLOC_ARENA_MAX")).toBe("8");
  });
});
