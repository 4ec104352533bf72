/**
 * Broadcast benchmark: 100,000 Telegram subscribers, the fake Bot API
 * enforcing 1,000 messages/s with 429s, the bot sending at 1,000/s and
 * killed with SIGKILL once half-way, then restarted. Prints total time
 * against the ideal (recipients ÷ rate), duplicates against ambiguous
 * in-flight sends, missed recipients and 429s, and the bot's CPU per message
 * (read from outside, through /proc) while it sends.
 * Run through `npm run bench:broadcast [-- <recipients> <rate>]`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { cpuMsOf, exited, seedBroadcast, spawnBot, tally } from "../helpers/broadcast-harness.js";
import { FakeTelegram } from "../helpers/fake-telegram.js";

export interface BroadcastBench {
  recipients: number;
  rate: number;
  seconds: number;
  ratio: number;
  restartSeconds: number;
  duplicates: number;
  ambiguous: number;
  missed: number;
  tooMany: number;
  tooManyAfterWarmup: number;
  /** The bot's CPU (both processes) per message while sending, start-ups left out. */
  cpuMsPerMessage: number;
  /** The same with both start-ups counted. */
  cpuMsPerMessageWithStartups: number;
}

/** CPU and messages of one process between its first send and its end. */
interface Span {
  cpuMs: number;
  messages: number;
}

const perMessage = (spans: Span[]) =>
  spans.reduce((sum, s) => sum + s.cpuMs, 0) / Math.max(1, spans.reduce((sum, s) => sum + s.messages, 0));

export async function benchBroadcast(recipients = 100_000, rate = 1_000, entry: "sources" | "bundle" = "bundle"): Promise<BroadcastBench> {
  const dir = mkdtempSync(join(tmpdir(), "notice-desk-bench-"));
  const fake = await new FakeTelegram().start();
  try {
    const seeded = await seedBroadcast(dir, recipients);
    fake.perSecond = rate;
    const env = { BROADCAST_TELEGRAM_PER_SECOND: String(rate), BROADCAST_SLOTS: "8" };
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
    const db = new Database(seeded.databasePath, { readonly: true });
    const { ambiguous } = db.prepare("SELECT ambiguous FROM broadcasts WHERE id = 1").get() as { ambiguous: number };
    db.close();
    const seconds = (finished - started) / 1000;
    return {
      recipients, rate, seconds,
      ratio: seconds / (recipients / rate),
      restartSeconds: (resumedAt - killedAt) / 1000,
      duplicates, ambiguous, missed,
      tooMany: fake.tooMany.length,
      tooManyAfterWarmup: fake.tooMany.filter((at) => at > started + 2000).length,
      cpuMsPerMessage: perMessage([firstSpan, secondSpan]),
      cpuMsPerMessageWithStartups: (firstTotalCpu + secondTotalCpu) / fake.sent.length,
    };
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

