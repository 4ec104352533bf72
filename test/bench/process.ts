/**
 * A bot as its own process, seen from outside: its CPU time and resident
 * memory as the kernel counts them (/proc, Linux), with nothing done inside
 * it (no forced garbage collection).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../src/paths.js";
import { FAKE_TOKEN, type FakeTelegram } from "../helpers/fake-telegram.js";

/** Clock ticks per second of /proc/<pid>/stat: 100 on Linux everywhere Node runs. */
const TICKS = 100;

/** CPU time the process has used so far (user + system), in ms. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // utime and stime: fields 14 and 15 of stat, 12 and 13 after the command name.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

/** Resident memory (VmRSS) right now, in MB. */
export function rssMb(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(line?.[1] ?? 0) / 1024;
}

/** Peak resident memory so far (VmHWM), in MB. */
export function peakMb(pid: number): number {
  const line = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(line?.[1] ?? 0) / 1024;
}

/**
 * The defaults `npm start` puts in the environment of the desk it runs (the
 * `NAME=${NAME:-value}` in package.json's start script): every bot process of
 * the benchmarks gets them, the bare ones too, so that both run as deployed.
 */
export const START_ENV: Record<string, string> = Object.fromEntries(
  [...((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.start ?? "")
    .matchAll(/\b([A-Z_]+)=\$\{\1:-([^}]*)\}/g)].map((m) => [m[1]!, m[2]!]),
);

/**
 * Spawns `node <args>` from the repository against the fake Bot API, with the
 * environment `npm start` gives. BENCH_NODE_ARGS go before them (e.g.
 * --cpu-prof, to profile it).
 */
export function spawnAgainst(fake: FakeTelegram, args: string[], env: Record<string, string>): ChildProcess {
  const extra = process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extra, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: { PATH: process.env.PATH ?? "", ...START_ENV, TELEGRAM_BOT_TOKEN: FAKE_TOKEN, TELEGRAM_API_ROOT: fake.apiRoot, LOG_LEVEL: "warn", ...env },
  });
  return child;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
