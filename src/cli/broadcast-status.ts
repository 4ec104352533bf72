/**
 * Prints the running broadcasts from the shell, as the admin sees them:
 *   npm run broadcast:status
 * Reads only the jobs' counters, which hold no personal data, so it needs no key.
 */
import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { BroadcastLedger } from "../broadcast/broadcasts.js";
import { loadConfig } from "../config/env.js";
import * as schema from "../db/schema.js";

const config = loadConfig();
if (!existsSync(config.DATABASE_PATH)) {
  process.stderr.write("DATABASE_PATH does not exist.\n");
  process.exit(2);
}
const sqlite = new Database(config.DATABASE_PATH, { readonly: true, fileMustExist: true });
const broadcasts = new BroadcastLedger(drizzle(sqlite, { schema }));
const running = broadcasts.running();
if (running.length === 0) process.stdout.write("No broadcast is running.\n");
for (const job of running) {
  const p = broadcasts.progress(job.id);
  const rate = broadcasts.rate(job.id);
  const left = rate > 0 ? `${Math.ceil(p.pending / rate)} s` : "—";
  process.stdout.write(`#${job.id} by ${job.createdBy}: ${p.sent}/${p.total} sent, ${p.failed} failed, ${p.pending} left, ${rate.toFixed(1)}/s, about ${left} left, ${p.ambiguous} ambiguous\n`);
}
sqlite.close();
