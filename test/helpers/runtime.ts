import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { loadConfig, type Config } from "../../src/config/env.js";
import { createLogger } from "../../src/log/logger.js";
import { createRuntime, type Runtime } from "../../src/runtime.js";
import { MemoryTransport } from "../../src/transports/memory.js";

/** Collects every log line, so tests can read what would have been logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join("\n");
  }
}

export interface TestDesk {
  dir: string;
  config: Config;
  runtime: Runtime;
  logs: LogCapture;
  chat: MemoryTransport;
  /** Rows in the contacts table. */
  contactCount(): number;
  /** Rows in any table. */
  count(table: string): number;
  /** The database file and its write-ahead log, as bytes. */
  fileBytes(): Buffer;
  /** Closes the application, keeping its files, and opens a new one on them. */
  restart(): Promise<TestDesk>;
  close(): Promise<void>;
}

/** A fresh application on a real SQLite file in a temporary folder, driven in memory. */
export async function createTestDesk(
  env: Record<string, string> = {},
  dir = mkdtempSync(join(tmpdir(), "notice-desk-test-")),
  now?: () => number,
): Promise<TestDesk> {
  const config = loadConfig({
    DATABASE_PATH: join(dir, "desk.sqlite"),
    MASTER_KEY: randomBytes(32).toString("base64"),
    LOG_LEVEL: "debug",
    DEFAULT_LANGUAGE: "en",
    // Tests script people faster than anyone types; the flood test sets its own limit.
    FLOOD_LIMIT: "100000",
    ...env,
  });
  const logs = new LogCapture();
  const runtime = await createRuntime(config, createLogger(config.LOG_LEVEL, logs), { purge: false, now });
  const chat = new MemoryTransport(runtime.deps);
  return {
    dir, config, runtime, logs, chat,
    contactCount: () => (runtime.store.sqlite.prepare("SELECT count(*) AS n FROM contacts").get() as { n: number }).n,
    count: (table) => (runtime.store.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
    fileBytes: () => {
      const files = [config.DATABASE_PATH, `${config.DATABASE_PATH}-wal`].filter((f) => existsSync(f));
      return Buffer.concat(files.map((f) => readFileSync(f)));
    },
    restart: async () => {
      await runtime.close();
      return createTestDesk({ ...env, MASTER_KEY: config.MASTER_KEY! }, dir, now);
    },
    close: async () => {
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
