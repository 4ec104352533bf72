import { defineConfig } from "vitest/config";

/**
 * Two projects. `fast` runs in-process against real SQLite files and loopback
 * fakes. `slow` spawns processes (SIGKILL crash tests, CLIs), fuzzes or runs
 * the matcher's evaluation: its limits are sized for a loaded 2-core machine,
 * where one of these tests takes several times what it takes on an idle one.
 * The limits live here so that any way of running vitest applies them.
 */
const SLOW = [
  "test/crash.test.ts",
  "test/broadcast-crash.test.ts",
  "test/hostile.test.ts",
  "test/matcher.test.ts",
  "test/storage.test.ts",
  "test/startup.test.ts",
  "test/reminders-crash.test.ts",
  "test/npm-start.test.ts",
];

export default defineConfig({
  test: {
    // Most tests wait on loopback I/O and timers rather than compute: two files at once even on two cores.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: "fast", include: ["test/**/*.test.ts"], exclude: SLOW, testTimeout: 30_000, hookTimeout: 30_000 },
      },
      {
        extends: true,
        test: { name: "slow", include: SLOW, testTimeout: 240_000, hookTimeout: 120_000 },
      },
    ],
  },
});
