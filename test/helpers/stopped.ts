import type { ChildProcess } from "node:child_process";

/**
 * Stops a process the way a service manager does: SIGTERM (so a profile
 * gets written, a bot ends its work), SIGKILL after 10 s. With `group`, the
 * signals go to the process group the child leads (spawned `detached`), so
 * that a launcher and everything it started stop together.
 */
export async function stopped(child: ChildProcess, { group = false } = {}): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (name: NodeJS.Signals) => (group ? process.kill(-child.pid!, name) : child.kill(name));
  signal("SIGTERM");
  const kill = setTimeout(() => signal("SIGKILL"), 10_000);
  await exit;
  clearTimeout(kill);
}
