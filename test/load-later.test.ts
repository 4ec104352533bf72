import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { loadLater } from "../src/cache/load-later.js";

const require = createRequire(import.meta.url);

describe("a module loaded when first used", () => {
  it("is not loaded until asked for, then loaded once", () => {
    // A module nothing else in the process loads (the card renderer only resolves its path).
    const name = "dejavu-fonts-ttf/package.json";
    const path = require.resolve(name);
    const fonts = loadLater<{ name: string }>(name);
    expect(require.cache[path]).toBeUndefined();
    expect(fonts().name).toBe("dejavu-fonts-ttf");
    expect(require.cache[path]).toBeDefined();
    expect(fonts()).toBe(fonts());
  });
});
