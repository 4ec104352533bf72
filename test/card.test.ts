import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { FONT_FILES, renderCard } from "../src/card/render.js";
import { CARD_COUNTRIES, compose, decodeChoice, encodeChoice, loadStatements, OFFICER_LANGUAGES, SENTENCES, toggle } from "../src/card/statements.js";
import { createI18n } from "../src/i18n/i18n.js";
import { MemoryTransport } from "../src/transports/memory.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";

const i18n = await createI18n();
const en = i18n.getFixedT("en");
const ru = i18n.getFixedT("ru");
const statements = loadStatements();
const ALL = new Set(SENTENCES);
const CONTACT = "Example Hotline, +48 00 000 00 00";

/** The Unicode code points a TrueType font has glyphs for (its cmap, formats 4 and 12). */
function coverage(path: string): Set<number> {
  const font = readFileSync(path);
  const tables = font.readUInt16BE(4);
  let cmap = 0;
  for (let i = 0; i < tables; i++) if (font.toString("latin1", 12 + i * 16, 16 + i * 16) === "cmap") cmap = font.readUInt32BE(12 + i * 16 + 8);
  const covered = new Set<number>();
  for (let i = 0; i < font.readUInt16BE(cmap + 2); i++) {
    const sub = cmap + font.readUInt32BE(cmap + 4 + i * 8 + 4);
    const format = font.readUInt16BE(sub);
    if (format === 4) {
      const segs = font.readUInt16BE(sub + 6) / 2;
      for (let s = 0; s < segs; s++) {
        const end = font.readUInt16BE(sub + 14 + s * 2);
        const start = font.readUInt16BE(sub + 16 + segs * 2 + s * 2);
        for (let c = start; c <= end && c !== 0xffff; c++) covered.add(c);
      }
    } else if (format === 12) {
      for (let g = 0; g < font.readUInt32BE(sub + 12); g++) {
        const at = sub + 16 + g * 12;
        for (let c = font.readUInt32BE(at); c <= font.readUInt32BE(at + 4); c++) covered.add(c);
      }
    }
  }
  return covered;
}

/** Width and height from a PNG's header, after checking its signature. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(png.toString("latin1", 12, 16)).toBe("IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const flat = (text: string) => text.replace(/\s+/g, " ").trim();

describe("the statement texts", () => {
  it("exist for every country's language, and the font has a glyph for every character of every one", () => {
    for (const languages of Object.values(OFFICER_LANGUAGES)) for (const l of languages) expect(statements.has(l), l).toBe(true);
    for (const l of ["be", "ru", "en"]) expect(statements.has(l), l).toBe(true);
    const glyphs = coverage(FONT_FILES[0]!);
    const bold = coverage(FONT_FILES[1]!);
    for (const [l, text] of statements) {
      for (const ch of [...Object.values(text.sentences).join(" ")]) expect(glyphs.has(ch.codePointAt(0)!), `${l}: ${ch}`).toBe(true);
      for (const ch of [...text.title]) expect(bold.has(ch.codePointAt(0)!), `${l} title: ${ch}`).toBe(true);
    }
  });
});

describe("the card image", () => {
  for (const [l, text] of statements) {
    it(`renders ${l}: a PNG of its stated size, holding every chosen sentence`, () => {
      const blocks = [compose(text, ALL, CONTACT), compose(statements.get("ru")!, ALL, CONTACT)];
      const card = renderCard(blocks);
      expect(pngSize(card.png)).toEqual({ width: card.width, height: card.height });
      expect(card.width).toBe(720);
      const drawn = flat(card.lines.join(" "));
      expect(drawn).toContain(flat(text.title));
      for (const s of SENTENCES) expect(drawn, `${l} ${s}`).toContain(flat(text.sentences[s].replace("{{contact}}", CONTACT)));
    });
  }
});

describe("choosing the sentences", () => {
  it("keeps alternatives exclusive, carries a choice in a few hex digits, and refuses a forged mix", () => {
    let chosen = toggle(new Set(), "protection_here");
    chosen = toggle(chosen, "protection_apply");
    expect([...chosen]).toEqual(["protection_apply"]);
    chosen = toggle(toggle(chosen, "lawyer_ru"), "lawyer_be");
    expect(chosen.has("lawyer_ru")).toBe(false);
    expect(decodeChoice(encodeChoice(chosen))).toEqual(chosen);
    const forged = decodeChoice("1ff");
    expect(["protection_here", "protection_elsewhere", "protection_apply"].filter((s) => forged.has(s as never))).toHaveLength(1);
    expect(encodeChoice(ALL).length).toBeLessThanOrEqual(3);
  });

  it("leaves out 'please call' without a contact", () => {
    const block = compose(statements.get("pl")!, ALL);
    expect(block.lines).toHaveLength(SENTENCES.length - 1);
    expect(block.lines.join(" ")).not.toContain("{{contact}}");
  });
});

describe("'If I am stopped' through the bot", () => {
  let desk: TestDesk | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await desk?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    desk = undefined;
  });

  async function open(contacts: boolean) {
    dir = mkdtempSync(join(tmpdir(), "nd-card-"));
    const file = join(dir, "contacts.json");
    writeFileSync(file, JSON.stringify({ contacts: [{ country: "PL", name: "Example Hotline", phone: "+48 00 000 00 00" }] }));
    desk = await createTestDesk(contacts ? { EMERGENCY_CONTACTS_FILE: file } : {});
    return new MemoryTransport(desk.runtime.deps, "telegram");
  }

  it("picks the country, ticks the sentences, and sends the card as a photo and as text, storing nothing", async () => {
    const chat = await open(true);
    const person = chat.user({ id: 501, languageCode: "ru" });
    await person.send("/start");
    await person.press(ru("language.names.ru"));
    await person.press(ru("privacy.agree"));
    const [picker] = await person.send("/card");
    expect(picker!.text).toBe(ru("card.choose_country"));
    expect(picker!.buttons.flat().length).toBeGreaterThanOrEqual(CARD_COUNTRIES.length);
    const [options] = await person.press(ru("card.countries.PL"));
    expect(options!.text).toContain(ru("card.choose_sentences", { country: ru("card.countries.PL") }));
    await person.press(`☐ ${ru("card.sentence.protection_apply")}`);
    await person.press(`✓ ${ru("card.sentence.no_consulate")}`);
    const [photo, text] = await person.press(ru("card.make"));
    expect(photo!.file?.kind).toBe("photo");
    expect(pngSize(Buffer.from(photo!.file!.bytes)).width).toBe(720);
    const pl = statements.get("pl")!;
    expect(text!.text).toContain(pl.sentences.protection_apply);
    expect(text!.text).toContain(pl.sentences.call.replace("{{contact}}", CONTACT));
    expect(text!.text).not.toContain(pl.sentences.no_consulate);
    expect(text!.text).toContain(statements.get("ru")!.sentences.protection_apply);
    expect(text!.text).toContain(statements.get("en")!.sentences.protection_apply);
    expect(text!.text).toContain(ru("card.unreviewed", { language: "Polski, Русский, English" }));
    // A stored person: their sealed session holds nothing of the card (the choice rode in the buttons).
    expect(desk!.contactCount()).toBe(1);
    const session = JSON.stringify(await desk!.runtime.deps.sessions.read("telegram:501"));
    expect(session).not.toMatch(/PL|card|protection/);
  });

  it("takes a typed country, and says when no contact is configured", async () => {
    const chat = await open(false);
    const person = chat.user({ id: 502, languageCode: "en" });
    await person.send("/start");
    await person.press(en("language.names.en"));
    await person.send("/card");
    const [options] = await person.send("germany");
    expect(options!.text).toContain(en("card.no_contact"));
    expect(options!.buttons.flat().some((b) => b.text.includes(en("card.sentence.call")))).toBe(false);
    const [, text] = await person.press(en("card.make"));
    expect(text!.text).toContain(statements.get("de")!.title);
    expect(text!.text).not.toContain(statements.get("de")!.sentences.call.split("{{")[0]!.trim());
  });

  it("on the console, writes the image to a file and prints its path", async () => {
    const chat = await open(false);
    void chat;
    const { runConsole } = await import("../src/transports/console.js");
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (d: Buffer) => (printed += d.toString("utf8")));
    const files = mkdtempSync(join(dir!, "out-"));
    const done = runConsole(desk!.runtime.deps, { input, output } as never, files);
    for (const line of ["/start", "1", "/card", "latvia"]) input.write(`${line}\n`);
    await new Promise((r) => setTimeout(r, 300));
    input.end(`${en("card.make")}\n`);
    await done;
    const [folder] = readdirSync(files);
    const written = join(files, folder!, "statement-LV.png");
    expect(printed).toContain(written);
    expect(pngSize(readFileSync(written)).width).toBe(720);
  });
});
