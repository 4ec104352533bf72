import { describe, expect, it } from "vitest";
import { BoundedMap } from "../src/cache/bounded-map.js";

describe("BoundedMap", () => {
  it("keeps at most its limit, dropping the oldest entry and handing it to onEvict", () => {
    const evicted: Buffer[] = [];
    const keys = new BoundedMap<string, Buffer>(2, (key) => {
      key.fill(0);
      evicted.push(key);
    });
    const a = Buffer.from([1, 1]);
    keys.set("a", a).set("b", Buffer.from([2]));
    keys.set("b", Buffer.from([3])); // an existing key is replaced, nothing is dropped
    expect(evicted).toHaveLength(0);
    keys.set("c", Buffer.from([4]));
    expect([...keys.keys()]).toEqual(["b", "c"]);
    expect(evicted).toEqual([a]);
    expect([...a]).toEqual([0, 0]);
  });
});
