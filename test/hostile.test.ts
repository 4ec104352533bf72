import fc from "fast-check";
import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createI18n } from "../src/i18n/i18n.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";

const i18n = await createI18n();
const LANG_CODES = ["be", "ru", "en", "uk", "de", undefined] as const;
const replyLanguage = (code: string | undefined) => (code === "be" || code === "ru" || code === "en" ? code : "en");

let desk: TestDesk;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(async () => {
  desk = await createTestDesk();
  process.on("unhandledRejection", onUnhandled);
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await desk.close();
});

const CONSENT_LINES = (["be", "ru", "en"] as const).map((l) => i18n.getFixedT(l)("emergency.consent_line"));

const weirdText = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.string({ unit: "grapheme", maxLength: 200 }),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.constantFrom("\u202Eevil\u202C", "\u0000\u0001\u0007", "👨‍👩‍👧‍👦".repeat(50), "/start@other_bot", "/", "/take", "/close ''; DROP TABLE contacts;--", "\uFEFF", " "),
  fc.integer({ min: 4000, max: 20_000 }).map((n) => "я".repeat(n)),
);

/** Callback data an attacker might send: random, stale, or shaped like staff and admin actions. */
const callbackData = fc.oneof(
  fc.string({ maxLength: 64 }),
  fc.constantFrom(
    "staff:take:AAA-AAA", "bc:confirm", "bc:cancel", "bc:place:PL", "intake:choose:refugee", "intake:confirm", "intake:edit:country",
    "forget:yes", "sub:toggle:PL", "sub:save", "menu:forget", "menu:lawyer", "menu:urgent", "faq:e:../../etc/passwd", "faq:more",
    "lang:xx", "lang:be", "menu:faq", "faq:t:ccf", "x".repeat(64),
  ),
);

interface Sent {
  from?: { id: number; language_code?: string };
  chat?: { id: number };
}
/** A generated update, loosely typed on purpose: it need not be a valid one. */
interface LooseUpdate {
  message?: Sent;
  edited_message?: Sent;
  callback_query?: Sent;
  channel_post?: unknown;
}
type Junk = { kind: string; private: boolean; expectReply: "text_only" | "stale" | "any" | "edited" | "none"; update: LooseUpdate };

const userArb = fc.record({ id: fc.integer({ min: 1, max: 2_000_000_000 }), language_code: fc.constantFrom(...LANG_CODES) });

function base(user: { id: number; language_code?: string }, chat: Record<string, unknown>) {
  return {
    message_id: 1,
    date: 0,
    chat,
    from: { id: user.id, is_bot: false, first_name: "x", ...(user.language_code ? { language_code: user.language_code } : {}) },
  };
}

const junkArb: fc.Arbitrary<Junk> = fc.tuple(userArb, fc.nat(9), weirdText, callbackData, fc.integer({ min: -1e12, max: -1 })).map(([user, pick, text, data, groupId]) => {
  const privateChat = { id: user.id, type: "private", first_name: "x" };
  const m = base(user, privateChat);
  switch (pick) {
    case 0: return { kind: "text", private: true, expectReply: "any", update: { message: { ...m, text } } } as unknown as Junk;
    case 1: return { kind: "sticker", private: true, expectReply: "text_only", update: { message: { ...m, sticker: { file_id: "s", file_unique_id: "s", type: "regular", width: 1, height: 1, is_animated: false, is_video: false } } } } as unknown as Junk;
    case 2: return { kind: "voice", private: true, expectReply: "text_only", update: { message: { ...m, voice: { file_id: "v", file_unique_id: "v", duration: 3 } } } } as unknown as Junk;
    case 3: return { kind: "location", private: true, expectReply: "text_only", update: { message: { ...m, location: { latitude: 53.9, longitude: 27.56 } } } } as unknown as Junk;
    case 4: return { kind: "photo", private: true, expectReply: "text_only", update: { message: { ...m, photo: [{ file_id: "p", file_unique_id: "p", width: 1, height: 1 }], caption: text } } } as unknown as Junk;
    case 5: return { kind: "edited", private: true, expectReply: "edited", update: { edited_message: { ...m, edit_date: 1, text } } } as unknown as Junk;
    case 6: return { kind: "callback", private: true, expectReply: "any", update: { callback_query: { id: `${user.id}:q`, from: m.from, chat_instance: "1", data, message: { message_id: 1, date: 0, chat: privateChat, text: "" } } } } as unknown as Junk;
    case 7: return { kind: "group", private: false, expectReply: "none", update: { message: { ...base(user, { id: groupId, type: "supergroup", title: "g" }), text } } } as unknown as Junk;
    case 8: return { kind: "channel", private: false, expectReply: "none", update: { channel_post: { message_id: 1, date: 0, chat: { id: groupId, type: "channel", title: "c" }, text } } } as unknown as Junk;
    default: return { kind: "spoofed", private: false, expectReply: "none", update: { message: { ...m, chat: { ...privateChat, id: user.id + 1 }, text } } } as unknown as Junk;
  }
});

describe("hostile input", () => {
  it("survives thousands of generated updates: no crash, a clear reply, nothing stored", async () => {
    let updateId = 1;
    await fc.assert(fc.asyncProperty(fc.array(junkArb, { minLength: 1, maxLength: 8 }), async (updates) => {
      for (const junk of updates) {
        const from = (junk.update.message ?? junk.update.edited_message ?? junk.update.callback_query)?.from;
        const chatId = (junk.update.message ?? junk.update.edited_message)?.chat?.id ?? from?.id ?? 0;
        const user = desk.chat.user({ id: chatId, languageCode: from?.language_code });
        // The urgent button under an emergency checklist that said what it stores is consent, not junk:
        // pressing it after generated text the matcher read as a detention would rightly store the person.
        const urgent = (junk.update.callback_query as { data?: string } | undefined)?.data === "menu:urgent";
        if (urgent && user.messages.some((m) => CONSENT_LINES.some((line) => m.text.includes(line)))) continue;
        const repliesBefore = user.messages.length;
        const noticesBefore = user.notices.length;
        await desk.chat.dispatch(user, { update_id: updateId++, ...junk.update } as Update);
        const replies = user.messages.slice(repliesBefore).map((r) => r.text);
        const notices = user.notices.slice(noticesBefore);
        // The language the bot settled on for this person, or else their messenger's.
        const session = (await desk.runtime.deps.sessions.read(`memory:${chatId}`)) as { language?: string } | undefined;
        const t = i18n.getFixedT(session?.language ?? replyLanguage(from?.language_code));
        if (junk.expectReply === "none") {
          expect(replies, junk.kind).toEqual([]);
          continue;
        }
        expect(replies.length + notices.length, junk.kind).toBeGreaterThan(0);
        if (junk.expectReply === "text_only") expect(replies, junk.kind).toContain(t("errors.text_only"));
        if (junk.expectReply === "edited") expect(replies).toContain(t("errors.edited"));
        for (const r of replies) expect(r.length).toBeLessThanOrEqual(4096);
      }
    }), { numRuns: 700 });

    expect(unhandled).toEqual([]);
    expect(desk.logs.text).not.toContain("handler failed");
    for (const table of ["contacts", "sessions", "intake_drafts", "cases", "subscriptions", "staff"]) {
      expect(desk.count(table), table).toBe(0);
    }
  });
});
