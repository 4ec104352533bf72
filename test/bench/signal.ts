/**
 * Signal reply latency in poll mode, against the fake signal-cli-rest-api's
 * real receive timing: from a person's message reaching the server to the
 * bot's answer reaching it, idle and under a stream of other people's typing.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/env.js";
import { createLogger } from "../../src/log/logger.js";
import { createRuntime } from "../../src/runtime.js";
import { runSignal } from "../../src/transports/signal/run.js";
import { BOT_NUMBER, FakeSignal } from "../helpers/fake-signal.js";
import { percentile } from "./stack.js";

export interface SignalBench { idleP50: number; idleP99: number; streamP50: number; streamP99: number; startupMs: number; lost: number }

/** `startupMs` stands for the start of each signal-cli process (native mode: a few hundred ms). */
export async function benchSignal(questions = 20, startupMs = 200): Promise<SignalBench> {
  const dir = mkdtempSync(join(tmpdir(), "notice-desk-bench-"));
  const fake = await new FakeSignal({ mode: "native", startupMs }).start();
  const runtime = await createRuntime(loadConfig({
    DATABASE_PATH: join(dir, "bench.sqlite"), MASTER_KEY: randomBytes(32).toString("base64"), FLOOD_LIMIT: "100000",
    SIGNAL_API_URL: fake.url, SIGNAL_NUMBER: BOT_NUMBER,
  }), createLogger("silent"), { purge: false });
  const signal = await runSignal(runtime);
  const ask = async (uuid: string): Promise<number> => {
    const before = fake.sentTo(uuid).length;
    const started = performance.now();
    fake.push(uuid, "what is a red notice");
    while (fake.sentTo(uuid).length === before) await new Promise((r) => setTimeout(r, 2));
    return performance.now() - started;
  };
  try {
    const idle: number[] = [];
    for (let i = 0; i < questions; i++) {
      idle.push(await ask(randomUUID()));
      // Lands anywhere within a receive, as people do.
      await new Promise((r) => setTimeout(r, Math.random() * 1000));
    }
    let streaming = true;
    const stream = (async () => {
      for (let n = 0; streaming; n++) {
        const uuid = randomUUID();
        fake.deliver(JSON.stringify({ envelope: { sourceUuid: uuid, source: uuid, sourceDevice: 1, timestamp: n + 1, typingMessage: { action: "STARTED", timestamp: n + 1 } }, account: BOT_NUMBER }));
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const busy: number[] = [];
    for (let i = 0; i < questions; i++) busy.push(await ask(randomUUID()));
    streaming = false;
    await stream;
    return { idleP50: percentile(idle, 50), idleP99: percentile(idle, 99), streamP50: percentile(busy, 50), streamP99: percentile(busy, 99), startupMs, lost: fake.lost.length };
  } finally {
    await signal.stop();
    await runtime.close();
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
