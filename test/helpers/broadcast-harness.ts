import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/env.js";
import { createLogger } from "../../src/log/logger.js";
import { ROOT } from "../../src/paths.js";
import { createRuntime } from "../../src/runtime.js";
import { FAKE_TOKEN, type FakeTelegram } from "./fake-telegram.js";

const LANGS = ["be", "ru", "en"] as const;

export interface Seeded {
  databasePath: string;
  masterKey: string;
  chatIds: number[];
}

/** A database with `count` Telegram subscribers of "all" and one confirmed broadcast to them. */
export async function seedBroadcast(dir: string, count: number, firstChatId = 10_000): Promise<Seeded> {
  const masterKey = randomBytes(32).toString("base64");
  const databasePath = join(dir, "broadcast.sqlite");
  const runtime = await createRuntime(loadConfig({ DATABASE_PATH: databasePath, MASTER_KEY: masterKey }), createLogger("silent"), { purge: false });
  const { contacts, subscriptions, broadcasts } = runtime.deps;
  const chatIds: number[] = [];
  runtime.store.sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const chatId = firstChatId + i;
      const contact = contacts.consent({ messenger: "telegram", chatId: String(chatId) }, LANGS[i % 3]!);
      subscriptions.set(contact.id, ["all"]);
      chatIds.push(chatId);
    }
  })();
  broadcasts.create({ texts: { be: "Папярэджанне", ru: "Предупреждение", en: "Warning" }, fallback: "en", target: { kind: "all" } }, "seed", null);
  await runtime.close();
  return { databasePath, masterKey, chatIds };
}

/** How to start the bot: from the sources through tsx (tests), or the bundle of `npm run build` (benchmarks). */
export const botCommand = (entry: "sources" | "bundle"): string[] => (entry === "bundle" ? ["dist/main.js"] : ["--import", "tsx", "src/main.ts"]);

/** The bot as a real process (one Node process, so SIGKILL kills it outright), on the fake Bot API. */
/** The bot as a real process; its log lines (JSON, warnings and up) are gathered in `logs`. */
export function spawnBot(seeded: Seeded, fake: FakeTelegram, env: Record<string, string> = {}, entry: "sources" | "bundle" = "sources"): ChildProcess & { logs: string[] } {
  const child = spawn(process.execPath, botCommand(entry), {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATABASE_PATH: seeded.databasePath,
      MASTER_KEY: seeded.masterKey,
      LOG_LEVEL: "warn",
      FLOOD_LIMIT: "100000",
      ...env,
    },
  });
  const logs: string[] = [];
  let partial = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop()!;
    logs.push(...lines.filter(Boolean));
  });
  return Object.assign(child, { logs });
}

export function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()));
}

/** What arrived: how many chats got it once, more than once, or never. */
export function tally(fake: FakeTelegram, chatIds: number[]): { unique: number; duplicates: number; missed: number } {
  const counts = new Map<number, number>();
  for (const m of fake.sent) counts.set(m.chatId, (counts.get(m.chatId) ?? 0) + 1);
  let duplicates = 0;
  let missed = 0;
  for (const id of chatIds) {
    const n = counts.get(id) ?? 0;
    if (n === 0) missed++;
    if (n > 1) duplicates += n - 1;
  }
  return { unique: chatIds.length - missed, duplicates, missed };
}

/** Clock ticks per second of /proc's CPU times (100 nearly everywhere; asked once). */
let ticksPerSecond: number | undefined;

/**
 * CPU a live process has used so far (user + system), in ms, read from
 * outside through `/proc/<pid>/stat` (Linux), so that measuring costs the
 * process nothing.
 */
export function cpuMsOf(pid: number): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" })) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold spaces; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}
