/**
 * Benchmarks of the running application:
 *  - FAQ free-text answers, the bundle as its own process against the fake
 *    Bot API over HTTP, side by side with a bare grammY bot
 *  - resident memory of both, from outside, around a burst of 1,000 people
 *  - 1,000 people in the intake at once (in-process, memory transport)
 *  - start-up to the first answer, as a real process on a 10,000-contact database
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/env.js";
import { createLogger } from "../../src/log/logger.js";
import { ROOT } from "../../src/paths.js";
import { createRuntime, type Runtime } from "../../src/runtime.js";
import { MemoryTransport, type MemoryUser } from "../../src/transports/memory.js";
import { loadHeldOut } from "../../src/faq/evaluate.js";
import { INTENTS } from "../../src/faq/corpus.js";
import { botCommand } from "../helpers/broadcast-harness.js";
import { callbackUpdate, FAKE_TOKEN, FakeTelegram, textUpdate } from "../helpers/fake-telegram.js";
import { stopped } from "../helpers/stopped.js";
import { cpuMs, peakMb, rssMb, sleep, spawnAgainst, START_ENV } from "./process.js";

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

export interface FaqBench {
  users: number; perRound: number; rounds: number;
  answersPerSecond: number; cpuMsPerUpdate: number;
  bareAnswersPerSecond: number; bareCpuMsPerUpdate: number;
  /** Bare answers/s over ours; and our CPU per update over the bare bot's. */
  ratio: number; cpuRatio: number;
}

/** Greetings that make each held-out question into several distinct messages. */
const OPENINGS = ["", "Hello, ", "Hi! ", "Please help: ", "Good evening. "];

/** Question `i` of a round: distinct for every i below OPENINGS × QUESTIONS. */
const question = (i: number) => `${OPENINGS[Math.floor(i / QUESTIONS.length) % OPENINGS.length]!}${QUESTIONS[i % QUESTIONS.length]!}`;

/**
 * Waits until each chat in `chats` got `each` messages after `fake.sent[from]`.
 * Scans only what is new at each look.
 */
async function answered(fake: FakeTelegram, from: number, chats: Iterable<number>, each = 1, ms = 120_000): Promise<void> {
  const waiting = new Map<number, number>();
  for (const chat of chats) waiting.set(chat, each);
  let seen = from;
  await fake.until(() => {
    for (; seen < fake.sent.length; seen++) {
      const chat = fake.sent[seen]!.chatId;
      const left = waiting.get(chat);
      if (left === undefined) continue;
      if (left <= 1) waiting.delete(chat);
      else waiting.set(chat, left - 1);
    }
    return waiting.size === 0;
  }, ms);
}

/** A database with `count` stored (consented) Telegram contacts, chat ids from `first`. */
async function seeded(dir: string, count: number, first: number): Promise<Record<string, string>> {
  const { runtime, env } = await runtimeIn(dir);
  runtime.store.sqlite.transaction(() => {
    for (let i = 0; i < count; i++) runtime.deps.contacts.consent({ messenger: "telegram", chatId: String(first + i) }, "en");
  })();
  await runtime.close();
  return env;
}

interface BareReply { text: string; reply_markup: { inline_keyboard: { text: string; callback_data: string }[][] } }

/** The desk as its own process (the bundle of npm run build), and the bare grammY bot. */
const DESK = ["dist/main.js"];
const BARE = ["dist/bench-bare.js"];

/** Users' chat ids start here. */
const FIRST_USER = 100_000;

/**
 * Free-text questions from stored people, answered by the desk running as its
 * own process (the bundle) against the fake Bot API over HTTP, as in
 * production: long polling, update dedup, sealed sessions in SQLite, the
 * matcher. The bare grammY bot gets the very same updates from its own fake
 * and sends the very same replies. Every round, each of `users` people sends
 * one question, no question twice; the two bots take turns, round by round,
 * so a slower stretch of the machine hits both alike. CPU time is the bot
 * process's own, as the kernel counts it.
 */
export async function benchFaq(users = 2000, rounds = 5, stored = 10_000): Promise<FaqBench> {
  if (users > OPENINGS.length * QUESTIONS.length) throw new Error("not enough distinct questions for a round");
  const dir = mkdtempSync(join(tmpdir(), "notice-desk-bench-"));
  const fakes = { desk: await new FakeTelegram().start(), bare: await new FakeTelegram().start() };
  const children: ChildProcess[] = [];
  try {
    const env = await seeded(dir, stored, FIRST_USER);
    const desk = spawnAgainst(fakes.desk, DESK, env);
    children.push(desk);
    const chats = Array.from({ length: users }, (_, i) => FIRST_USER + i);
    /** Round `r`: person i asks question (i + r × 7) of the round's distinct ones. */
    const ask = (fake: FakeTelegram, r: number) => {
      for (let i = 0; i < users; i++) fake.push(textUpdate({ id: chats[i]!, language_code: "en" }, question((i + r * 7) % users)));
    };
    // Warm-up: every person twice (the first message settles their language).
    for (let r = -2; r < 0; r++) {
      const from = fakes.desk.sent.length;
      ask(fakes.desk, r);
      await answered(fakes.desk, from, chats);
    }
    // Every question a round asks, once, with the desk's reply: what the bare bot sends.
    const replies: Record<string, BareReply> = {};
    const from = fakes.desk.sent.length;
    for (let i = 0; i < users; i++) fakes.desk.push(textUpdate({ id: chats[i]!, language_code: "en" }, question(i)));
    await answered(fakes.desk, from, chats);
    for (const m of fakes.desk.sent.slice(from)) {
      replies[question(m.chatId - FIRST_USER)] = { text: m.text, reply_markup: { inline_keyboard: m.buttons.map((row) => row.map((b) => ({ text: b.text, callback_data: b.callback_data ?? "" }))) } };
    }
    const repliesFile = join(dir, "replies.json");
    writeFileSync(repliesFile, JSON.stringify(replies));
    const bare = spawnAgainst(fakes.bare, BARE, { REPLIES_FILE: repliesFile });
    children.push(bare);
    for (let r = -2; r < 0; r++) {
      const from = fakes.bare.sent.length;
      ask(fakes.bare, r);
      await answered(fakes.bare, from, chats);
    }

    const measure = async (fake: FakeTelegram, pid: number, r: number) => {
      const from = fake.sent.length;
      const cpu = cpuMs(pid);
      const started = performance.now();
      ask(fake, r);
      await answered(fake, from, chats);
      return { ms: performance.now() - started, cpu: cpuMs(pid) - cpu };
    };
    const totals = { desk: { ms: 0, cpu: 0 }, bare: { ms: 0, cpu: 0 } };
    for (let r = 0; r < rounds; r++) {
      for (const [name, fake, pid] of [["desk", fakes.desk, desk.pid!], ["bare", fakes.bare, bare.pid!]] as const) {
        const { ms, cpu } = await measure(fake, pid, r);
        totals[name].ms += ms;
        totals[name].cpu += cpu;
      }
    }
    const n = users * rounds;
    const answersPerSecond = n / (totals.desk.ms / 1000);
    const bareAnswersPerSecond = n / (totals.bare.ms / 1000);
    return {
      users, perRound: users, rounds,
      answersPerSecond, cpuMsPerUpdate: totals.desk.cpu / n,
      bareAnswersPerSecond, bareCpuMsPerUpdate: totals.bare.cpu / n,
      ratio: bareAnswersPerSecond / answersPerSecond, cpuRatio: totals.desk.cpu / totals.bare.cpu,
    };
  } finally {
    for (const child of children) await stopped(child);
    await fakes.desk.stop();
    await fakes.bare.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface BurstMemory { atRest: number; afterBurst: number; later: number; peak: number }
export interface MemoryBench { stored: number; people: number; desk: BurstMemory; bare: BurstMemory }

/**
 * Resident memory of a bot process, from outside: at rest (started, one
 * answer given, 5 s idle), right after `people` people each send a question
 * and open the intake at the same moment (once every one of them has both
 * replies), and `laterMs` after that.
 */
async function burstMemory(fake: FakeTelegram, child: ChildProcess, people: number[], laterMs: number): Promise<BurstMemory> {
  const pid = child.pid!;
  let from = fake.sent.length;
  fake.push(textUpdate({ id: people[0]!, language_code: "en" }, "/help"));
  await answered(fake, from, [people[0]!], 1, 30_000);
  await sleep(5000);
  const atRest = rssMb(pid);
  from = fake.sent.length;
  people.forEach((id, i) => fake.push(textUpdate({ id, language_code: "en" }, question(i))));
  people.forEach((id) => fake.push(callbackUpdate({ id }, "menu:intake", 1)));
  await answered(fake, from, people, 2);
  const afterBurst = rssMb(pid);
  await sleep(laterMs);
  return { atRest, afterBurst, later: rssMb(pid), peak: peakMb(pid) };
}

/** The desk with `stored` contacts, and the bare bot, each through the same burst of `people` people. */
export async function benchMemory(stored = 10_000, people = 1000, laterMs = 10_000): Promise<MemoryBench> {
  const dir = mkdtempSync(join(tmpdir(), "notice-desk-bench-"));
  const fake = await new FakeTelegram().start();
  try {
    const env = await seeded(dir, stored, FIRST_USER);
    const chats = Array.from({ length: people }, (_, i) => FIRST_USER + i);
    const repliesFile = join(dir, "replies.json");
    writeFileSync(repliesFile, "{}");
    const measure = async (args: string[], env: Record<string, string>) => {
      const child = spawnAgainst(fake, args, env);
      try {
        return await burstMemory(fake, child, chats, laterMs);
      } finally {
        await stopped(child);
      }
    };
    return { stored, people, desk: await measure(DESK, env), bare: await measure(BARE, { REPLIES_FILE: repliesFile }) };
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface IntakeBench { people: number; stepP50: number; stepP99: number; cpuMsPerStep: number }

/**
 * 1,000 people answering the intake at the same time, step by step, in this
 * process through the memory transport (the harness's own work is in the CPU
 * figure, a few µs a step). `warmup` people go through it first, unmeasured:
 * a desk that has been up a minute runs compiled code, not the first pass.
 */
export async function benchIntake(concurrent = 1000, warmup = 200): Promise<IntakeBench> {
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
    const early: MemoryUser[] = [];
    for (let i = 0; i < warmup; i++) early.push(await consented(chat, 5_000 + i));
    for (const step of steps) await Promise.all(early.map((u) => step(u)));
    const people: MemoryUser[] = [];
    for (let i = 0; i < concurrent; i++) people.push(await consented(chat, 10_000 + i));
    const cpu = process.cpuUsage();
    for (const step of steps) await Promise.all(people.map((u) => timed(u, step)));
    const used = process.cpuUsage(cpu);
    return { people: concurrent, stepP50: percentile(latencies, 50), stepP99: percentile(latencies, 99), cpuMsPerStep: (used.user + used.system) / 1000 / latencies.length };
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
      env: { PATH: process.env.PATH ?? "", ...START_ENV, ...env, TELEGRAM_BOT_TOKEN: FAKE_TOKEN, TELEGRAM_API_ROOT: fake.apiRoot, LOG_LEVEL: "warn" },
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
