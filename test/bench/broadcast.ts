/**
 * Broadcast benchmark: 100,000 Telegram subscribers, the fake Bot API
 * enforcing 1,000 messages/s with 429s, the bot sending at 1,000/s and
 * killed with SIGKILL once half-way, then restarted. Prints total time
 * against the ideal (recipients ÷ rate), duplicates against ambiguous
 * in-flight sends, missed recipients and 429s, and the bot's CPU per message
 * (read from outside, through /proc) while it sends, next to the CPU grammY's
 * bare `Api` needs to send the same way (the floor under that figure).
 * Run through `npm run bench:broadcast [-- <recipients> <rate>]`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { cpuMsOf, exited, seedBroadcast, spawnBot, tally } from "../helpers/broadcast-harness.js";
import { FAKE_TOKEN, FakeTelegram } from "../helpers/fake-telegram.js";
import { ROOT } from "../../src/paths.js";
import { START_ENV } from "./process.js";

export interface BroadcastBench {
  recipients: number;
  rate: number;
  seconds: number;
  ratio: number;
  restartSeconds: number;
  duplicates: number;
  ambiguous: number;
  /** Sends in flight at once: the most a crash may leave ambiguous. */
  slots: number;
  missed: number;
  tooMany: number;
  tooManyAfterWarmup: number;
  /** The bot's CPU (both processes) per message while sending, start-ups left out. */
  cpuMsPerMessage: number;
  /** The same with both start-ups counted. */
  cpuMsPerMessageWithStartups: number;
  /** A bare grammY `Api` sending at the same rate and concurrency, nothing else. */
  bareCpuMsPerMessage: number;
}

/** The broadcast targets, one by one, as `npm run bench` and `npm run bench:broadcast` mark them. */
export const broadcastMet = (r: BroadcastBench) => ({
  time: r.ratio <= 1.05,
  cpu: r.cpuMsPerMessage <= 0.3,
  delivery: r.duplicates <= r.ambiguous && r.ambiguous <= r.slots && r.missed === 0 && r.tooManyAfterWarmup === 0,
});

/** CPU and messages of one process between its first send and its end. */
interface Span {
  cpuMs: number;
  messages: number;
}

const perMessage = (spans: Span[]) =>
  spans.reduce((sum, s) => sum + s.cpuMs, 0) / Math.max(1, spans.reduce((sum, s) => sum + s.messages, 0));

/** The CPU per message of test/bench/bare-sender.ts, from its first message to its last. */
async function bareSender(fake: FakeTelegram, count: number, rate: number, slots: number): Promise<number> {
  const before = fake.sent.length;
  const args = [fake.apiRoot, FAKE_TOKEN, count, rate, slots, 1_000_000].map(String);
  const child = spawn(process.execPath, ["--import", "tsx", "test/bench/bare-sender.ts", ...args], { cwd: ROOT, stdio: "ignore", env: { ...process.env, ...START_ENV } });
  try {
    await fake.until(() => fake.sent.length > before, 60_000);
    const span = { cpuMs: -cpuMsOf(child.pid!), messages: -fake.sent.length };
    await fake.until(() => fake.sent.length >= before + count, 600_000);
    span.cpuMs += cpuMsOf(child.pid!);
    span.messages += fake.sent.length;
    return perMessage([span]);
  } finally {
    child.kill("SIGTERM");
    await exited(child);
  }
}

export async function benchBroadcast(recipients = 100_000, rate = 1_000, entry: "sources" | "bundle" = "bundle"): Promise<BroadcastBench> {
  const dir = mkdtempSync(join(tmpdir(), "notice-desk-bench-"));
  const fake = await new FakeTelegram().start();
  try {
    const seeded = await seedBroadcast(dir, recipients);
    fake.perSecond = rate;
    const slots = 8;
    const env = { ...START_ENV, BROADCAST_TELEGRAM_PER_SECOND: String(rate), BROADCAST_SLOTS: String(slots) };
    const first = spawnBot(seeded, fake, env, entry);
    await fake.until(() => fake.sent.length >= 1, 60_000);
    const started = Date.now();
    const firstSpan = { cpuMs: -cpuMsOf(first.pid!), messages: -fake.sent.length };
    await fake.until(() => fake.sent.length >= recipients / 2, 600_000);
    const firstTotalCpu = cpuMsOf(first.pid!);
    firstSpan.cpuMs += firstTotalCpu;
    firstSpan.messages += fake.sent.length;
    first.kill("SIGKILL");
    await exited(first);
    const killedAt = Date.now();
    const second = spawnBot(seeded, fake, env, entry);
    const atKill = fake.sent.length;
    await fake.until(() => fake.sent.length > atKill, 60_000);
    const resumedAt = Date.now();
    const secondSpan = { cpuMs: -cpuMsOf(second.pid!), messages: -fake.sent.length };
    await fake.until(() => fake.reached.size >= recipients, 600_000);
    const finished = Date.now();
    const secondTotalCpu = cpuMsOf(second.pid!);
    secondSpan.cpuMs += secondTotalCpu;
    secondSpan.messages += fake.sent.length;
    second.kill("SIGTERM");
    await exited(second);
    const { duplicates, missed } = tally(fake, seeded.chatIds);
    const sentByBot = fake.sent.length;
    const db = new Database(seeded.databasePath, { readonly: true });
    const { ambiguous } = db.prepare("SELECT ambiguous FROM broadcasts WHERE id = 1").get() as { ambiguous: number };
    db.close();
    const bareCpuMsPerMessage = await bareSender(fake, Math.min(recipients, 20_000), rate, slots);
    const seconds = (finished - started) / 1000;
    return {
      recipients, rate, seconds,
      ratio: seconds / (recipients / rate),
      restartSeconds: (resumedAt - killedAt) / 1000,
      duplicates, ambiguous, slots, missed,
      tooMany: fake.tooMany.length,
      tooManyAfterWarmup: fake.tooMany.filter((at) => at > started + 2000).length,
      cpuMsPerMessage: perMessage([firstSpan, secondSpan]),
      cpuMsPerMessageWithStartups: (firstTotalCpu + secondTotalCpu) / sentByBot,
      bareCpuMsPerMessage,
    };
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

