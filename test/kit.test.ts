import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checklist, CHECKLIST_SOURCES } from "../src/ccf/checklist.js";
import { DRAFT_SOURCES, draftLines } from "../src/ccf/draft.js";
import { KIT_CHOICES, type KitAnswers } from "../src/ccf/questions.js";
import { CCF_SUBMIT_URL } from "../src/ccf/render.js";
import { kitNext, position, startKit, type KitState } from "../src/ccf/steps.js";
import { createI18n } from "../src/i18n/i18n.js";
import { LANGUAGES, type Language } from "../src/i18n/languages.js";
import { MemoryTransport, type MemoryUser } from "../src/transports/memory.js";
import type { OutgoingMessage } from "../src/transports/virtual/types.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";
import { joinTeam } from "./helpers/staff.js";

const i18n = await createI18n();
const T = (lang: Language) => i18n.getFixedT(lang);
const K = (lang: Language) => i18n.getFixedT(lang, "kit");
const en = T("en");
const ken = K("en");

let desk: TestDesk;
beforeEach(async () => {
  desk = await createTestDesk();
});
afterEach(() => desk.close());

async function consented(id: number, lang: Language, transport: MemoryTransport = desk.chat): Promise<MemoryUser> {
  const person = transport.user({ id, languageCode: lang });
  await person.send("/start");
  await person.press(T(lang)(`language.names.${lang}`));
  await person.press(T(lang)("privacy.agree"));
  return person;
}

/** What the person types, per language: Latin in English, Cyrillic otherwise, as people write. */
const TYPED = {
  en: { charge: "Article 342 part 1 (organising actions that grossly violate public order)", dates: "warrant of 4 March 2021", where: "Lithuania", court: "Vilnius Regional Court, 12 May 2023, No. 1-234", context: "I organised neighbourhood protests in Hrodna in 2020; the case was opened after I left." },
  ru: { charge: "ст. 342 ч. 1 УК РБ", dates: "ордер от 4 марта 2021", where: "Литва", court: "Вильнюсский окружной суд, 12.05.2023, № 1-234", context: "Я организовывал дворовые протесты в Гродно в 2020 году; дело возбудили после отъезда." },
  be: { charge: "арт. 342 ч. 1 КК РБ", dates: "ордэр ад 4 сакавіка 2021", where: "Літва", court: "Віленскі акруговы суд, 12.05.2023, № 1-234", context: "Я арганізоўваў дваровыя пратэсты ў Гродне ў 2020 годзе; справу завялі пасля ад'езду." },
} satisfies Record<Language, Record<string, string>>;

/** The heading sentences of the statement, in order, as the English draft has them. */
const headings = (purpose: "access" | "deletion" | "preemptive") =>
  ["h_purpose", "h_applicant", "h_data", purpose === "access" ? "h_background" : "h_grounds", "h_confidential", "h_enclosed"].map((h) => ken(`draft.${h}`));

/** Everything the kit sent after its last question, by what it is. */
function result(sent: OutgoingMessage[], lang: Language) {
  const k = K(lang);
  const texts = sent.map((m) => m.text);
  const draft = texts.filter((t) => t.startsWith(k("draft_intro")) || (!t.startsWith(k("translation_intro")) && t.includes(ken("draft.signature")) && !t.includes("→"))).join("\n");
  const translationStart = texts.findIndex((t) => t.startsWith(k("translation_intro")));
  return {
    checklist: texts.find((t) => t.startsWith(k("checklist_title"))) ?? "",
    draft,
    translation: translationStart < 0 ? "" : texts.slice(translationStart).filter((t) => t.includes("→")).join("\n"),
    document: sent.find((m) => m.file?.kind === "document"),
    steps: sent.at(-1)!,
  };
}

async function typicalKit(person: MemoryUser, lang: Language): Promise<OutgoingMessage[]> {
  const k = K(lang);
  const typed = TYPED[lang];
  const [intro, first] = await person.press(T(lang)("menu.kit"));
  expect(intro!.text).toBe(k("start", { days: 7 }));
  expect(first!.text).toBe(k("q.purpose"));
  await person.press(k("choice.purpose.deletion"));
  expect(person.last()!.text).toBe(k("q.notice"));
  await person.press(k("choice.notice.red_notice"));
  await person.press(k("choice.country.belarus"));
  expect(person.last()!.text).toBe(k("q.charge"));
  await person.send(typed.charge);
  await person.send(typed.dates);
  expect(person.last()!.text).toBe(k("q.document"));
  await person.press(k("choice.document.passport_expired"));
  await person.press(k("choice.protection.refugee"));
  expect(person.last()!.text).toBe(k("q.protectionCountry"));
  await person.send(typed.where);
  await person.press(k("choice.court.extradition_refused"));
  expect(person.last()!.text).toBe(k("q.courtDetail"));
  await person.send(typed.court);
  expect(person.last()!.text).toBe(k("q.context"));
  await person.send(typed.context);
  expect(person.last()!.text).toBe(k("q.filer"));
  return await person.press(k("choice.filer.lawyer"));
}

describe("the CCF request kit", () => {
  for (const lang of LANGUAGES) {
    it(`walks a typical deletion request in ${lang}: checklist, English draft, line-by-line translation, document, steps`, async () => {
      const k = K(lang);
      const typed = TYPED[lang];
      const person = await consented(700 + LANGUAGES.indexOf(lang), lang);
      const out = result(await typicalKit(person, lang), lang);

      // The checklist: the expired passport is flagged, the rest is to gather.
      expect(out.checklist).toContain(`${k("mark.check")} ${k("check.id")}`);
      expect(out.checklist).toContain(k("check.id_check"));
      for (const item of ["poa", "statement", "protection", "court", "evidence", "translations"]) expect(out.checklist).toContain(`${k("mark.gather")} ${k(`check.${item}`)}`);
      expect(out.checklist).not.toContain(`\n${k("mark.missing")} `);

      // The statement is in English, its sections in the CCF's order, the answers in place.
      const at = headings("deletion").map((h) => out.draft.indexOf(h));
      expect(at.every((i) => i >= 0), "every section").toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
      expect(out.draft).toContain(ken("draft.purpose_deletion", { country: ken("value.country.belarus") }));
      expect(out.draft).toContain(ken("draft.data_red_notice", { country: ken("value.country.belarus") }));
      expect(out.draft).toContain(ken("draft.document_expired"));
      expect(out.draft).toContain(ken("draft.representative", { who: ken("value.filer.lawyer") }));
      expect(out.draft).toContain(ken("draft.article3"));
      expect(out.draft).toContain("GA-2017-86-RES-09");
      expect(out.draft).toContain(ken("draft.confidential"));
      expect(out.draft).toContain(ken("enclosed.poa"));
      expect(out.draft).not.toMatch(/\{\{|\}\}/);
      // What the person typed goes in as it is in English, and marked for translation otherwise.
      const asTyped = (text: string) => (lang === "en" ? text : ken("translate", { text }));
      for (const text of [typed.charge, typed.dates, typed.court, typed.context]) expect(out.draft).toContain(asTyped(text));
      expect(out.draft).toContain(ken("draft.refugee", { where: asTyped(typed.where), country: ken("value.country.belarus") }));
      // No placeholder stands where an answer was given.
      for (const ph of ["country", "charge", "dates", "protection_country", "court_detail"]) expect(out.draft).not.toContain(ken(`ph.${ph}`));

      // Line by line: each English sentence followed by the person's language.
      if (lang === "en") expect(out.translation).toBe("");
      else {
        expect(out.translation).toContain(`${ken("draft.h_purpose")}\n→ ${k("draft.h_purpose")}`);
        expect(out.translation).toContain(`${ken("draft.article3")}\n→ ${k("draft.article3")}`);
        expect(out.translation).toContain(`→ ${k("draft.context", { context: typed.context })}`);
        const pairs = out.translation.split("\n").filter((l) => l.startsWith("→ ")).length;
        expect(pairs).toBe(draftLines({ purpose: "deletion", notice: "red_notice", country: "belarus", charge: "x", dates: "x", document: "passport_expired", protection: "refugee", protectionCountry: "x", court: "extradition_refused", courtDetail: "x", context: "x", filer: "lawyer" }, ["id", "poa", "protection", "court", "evidence", "translations"]).length);
      }

      // The document holds all of it.
      expect(out.document?.file?.name).toBe("ccf-request-draft.txt");
      const doc = Buffer.from(out.document!.file!.bytes).toString("utf8");
      expect(doc).toContain(k("draft_warning"));
      expect(doc).toContain(ken("draft.purpose_deletion", { country: ken("value.country.belarus") }));
      expect(doc).toContain(CCF_SUBMIT_URL);
      if (lang !== "en") expect(doc).toContain(k("draft.article2"));

      // How to file, with "I have filed" for the kind prepared.
      expect(out.steps.text).toContain(k("steps_title"));
      expect(out.steps.text).toContain(CCF_SUBMIT_URL);
      expect(out.steps.text).toContain(k("draft_warning"));
      expect(out.steps.text).toContain(k("dropped"));
      expect(out.steps.buttons.flat().map((b) => b.text)).toEqual([k("filed_button"), k("volunteer_button"), T(lang)("menu.main")]);
      expect(out.steps.buttons.flat()[0]!.data).toBe("kit:filed:deletion");
    });

    it(`leaves a placeholder for every skipped answer in ${lang}`, async () => {
      const k = K(lang);
      const person = await consented(710 + LANGUAGES.indexOf(lang), lang);
      await person.press(T(lang)("menu.kit"));
      let sent: OutgoingMessage[] = [];
      // Every question can be skipped; the follow-ups of skipped questions are not asked.
      for (let i = 0; i < 10; i++) sent = await person.press(k("skip"));
      const out = result(sent, lang);
      for (const key of ["purpose_missing", "document_missing", "representative_missing", "context_missing"]) expect(out.draft).toContain(ken(`draft.${key}`));
      expect(out.draft).toContain(ken("draft.data_missing", { country: ken("ph.country") }));
      for (const ph of ["charge", "dates"]) expect(out.draft).toContain(ken(`ph.${ph}`));
      // Without a purpose the grounds are kept, for a deletion request is the likelier one.
      expect(headings("deletion").every((h) => out.draft.includes(h))).toBe(true);
      for (const item of ["id", "poa", "evidence"]) expect(out.checklist).toContain(`${k("mark.missing")} ${k(`check.${item}`)}`);
      expect(out.steps.buttons.flat()[0]!.data).toBe("kit:filed:ask");
      if (lang !== "en") expect(out.translation).toContain(`${ken("draft.purpose_missing")}\n→ ${k("draft.purpose_missing")}`);
    });
  }

  it("builds an access request without grounds, and a pre-emptive submission without a deadline", async () => {
    const person = await consented(720, "en");
    await person.press(en("menu.kit"));
    await person.press(ken("choice.purpose.access"));
    let sent: OutgoingMessage[] = [];
    for (let i = 0; i < 9; i++) sent = await person.press(ken("skip"));
    let out = result(sent, "en");
    expect(headings("access").every((h) => out.draft.includes(h))).toBe(true);
    expect(out.draft).not.toContain(ken("draft.article3"));
    expect(out.draft).toContain(ken("draft.purpose_access"));
    expect(out.draft).toContain(ken("draft.access_note"));
    expect(out.checklist).not.toContain(ken("check.evidence"));
    expect(out.steps.text).toContain(ken("steps.3"));
    expect(out.steps.buttons.flat()[0]!.data).toBe("kit:filed:access");

    await person.press(en("menu.kit"));
    await person.press(ken("choice.purpose.preemptive"));
    await person.press(ken("choice.notice.unknown"));
    await person.send("Kazakhstan");
    for (let i = 0; i < 7; i++) sent = await person.press(ken("skip"));
    out = result(sent, "en");
    expect(out.draft).toContain(ken("draft.purpose_preemptive", { country: "Kazakhstan" }));
    expect(out.draft).toContain(ken("draft.data_unknown", { country: "Kazakhstan" }));
    expect(out.draft).toContain(ken("draft.h_grounds_preemptive", { country: "Kazakhstan" }));
    expect(out.steps.text).toContain(ken("steps.3_preemptive"));
    expect(out.steps.text).toContain(ken("steps.5_preemptive"));
    expect(out.steps.buttons.flat().map((b) => b.text)).not.toContain(ken("filed_button"));
  });

  it("goes back, refuses what is not an answer, and takes a typed label as its button", async () => {
    const person = await consented(730, "ru");
    const k = K("ru");
    await person.press(T("ru")("menu.kit"));
    await person.send(k("choice.purpose.access").toUpperCase());
    expect(person.last()!.text).toBe(k("q.notice"));
    await person.press(k("back"));
    expect(person.last()!.text).toBe(k("q.purpose"));
    const [refused] = await person.send("что-то другое");
    expect(refused!.text).toBe(k("invalid.buttons"));
    await person.press(k("choice.purpose.deletion"));
    await person.press(k("skip"));
    const [bad] = await person.send("1234");
    expect(bad!.text).toBe(k("invalid.invalid"));
    await person.send("Беларусь");
    expect(person.last()!.text).toBe(k("q.charge"));
    const [long] = await person.send("x".repeat(301));
    expect(long!.text).toBe(k("invalid.too_long", { max: 300 }));
    const [stale] = await person.pressData("kit:c:nonsense");
    expect(stale!.text).toBe(T("ru")("errors.stale"));
    const [stopped] = await person.send("/cancel");
    expect(stopped!.text).toBe(k("cancelled"));
  });

  it("keeps nothing of the answers once the document is sent: no row of the conversation, no byte of an answer in the file", async () => {
    const person = await consented(740, "en");
    const key = `conv:memory:${person.user.id}`;
    await person.press(en("menu.kit"));
    await person.press(ken("choice.purpose.deletion"));
    expect(await desk.runtime.deps.conversations.read(key)).toBeDefined();
    await person.press(ken("choice.notice.diffusion"));
    await person.send("Uzbekistan");
    await person.send("Article 189-QZ smuggling");
    await person.send("Warrant dated 17 Octember");
    await person.press(ken("choice.document.residence_card"));
    await person.press(ken("choice.protection.subsidiary"));
    await person.send("Portugal");
    await person.press(ken("choice.court.other_decision"));
    await person.send("Lisbon court ruling PX-7781");
    await person.send("Marker-Context-Zeta: I ran an independent newspaper");
    const sent = await person.press(ken("choice.filer.self"));
    expect(sent.some((m) => m.file?.kind === "document")).toBe(true);
    expect(await desk.runtime.deps.conversations.read(key)).toBeUndefined();
    expect(desk.count("case_notes")).toBe(0);
    expect(desk.count("cases")).toBe(0);
    const bytes = desk.fileBytes();
    for (const secret of ["Uzbekistan", "189-QZ", "smuggling", "Octember", "Portugal", "PX-7781", "Marker-Context-Zeta", "newspaper"]) {
      expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
    }
  });

  it("adds the draft to the person's case when they choose to, and the volunteer holding it gets it", async () => {
    const adminDesk = await createTestDesk({ ADMINS: "telegram:900" });
    const previous = desk;
    desk = adminDesk;
    try {
      const telegram = new MemoryTransport(desk.runtime.deps, "telegram");
      const volunteer = telegram.user({ id: 901, languageCode: "en" });
      await joinTeam(telegram.user({ id: 900, languageCode: "en" }), volunteer);
      const person = await consented(750, "ru", telegram);
      await person.press(T("ru")("menu.lawyer"));
      const ref = /([A-Z0-9]{3}-[A-Z0-9]{3})/.exec(person.last()!.text)![1]!;
      await volunteer.send(`/take ${ref}`);

      // The volunteer offers the kit; the person starts it with /kit.
      const [offered] = await volunteer.send("/kit");
      expect(offered!.text).toBe(ken("staff.offered", { ref }));
      await desk.runtime.deps.desk.kick();
      expect(person.last()!.text).toContain(K("ru")("offer"));
      const before = volunteer.messages.length;
      const [intro] = await person.send("/kit");
      expect(intro!.text).toContain(K("ru")("start_in_chat"));
      await person.press(K("ru")("choice.purpose.deletion"));
      await person.press(K("ru")("skip"));
      // Typed mid-chat, it answers the kit and is not passed to the volunteer.
      await person.send("Беларусь");
      await desk.runtime.deps.desk.kick();
      expect(volunteer.messages.slice(before).some((m) => m.text.includes("Беларусь"))).toBe(false);
      for (let i = 0; i < 7; i++) await person.press(K("ru")("skip"));
      expect(person.last()!.text).toBe(K("ru")("q.share"));
      const sent = await person.press(K("ru")("choice.share.add"));
      expect(sent.map((m) => m.text)).toContain(K("ru")("shared", { ref }));
      // The draft is kept in the case, so the last message does not say nothing is kept.
      expect(sent.at(-1)!.text).not.toContain(K("ru")("dropped"));
      await desk.runtime.deps.desk.kick();
      const told = volunteer.messages.slice(before).find((m) => m.text.startsWith(ken("staff.added", { ref, draft: "" }).trim()));
      expect(told?.text).toContain(ken("draft.purpose_deletion", { country: ken("value.country.belarus") }));
      expect(desk.count("case_notes")).toBe(1);
      const [mydata] = await person.send("/mydata");
      expect(mydata!.text).toContain(T("ru")("mydata.kit_draft"));
      expect(mydata!.text).not.toContain(T("ru")("mydata.notes", { count: 1 }));
      const audit = desk.runtime.deps.audit.page({ action: "kit" });
      expect(audit.entries.map((e) => e.caseRef)).toEqual([ref]);
    } finally {
      await previous.close();
    }
  });

  it("tells a volunteer outside a case how /kit works", async () => {
    const admins = await createTestDesk({ ADMINS: "telegram:900" });
    try {
      const telegram = new MemoryTransport(admins.runtime.deps, "telegram");
      const volunteer = telegram.user({ id: 902, languageCode: "en" });
      await joinTeam(telegram.user({ id: 900, languageCode: "en" }), volunteer);
      const [usage] = await volunteer.send("/kit");
      expect(usage!.text).toBe(ken("staff.usage"));
    } finally {
      await admins.close();
    }
  });

  it("asks for consent first, and goes ahead once given", async () => {
    const person = desk.chat.user({ id: 760, languageCode: "en" });
    await person.send("/start");
    await person.press(en("language.names.en"));
    await person.press(en("privacy.decline"));
    await person.send("/kit");
    expect(person.messages.map((m) => m.text)).toContain(en("privacy.consent_needed"));
    expect(desk.contactCount()).toBe(0);
    const after = await person.press(en("privacy.agree"));
    expect(after.map((m) => m.text)).toContain(ken("q.purpose"));
  });

  it("on the console, writes the document to a file and prints its path", async () => {
    const { runConsole } = await import("../src/transports/console.js");
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = "";
    output.on("data", (d: Buffer) => (printed += d.toString("utf8")));
    const files = mkdtempSync(join(desk.dir, "out-"));
    const done = runConsole(desk.runtime.deps, { input, output } as never, files);
    const lines = ["/start", en("language.names.en"), "/kit", en("privacy.agree"), ken("choice.purpose.access"), ken("choice.notice.unknown"), "Belarus",
      ...Array.from({ length: 7 }, () => ken("skip"))];
    // The console reads its lines one after another, each handled in full before the next.
    input.end(lines.map((line) => `${line}\n`).join(""));
    await done;
    const [folder] = readdirSync(files);
    const written = join(files, folder!, "ccf-request-draft.txt");
    expect(printed).toContain(written);
    expect(readFileSync(written, "utf8")).toContain(ken("draft.purpose_access"));
  });

  it("offers the kit under the answers about the CCF", async () => {
    const person = desk.chat.user({ id: 770, languageCode: "en" });
    await person.send("How do I ask Interpol to delete a Red Notice?");
    expect(person.buttons()).toContain(en("menu.kit"));
    await person.send("What is a diffusion?");
    expect(person.buttons()).not.toContain(en("menu.kit"));
  });
});

describe("the kit's rules, without a chat", () => {
  const walk = (state: KitState, ...events: Parameters<typeof kitNext>[1][]) => events.reduce((s, e) => kitNext(s, e).state, state);

  it("asks a follow-up only where it applies, and clears it when the answer it depends on changes", () => {
    let s = walk(startKit(false), { kind: "choose", value: "deletion" }, { kind: "skip" }, { kind: "skip" }, { kind: "skip" }, { kind: "skip" }, { kind: "skip" });
    expect(position(s)).toEqual({ then: "ask", step: "protection" });
    s = walk(s, { kind: "choose", value: "refugee" });
    expect(position(s)).toEqual({ then: "ask", step: "protectionCountry" });
    s = walk(s, { kind: "text", text: "Poland" }, { kind: "back" }, { kind: "back" });
    expect(position(s)).toEqual({ then: "ask", step: "protection" });
    s = walk(s, { kind: "choose", value: "none" });
    expect(s.answers.protectionCountry).toBeUndefined();
    expect(position(s)).toEqual({ then: "ask", step: "court" });
    s = walk(s, { kind: "choose", value: "none" });
    expect(position(s)).toEqual({ then: "ask", step: "context" });
    s = walk(s, { kind: "skip" }, { kind: "choose", value: "self" });
    // No case: the draft cannot be added to one, so it is not asked.
    expect(position(s)).toEqual({ then: "done" });
    expect(position(walk(startKit(true), ...Array.from({ length: 10 }, () => ({ kind: "skip" as const }))))).toEqual({ then: "ask", step: "share" });
  });

  it("does not let a pre-emptive submission claim a notice exists: it points to a deletion request instead", () => {
    const keys = (answers: KitAnswers) => draftLines(answers, []).map((l) => l.key);
    expect(keys({ purpose: "preemptive", notice: "red_notice" })).toContain("draft.data_preemptive_existing");
    expect(keys({ purpose: "preemptive", notice: "red_notice" })).not.toContain("draft.data_red_notice");
    expect(keys({ purpose: "deletion", notice: "red_notice" })).toContain("draft.data_red_notice");
  });

  it("refuses a button of another step, and leaves the state as it was", () => {
    const s = startKit(false);
    const { state, result } = kitNext(s, { kind: "choose", value: "refugee" });
    expect(result).toEqual({ then: "refuse", reason: "stale" });
    expect(state).toBe(s);
  });

  it("has a source for every sentence and checklist item the kit can produce, and each key exists in every language", () => {
    const keys = new Set<string>();
    const pick = <T,>(values: readonly T[]) => [...values, null, undefined];
    for (const purpose of pick(KIT_CHOICES.purpose)) for (const notice of pick(KIT_CHOICES.notice)) for (const protection of pick(KIT_CHOICES.protection))
      for (const court of pick(KIT_CHOICES.court)) for (const filer of pick(KIT_CHOICES.filer)) for (const document of pick(KIT_CHOICES.document)) {
        const answers = { purpose, notice, protection, court, filer, document, context: purpose === "access" ? "x" : null } as KitAnswers;
        const items = checklist(answers);
        for (const i of items) expect(CHECKLIST_SOURCES[i.item].length, i.item).toBeGreaterThan(0);
        for (const line of draftLines(answers, items.map((i) => i.item).filter((i) => i !== "statement"))) keys.add(line.key);
      }
    for (const key of keys) {
      if (!key.startsWith("enclosed.")) expect(DRAFT_SOURCES[key], key).toBeDefined();
      for (const lang of LANGUAGES) expect(i18n.exists(key, { lng: lang, ns: "kit", fallbackLng: false }), `${lang}: ${key}`).toBe(true);
    }
    for (const sources of Object.values(DRAFT_SOURCES)) for (const s of sources) expect(s).toMatch(/^S\d+[a-z]?$/);
  });
});
