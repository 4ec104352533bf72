/**
 * How quiet the machine was during a benchmark run. The load average shows
 * other work on this machine; on a virtual machine the host's other guests
 * slow it too, which shows only as time stolen from its CPUs and as a fixed
 * piece of work taking longer.
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";

/** Jiffies of all CPUs since boot, and those the host took for other guests (`steal` in /proc/stat). */
function cpuTimes(): { total: number; steal: number } | undefined {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal guest guest_nice: guest time is already counted in user.
    return { total: fields.slice(0, 8).reduce((a, b) => a + b, 0), steal: fields[7] ?? 0 };
  } catch {
    return undefined;
  }
}

/** CPU milliseconds a fixed piece of work takes (JSON and sorting, like the desk's own work): higher means a slower host. */
function workloadMs(rounds = 150): number {
  const payload = Array.from({ length: 2_000 }, (_, i) => ({ id: i, text: `message ${i * 7919 % 2_003}`, at: i * 31 }));
  const start = process.cpuUsage();
  for (let round = 0; round < rounds; round++) {
    const copy = JSON.parse(JSON.stringify(payload)) as typeof payload;
    copy.sort((a, b) => a.text.localeCompare(b.text));
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** The load average now, over 1, 5 and 15 minutes. */
export const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(", ");

/** The machine and its load now: printed before and after the figures. */
export const describeMachine = () =>
  `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; load average ${loadAverage()}`;

/** Starts watching the host; the returned function describes the run so far. */
export function watchHost(): () => string {
  workloadMs(10); // compiled before it is measured
  const before = cpuTimes();
  const workBefore = workloadMs();
  return () => {
    const after = cpuTimes();
    const stolen = before && after && after.total > before.total
      ? `${(100 * (after.steal - before.steal) / (after.total - before.total)).toFixed(1)} % of CPU time stolen by the host`
      : "stolen time unknown (no /proc/stat)";
    return `${stolen}; a fixed workload took ${workBefore.toFixed(0)} ms of CPU at the start, ${workloadMs().toFixed(0)} ms at the end (higher: a slower host)`;
  };
}
