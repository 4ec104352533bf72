import { InlineKeyboard } from "grammy";
import type { TFunction } from "i18next";
import { PLACES } from "../broadcast/regions.js";
import { FAQ_ENTRIES } from "../faq/catalog.js";
import { LANGUAGES } from "../i18n/languages.js";
import { BoundedMap } from "../cache/bounded-map.js";

/**
 * Callback data is `<scope>:<action>[:<arg>]`; every handler parses it
 * strictly, so anything else is treated as stale or forged.
 */
export const cb = {
  language: (lang: string) => `lang:${lang}`,
  /** Switches the chat's language without the onboarding that `language` goes on to. */
  switchLanguage: (lang: string) => `setlang:${lang}`,
  consent: (yes: boolean) => `consent:${yes ? "yes" : "no"}`,
  menu: (item: string) => `menu:${item}`,
  topic: (topic: string) => `faq:t:${topic}`,
  entry: (id: string) => `faq:e:${id}`,
  /** Carries the entries themselves (by catalog position), so no state is kept for it. */
  others: (ids: string[]) => `faq:more:${ids.map((id) => FAQ_ENTRIES.findIndex((e) => e.id === id)).filter((i) => i >= 0).join(".")}`,
  forget: (yes: boolean) => `forget:${yes ? "yes" : "no"}`,
  emergency: "menu:emergency",
  contacts: "sos:contacts",
} as const;

export const MENU_ITEMS = ["faq", "intake", "lawyer", "travel", "language", "forget"] as const;

export function languageKeyboard(t: TFunction, preselected?: string): InlineKeyboard {
  const kb = new InlineKeyboard();
  const order = preselected ? [preselected, ...LANGUAGES.filter((l) => l !== preselected)] : [...LANGUAGES];
  for (const lang of order) kb.text(t(`language.names.${lang}`), cb.language(lang)).row();
  return kb;
}

export function consentKeyboard(t: TFunction): InlineKeyboard {
  return new InlineKeyboard().text(t("privacy.agree"), cb.consent(true)).row().text(t("privacy.decline"), cb.consent(false));
}

export function mainMenu(t: TFunction): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const item of MENU_ITEMS) kb.text(t(`menu.${item}`), cb.menu(item)).row();
  return kb.text(t("menu.emergency"), cb.emergency);
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

/** The buttons under a free-text answer, per language and set of other matches. */
export function afterAnswer(t: TFunction, others: string[]): InlineKeyboard {
  return once(answerKeyboards, t, others.join(","), () => {
    const kb = new InlineKeyboard();
    if (others.length > 0) kb.text(t("faq.other_matches"), cb.others(others)).row();
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
  return new InlineKeyboard().text(t("faq.human"), cb.menu("lawyer")).row().text(t("menu.emergency"), cb.emergency);
}

export function emergencyKeyboard(t: TFunction, related: string[]): InlineKeyboard {
  const kb = new InlineKeyboard().text(t("emergency.handoff"), cb.menu("urgent")).row().text(t("contacts.button"), cb.contacts).row();
  if (related.length > 0) kb.text(t("emergency.related"), cb.others(related)).row();
  return kb.text(t("menu.main"), cb.menu("main"));
}

export function forgetKeyboard(t: TFunction): InlineKeyboard {
  return new InlineKeyboard().text(t("forget.yes"), cb.forget(true)).row().text(t("forget.no"), cb.forget(false));
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
