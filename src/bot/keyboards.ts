import { InlineKeyboard } from "grammy";
import type { TFunction } from "i18next";
import { PLACES } from "../broadcast/regions.js";
import { FAQ_ENTRIES } from "../faq/catalog.js";
import { LANGUAGES, type Language } from "../i18n/languages.js";
import { BoundedMap } from "../cache/bounded-map.js";
import { button } from "./callback-data.js";

/** What the menu buttons lead to. */
export const MENU_TARGETS = ["main", "faq", "intake", "kit", "lawyer", "urgent", "card", "travel", "language", "forget", "privacy"] as const;
export type MenuTarget = (typeof MENU_TARGETS)[number];

const answers = ["yes", "no"] as const;
/** The entries of an "other matches" button, by catalog position: no state is kept for it. */
const more = button("faq:more", /\d{1,3}(?:\.\d{1,3}){0,4}/);

/**
 * The people-facing buttons, each defined once (see `button`): the same
 * definition builds the data and gives the handler its filter.
 */
export const cb = {
  language: button("lang", LANGUAGES),
  /** Switches the chat's language without the onboarding that `language` goes on to. */
  switchLanguage: button("setlang", LANGUAGES),
  consent: button("consent", answers),
  menu: button("menu", MENU_TARGETS),
  topic: button("faq:t", /[a-z-]{1,40}/),
  entry: button("faq:e", /[a-z0-9-]{1,60}/),
  others: Object.assign((ids: string[]) => more(ids.map((id) => FAQ_ENTRIES.findIndex((e) => e.id === id)).filter((i) => i >= 0).join(".")), {
    filter: more.filter,
    /** The entry ids an "other matches" button carries. */
    ids: (match: RegExpMatchArray | string | undefined) => more.value(match).split(".").map((i) => FAQ_ENTRIES[Number(i)]?.id).filter((id) => id !== undefined),
  }),
  forget: button("forget", answers),
  emergency: button("menu:emergency"),
  contacts: button("sos:contacts"),
};

export const MENU_ITEMS = ["faq", "intake", "kit", "lawyer", "card", "travel", "language", "forget"] as const;

export function languageKeyboard(t: TFunction, preselected?: Language): InlineKeyboard {
  const kb = new InlineKeyboard();
  const order = preselected ? [preselected, ...LANGUAGES.filter((l) => l !== preselected)] : [...LANGUAGES];
  for (const lang of order) kb.text(t(`language.names.${lang}`), cb.language(lang)).row();
  return kb;
}

export function consentKeyboard(t: TFunction): InlineKeyboard {
  return new InlineKeyboard().text(t("privacy.agree"), cb.consent("yes")).row().text(t("privacy.decline"), cb.consent("no"));
}

export function mainMenu(t: TFunction): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const item of MENU_ITEMS) kb.text(t(`menu.${item}`), cb.menu(item)).row();
  return kb.text(t("menu.emergency"), cb.emergency());
}

type KeyboardCache = WeakMap<TFunction, Map<string, InlineKeyboard>>;

/** A keyboard built once per language and key, and never changed after: replies share it. */
function once(cache: KeyboardCache, t: TFunction, key: string, build: () => InlineKeyboard): InlineKeyboard {
  let known = cache.get(t);
  if (!known) cache.set(t, (known = new BoundedMap(5_000)));
  let kb = known.get(key);
  if (!kb) known.set(key, (kb = build()));
  return kb;
}

const answerKeyboards: KeyboardCache = new WeakMap();

/**
 * The buttons under a free-text answer, per language and set of other
 * matches. Where buttons are numbered lines of text, only the other matches
 * are listed; the menu is "0", said once in the answer.
 */
export function afterAnswer(t: TFunction, others: string[], numbered = false): InlineKeyboard {
  return once(answerKeyboards, t, `${numbered ? "#" : ""}${others.join(",")}`, () => {
    const kb = new InlineKeyboard();
    if (others.length > 0) kb.text(t("faq.other_matches"), cb.others(others)).row();
    if (numbered) return kb;
    return kb.text(t("faq.human"), cb.menu("lawyer")).row().text(t("menu.main"), cb.menu("main"));
  });
}

const noMatchKeyboards = new WeakMap<TFunction, InlineKeyboard>();

/** The buttons under "no answer" and "that is a story": one per language. */
export function noMatchKeyboard(t: TFunction): InlineKeyboard {
  let kb = noMatchKeyboards.get(t);
  if (!kb) {
    kb = new InlineKeyboard()
      .text(t("faq.browse"), cb.menu("faq")).row()
      .text(t("menu.intake"), cb.menu("intake")).row()
      .text(t("faq.human"), cb.menu("lawyer"));
    noMatchKeyboards.set(t, kb);
  }
  return kb;
}

const choiceKeyboards: KeyboardCache = new WeakMap();

/** Up to three questions that may be meant, each answering when tapped, per language and set of questions. */
export function didYouMean(t: TFunction, ids: string[]): InlineKeyboard {
  return once(choiceKeyboards, t, ids.join(","), () => {
    const kb = new InlineKeyboard();
    for (const id of ids) kb.text(t(`entries.${id}.q`, { ns: "faq" }), cb.entry(id)).row();
    return kb.text(t("faq.browse"), cb.menu("faq")).row().text(t("faq.human"), cb.menu("lawyer"));
  });
}

/** Someone frightened gets the two things that help most: a person, and the emergency steps. */
export function distressKeyboard(t: TFunction): InlineKeyboard {
  return new InlineKeyboard().text(t("faq.human"), cb.menu("lawyer")).row().text(t("menu.emergency"), cb.emergency());
}

export function emergencyKeyboard(t: TFunction, related: string[]): InlineKeyboard {
  const kb = new InlineKeyboard().text(t("emergency.handoff"), cb.menu("urgent")).row().text(t("contacts.button"), cb.contacts()).row()
    .text(t("menu.card"), cb.menu("card")).row();
  if (related.length > 0) kb.text(t("emergency.related"), cb.others(related)).row();
  return kb.text(t("menu.main"), cb.menu("main"));
}

export function forgetKeyboard(t: TFunction): InlineKeyboard {
  return new InlineKeyboard().text(t("forget.yes"), cb.forget("yes")).row().text(t("forget.no"), cb.forget("no"));
}

/** The places for travel warnings, two to a row, ticked where chosen; `data` gives each button's callback data. */
export function addPlaces(kb: InlineKeyboard, t: TFunction, chosen: (place: string) => boolean, data: (place: string) => string): InlineKeyboard {
  PLACES.forEach((place, i) => {
    const label = t(`travel.places.${place}`);
    kb.text(chosen(place) ? `✓ ${label}` : label, data(place));
    if (i % 2 === 1) kb.row();
  });
  return kb.row();
}
