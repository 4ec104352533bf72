/**
 * Benchmarks of the running application, in-process, through the in-memory
 * transport (the same application, replies carried by grammY's client.fetch):
 *  - FAQ free-text answers through the whole stack, against a bare grammY bot
 *  - 1,000 people in the intake at once, then memory with 10,000 stored
 *  - start-up to the first answer, as a real process on a 10,000-contact database
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bot, MemorySessionStorage, session, type Context, type SessionFlavor } from "grammy";
import { loadConfig } from "../../src/config/env.js";
import { createLogger } from "../../src/log/logger.js";
import { ROOT } from "../../src/paths.js";
import { createRuntime, type Runtime } from "../../src/runtime.js";
import { MemoryTransport, type MemoryUser } from "../../src/transports/memory.js";
import { VirtualBotApi } from "../../src/transports/virtual/api.js";
import { UpdateFactory } from "../../src/transports/virtual/updates.js";
import { loadHeldOut } from "../../src/faq/evaluate.js";
import { INTENTS } from "../../src/faq/corpus.js";
import { botCommand } from "../helpers/broadcast-harness.js";
import { FAKE_TOKEN, FakeTelegram, textUpdate } from "../helpers/fake-telegram.js";

/** Questions people ask, in three languages and two alphabets, with typos (the held-out set's FAQ questions). */
const QUESTIONS = loadHeldOut().filter((m) => !(INTENTS as readonly string[]).includes(m.expected)).map((m) => m.text);

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function runtimeIn(dir: string, env: Record<string, string> = {}): Promise<{ runtime: Runtime; env: Record<string, string> }> {
  const full = { DATABASE_PATH: join(dir, "bench.sqlite"), MASTER_KEY: randomBytes(32).toString("base64"), FLOOD_LIMIT: "100000", ...env };
  return { runtime: await createRuntime(loadConfig(full), createLogger("silent"), { purge: false }), env: full };
}

async function consented(chat: MemoryTransport, id: number): Promise<MemoryUser> {
  const user = chat.user({ id, languageCode: "en" });
  await user.send("/start");
  await user.press("English");
  await user.press("I agree");
  return user;
}

export interface FaqBench { updatesPerSecond: number; p50: number; p99: number; bareUpdatesPerSecond: number; ratio: number }

/**
 * Free-text questions from stored people (session in SQLite, sealed), answered
 * from the FAQ; and a bare grammY bot (memory sessions, no matcher) sending
 * the very same replies over the same transport. The two are measured in
 * alternating rounds, so a slower stretch of the machine hits both alike.
 */
export async function benchFaq(count = 20_000): Promise<FaqBench> {
  const dir = mkdtempSync(join(tmpdir(), "notice-desk-bench-"));
  const { runtime } = await runtimeIn(dir);
  try {
    const chat = new MemoryTransport(runtime.deps, "memory", false);
    const users: MemoryUser[] = [];
    for (let i = 0; i < 100; i++) users.push(await consented(chat, 1000 + i));
    // Warm-up, which also records each question's reply for the bare bot.
    const replies = new Map<string, { text: string; reply_markup: { inline_keyboard: { text: string; callback_data: string }[][] } }>();
    for (let i = 0; i < 2000; i++) {
      const question = QUESTIONS[i % QUESTIONS.length]!;
      const [reply] = await users[i % 100]!.send(question);
      if (!reply) throw new Error("no answer in the warm-up");
      replies.set(question, { text: reply.text, reply_markup: { inline_keyboard: reply.buttons.map((row) => row.map((b) => ({ text: b.text, callback_data: b.data ?? "" }))) } });
    }

    type Bare = Context & SessionFlavor<{ n: number }>;
    const api = new VirtualBotApi(() => Promise.resolve());
    const bare = new Bot<Bare>("bare", { client: { fetch: api.fetch }, botInfo: { id: 1, is_bot: true, first_name: "b", username: "b" } as never });
    bare.use(session({ initial: () => ({ n: 0 }), storage: new MemorySessionStorage() }));
    bare.on("message:text", (ctx) => {
      ctx.session.n++;
      const reply = replies.get(ctx.message.text)!;
      return ctx.reply(reply.text, { reply_markup: reply.reply_markup, link_preview_options: { is_disabled: true } });
    });
    const updates = new UpdateFactory();
    for (let i = 0; i < 2000; i++) await bare.handleUpdate(updates.text({ id: 1000 + (i % 100) }, QUESTIONS[i % QUESTIONS.length]!));

    const latencies: number[] = [];
    let stackMs = 0;
    let bareMs = 0;
    const rounds = 10;
    const perRound = Math.ceil(count / rounds);
    for (let round = 0; round < rounds; round++) {
      let started = performance.now();
      for (let i = round * perRound; i < (round + 1) * perRound; i++) {
        const t = performance.now();
        await users[i % 100]!.send(QUESTIONS[i % QUESTIONS.length]!);
        latencies.push(performance.now() - t);
      }
      stackMs += performance.now() - started;
      started = performance.now();
      for (let i = round * perRound; i < (round + 1) * perRound; i++) {
        await bare.handleUpdate(updates.text({ id: 1000 + (i % 100) }, QUESTIONS[i % QUESTIONS.length]!));
      }
      bareMs += performance.now() - started;
    }
    const total = rounds * perRound;
    const updatesPerSecond = total / (stackMs / 1000);
    const bareUpdatesPerSecond = total / (bareMs / 1000);
    return { updatesPerSecond, p50: percentile(latencies, 50), p99: percentile(latencies, 99), bareUpdatesPerSecond, ratio: bareUpdatesPerSecond / updatesPerSecond };
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface IntakeBench {
  people: number; stepP50: number; stepP99: number; stored: number;
  /** At rest with the stored people; right after the burst; at rest after it. */
  storedRssMb: number; burstRssMb: number; rssMb: number;
}

/** Resident memory after collecting garbage, in MB (this process, harness included). */
function rssAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1024 / 1024;
}

/**
 * Resident memory at rest, in MB: V8 hands unused heap pages back only once
 * allocation has been quiet for a while (its memory reducer, ~10 s), so this
 * waits for that, up to 30 s, as a server between bursts would.
 */
async function restingRss(): Promise<number> {
  let lowest = rssAfterGc();
  for (let waited = 0; waited < 30; waited++) {
    await new Promise((r) => setTimeout(r, 1000));
    const { heapTotal, heapUsed, rss } = process.memoryUsage();
    lowest = Math.min(lowest, rss / 1024 / 1024);
    if (waited >= 3 && heapTotal < heapUsed * 1.25) break;
  }
  return lowest;
}

/** 1,000 people answering the intake at the same time, step by step; then 10,000 stored mid-intake. */
export async function benchIntake(concurrent = 1000, stored = 10_000): Promise<IntakeBench> {
  const dir = mkdtempSync(join(tmpdir(), "notice-desk-bench-"));
  const { runtime } = await runtimeIn(dir);
  try {
    const chat = new MemoryTransport(runtime.deps, "memory", false);
    const steps: ((u: MemoryUser) => Promise<unknown>)[] = [
      (u) => u.pressData("menu:intake"),
      (u) => u.pressData("intake:choose:PL"),
      (u) => u.pressData("intake:choose:refugee"),
      (u) => u.pressData("intake:choose:red-notice"),
      (u) => u.send("Art. 243, tax evasion"),
      (u) => u.send("2021"),
      (u) => u.pressData("intake:skip"),
      (u) => u.pressData("intake:choose:ru"),
      (u) => u.pressData("intake:choose:yes"),
      (u) => u.pressData("intake:confirm"),
    ];
    const latencies: number[] = [];
    const timed = async (u: MemoryUser, step: (u: MemoryUser) => Promise<unknown>) => {
      const t = performance.now();
      await step(u);
      latencies.push(performance.now() - t);
    };
    // 10,000 stored people, each with a conversation open half-way through the intake...
    for (let i = concurrent; i < stored; i++) {
      const u = await consented(chat, 10_000 + i);
      for (const step of steps.slice(0, 5)) await step(u);
    }
    const storedRss = await restingRss();
    // ...while 1,000 more go through all of it at the same time.
    const people: MemoryUser[] = [];
    for (let i = 0; i < concurrent; i++) people.push(await consented(chat, 10_000 + i));
    for (const step of steps) await Promise.all(people.map((u) => timed(u, step)));
    return { people: concurrent, stepP50: percentile(latencies, 50), stepP99: percentile(latencies, 99), stored, storedRssMb: storedRss, burstRssMb: rssAfterGc(), rssMb: await restingRss() };
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface StartupBench { contacts: number; milliseconds: number }

/** A real process on a database of 10,000 people: from spawn to the answer to the first message. */
export async function benchStartup(contacts = 10_000): Promise<StartupBench> {
  const dir = mkdtempSync(join(tmpdir(), "notice-desk-bench-"));
  const fake = await new FakeTelegram().start();
  try {
    const { runtime, env } = await runtimeIn(dir);
    runtime.store.sqlite.transaction(() => {
      for (let i = 0; i < contacts; i++) runtime.deps.contacts.consent({ messenger: "telegram", chatId: String(50_000 + i) }, "en");
    })();
    await runtime.close();
    fake.push(textUpdate({ id: 50_001, language_code: "en" }, "/help"));
    const started = performance.now();
    const child = spawn(process.execPath, botCommand("bundle"), {
      cwd: ROOT,
      stdio: "ignore",
      env: { PATH: process.env.PATH ?? "", ...env, TELEGRAM_BOT_TOKEN: FAKE_TOKEN, TELEGRAM_API_ROOT: fake.apiRoot, LOG_LEVEL: "warn" },
    });
    await fake.until(() => fake.sentTo(50_001).length > 0, 30_000);
    const milliseconds = performance.now() - started;
    child.kill("SIGKILL");
    return { contacts, milliseconds };
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
