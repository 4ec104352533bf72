import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project folder (where package.json is), whether running from `src/` or from a bundle in `dist/`. */
function findRoot(from: string): string {
  let dir = dirname(from);
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the project folder");
    dir = up;
  }
  return dir;
}

export const ROOT = findRoot(fileURLToPath(import.meta.url));
