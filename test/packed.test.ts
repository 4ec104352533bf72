import { describe, expect, it } from "vitest";
import { pack, unpack } from "../src/faq/packed.js";

describe("packed model", () => {
  const parts = { a: Int32Array.from([1, -2, 3]), b: Float64Array.from([0.5, -1.25]), c: Uint16Array.from([7]), d: Float32Array.from([2.5, 3.5, 4.5]) };

  it("reads back the meta and every array, viewing an aligned buffer in place", () => {
    const buffer = pack({ format: 1, labels: ["x"] }, parts);
    const { meta, parts: read } = unpack(buffer);
    expect(meta).toEqual({ format: 1, labels: ["x"] });
    for (const [name, array] of Object.entries(parts)) {
      expect(read[name]).toBeInstanceOf(array.constructor);
      expect([...read[name]!]).toEqual([...array]);
      expect(read[name]!.buffer).toBe(buffer.buffer);
    }
  });

  it("copies a buffer that does not start on an 8-byte boundary, with the same values", () => {
    const packed = pack({}, parts);
    const shifted = Buffer.alloc(packed.length + 3);
    packed.copy(shifted, 3);
    const { parts: read } = unpack(shifted.subarray(3));
    for (const [name, array] of Object.entries(parts)) {
      expect([...read[name]!]).toEqual([...array]);
      expect(read[name]!.buffer).not.toBe(shifted.buffer);
    }
  });
});
