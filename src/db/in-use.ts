import { readFileSync, rmSync, writeFileSync } from "node:fs";

/**
 * Marks a database as in use by the running bot (`<file>.pid`), so that
 * `keys:rotate` can refuse to re-wrap keys under it: the bot caches keys, and
 * a rotation behind its back locks people out after the next restart. A
 * start never refuses over the mark, since a killed process leaves it behind.
 */
const markOf = (path: string) => `${path}.pid`;

/** Marks `path` as in use by this process; the returned function removes the mark. */
export function markInUse(path: string): () => void {
  if (path === ":memory:") return () => undefined;
  writeFileSync(markOf(path), `${process.pid}\n`, { mode: 0o600 });
  return () => {
    if (inUseBy(path, true) === process.pid) rmSync(markOf(path), { force: true });
  };
}

/** The id of a live process, other than this one, marked as using `path`; undefined if none. */
export function inUseBy(path: string, includingThis = false): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(markOf(path), "utf8"), 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || (pid === process.pid && !includingThis)) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}
