import { describe, expect, it } from "vitest";
import { splitText } from "../src/relay/split.js";

describe("splitting a long relayed text", () => {
  it("keeps a text that fits whole", () => {
    expect(splitText("short", 10)).toEqual(["short"]);
    expect(splitText("", 10)).toEqual([""]);
  });

  it("cuts at a paragraph break, else a sentence end, else a space, else inside a word", () => {
    const paragraphs = `${"a".repeat(60)}\n\n${"b".repeat(60)}`;
    expect(splitText(paragraphs, 100)).toEqual(["a".repeat(60), "b".repeat(60)]);
    const sentences = `${"First sentence goes on. ".repeat(3)}Second part ${"x".repeat(40)}`;
    const parts = splitText(sentences, 100);
    expect(parts[0]!.endsWith(".")).toBe(true);
    expect(splitText(`${"word ".repeat(30)}`, 50).every((p) => p.length <= 50 && !p.startsWith(" "))).toBe(true);
    expect(splitText("x".repeat(250), 100)).toEqual(["x".repeat(100), "x".repeat(100), "x".repeat(50)]);
  });

  it("never loses or reorders a character but the spaces at the cuts, and never splits a surrogate pair", () => {
    const text = `${"привет мир. ".repeat(400)}${"😀".repeat(300)}`;
    const parts = splitText(text, 4096);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join("").replace(/\s/g, "")).toBe(text.replace(/\s/g, ""));
    for (const p of parts) expect(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(p)).toBe(false);
  });
});
