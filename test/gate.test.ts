import { afterEach, describe, expect, it } from "vitest";
import { UPDATES_IN_FLIGHT } from "../src/bot/app.js";
import { Gate } from "../src/bot/gate.js";
import { countInFlight } from "./helpers/in-flight.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe("gate", () => {
  it("runs at most its limit at once, and the rest in the order they came", async () => {
    const gate = new Gate(3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const releases: (() => void)[] = [];
    const tasks = Array.from({ length: 8 }, (_, i) => gate.run(async () => {
      started.push(i);
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running--;
      return i * 10;
    }));
    await tick();
    expect(started).toEqual([0, 1, 2]);
    expect([gate.running, gate.waiting]).toEqual([3, 5]);
    // Ending the second lets the fourth in, not any other.
    releases[1]!();
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    // Then each in turn: a task is released only once it has started, so all ran three at most.
    for (let i = 0; i < 8; i++) {
      if (i === 1) continue;
      expect(started).toContain(i);
      releases[i]!();
      await tick();
    }
    expect(await Promise.all(tasks)).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
    expect([gate.running, gate.waiting]).toEqual([0, 0]);
  });

  it("keeps the order through a long queue that keeps growing while it is served", async () => {
    const gate = new Gate(2);
    const ran: number[] = [];
    const tasks: Promise<void>[] = [];
    const add = (i: number) => tasks.push(gate.run(async () => {
      ran.push(i);
      await tick();
      // Each early task adds two more behind the queue, as a stream of updates would.
      if (i < 2000) for (const j of [2 * i + 3000, 2 * i + 3001]) add(j);
    }));
    for (let i = 0; i < 3000; i++) add(i);
    // Until nothing runs: a waiter the queue lost would never run, and the count below shows it.
    while (gate.running > 0) await tick();
    expect(ran).toHaveLength(7000);
    await Promise.all(tasks);
    // First come, first served: the first 3000 in order, then the ones they added, in the order added.
    expect(ran.slice(0, 3000)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(ran.slice(3000)).toEqual(Array.from({ length: 4000 }, (_, i) => 3000 + i));
    expect([gate.running, gate.waiting]).toEqual([0, 0]);
  });

  it("frees the place of a task that fails, and passes its error on", async () => {
    const gate = new Gate(1);
    const failing = gate.run(() => Promise.reject(new Error("boom")));
    const after = gate.run(() => Promise.resolve("ran"));
    await expect(failing).rejects.toThrow("boom");
    await expect(after).resolves.toBe("ran");
    expect([gate.running, gate.waiting]).toEqual([0, 0]);
  });

  it("refuses a limit under one", () => {
    expect(() => new Gate(0)).toThrow(RangeError);
    expect(() => new Gate(1.5)).toThrow(RangeError);
  });
});

describe("updates in flight", () => {
  let desk: TestDesk;
  afterEach(async () => desk.close());

  it("handles a burst of people at most fifty at a time, and answers every one of them", async () => {
    desk = await createTestDesk();
    const { chat } = desk;
    const inFlight = countInFlight(chat.bot);
    const people = Array.from({ length: 3 * UPDATES_IN_FLIGHT }, (_, i) => {
      // Slow replies keep each update in flight a while, so the burst piles up.
      chat.slow(9000 + i, 20);
      return chat.user({ id: 9000 + i, languageCode: "en" });
    });
    const replies = await Promise.all(people.map((p) => p.send("/start")));
    expect(replies.every((r) => r.length > 0)).toBe(true);
    expect(inFlight.most).toBe(UPDATES_IN_FLIGHT);
    expect(inFlight.now).toBe(0);
  });
});
