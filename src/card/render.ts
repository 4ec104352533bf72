import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { loadLater } from "../cache/load-later.js";
import type { StatementBlock } from "./statements.js";

/**
 * Draws the statement as a PNG a phone keeps and shows offline: the officer's
 * language first and large, then the same in the person's language and in
 * English, smaller. One font (DejaVu Sans, shipped as a dependency) covers
 * Latin with diacritics, Cyrillic and Georgian; no system font is used, so
 * the card looks the same on every server.
 */

const require = createRequire(import.meta.url);
/** The renderer, a native module, is loaded with the first card: it costs memory and start-up. */
const renderer = loadLater<typeof import("@resvg/resvg-js")>("@resvg/resvg-js");
export const FONT_FILES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((f) => join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf", f));

export const WIDTH = 720;
const PAD = 40;
const MAIN = 26;
const SMALL = 18;

/** A conservative width of one character: Georgian letters are wider than Latin or Cyrillic ones. */
const charWidth = (text: string, size: number) => size * (/[\u10A0-\u10FF]/.test(text) ? 0.7 : 0.6);

/** Words on lines no wider than the card (measured conservatively: a short line is better than a cut one). */
export function wrap(text: string, size: number, width = WIDTH - 2 * PAD): string[] {
  const perLine = Math.max(10, Math.floor(width / charWidth(text, size)));
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && (line + " " + word).length > perLine) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
    while (line.length > perLine) {
      lines.push(line.slice(0, perLine));
      line = line.slice(perLine);
    }
  }
  if (line) lines.push(line);
  return lines;
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export interface Card {
  png: Buffer;
  width: number;
  height: number;
  /** Every line drawn, in order: what tests check the image's text against. */
  lines: string[];
}

/** `blocks[0]` is the officer's language; the rest follow under a rule, smaller. */
export function renderCard(blocks: readonly StatementBlock[]): Card {
  const parts: string[] = [];
  const drawn: string[] = [];
  let y = PAD;
  const text = (line: string, size: number, options: { bold?: boolean; color?: string } = {}) => {
    y += size * 1.3;
    drawn.push(line);
    parts.push(`<text x="${PAD}" y="${y.toFixed(0)}" font-family="DejaVu Sans" font-size="${size}"${options.bold ? ' font-weight="bold"' : ""} fill="${options.color ?? "#111"}">${escape(line)}</text>`);
  };
  blocks.forEach((block, i) => {
    const size = i === 0 ? MAIN : SMALL;
    const color = i === 0 ? "#111" : "#444";
    if (i > 0) {
      y += SMALL;
      parts.push(`<rect x="${PAD}" y="${y.toFixed(0)}" width="${WIDTH - 2 * PAD}" height="2" fill="#999"/>`);
      y += SMALL * 0.4;
    }
    for (const line of wrap(block.title, size * 1.3)) text(line, Math.round(size * 1.3), { bold: true, color });
    y += size * 0.3;
    for (const sentence of block.lines) {
      for (const line of wrap(sentence, size)) text(line, size, { color });
      y += size * 0.45;
    }
  });
  const height = Math.ceil(y + PAD);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`
    + `<rect width="100%" height="100%" fill="#fff"/><rect x="0" y="0" width="${WIDTH}" height="10" fill="#b00020"/>${parts.join("")}</svg>`;
  const drawing = new (renderer().Resvg)(svg, { font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: "DejaVu Sans" } });
  const image = drawing.render();
  return { png: Buffer.from(image.asPng()), width: image.width, height: image.height, lines: drawn };
}
