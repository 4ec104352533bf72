import { foldCached, words } from "../faq/fold.js";

/**
 * Which country a message names, if any: "задержали в Польше", "held at
 * Vilnius airport". Countries by their names in the bot's languages (folded,
 * so any case ending and either alphabet meets them), their own names and
 * capitals. Used to put that country's emergency contacts first.
 */
const NAMED: Record<string, string[]> = {
  PL: ["Polsk", "Warsaw", "Warszaw", "Варшав", "Krakow", "Kraków", "Gdańsk", "Gdansk", "Terespol", "Białystok", "Bialystok"],
  LT: ["Lietuv", "Vilni", "Вильн", "Вільн", "Kaunas", "Klaipėd", "Klaiped", "Medininkai"],
  LV: ["Latvij", "Riga", "Рига", "Рыга"],
  EE: ["Eesti", "Tallinn", "Таллин"],
  DE: ["Deutschland", "Berlin", "Берлин", "Берлін", "Frankfurt", "München", "Munich"],
  CZ: ["Česk", "Cesk", "Praha", "Prague", "Прага"],
  GE: ["Sakartvelo", "Tbilis", "Тбилис", "Тбіліс", "Batumi"],
  TR: ["Türkiye", "Turkiye", "Istanbul", "İstanbul", "Стамбул"],
  AE: ["Dubai", "Дубай", "Emirates"],
  RS: ["Srbija", "Belgrad", "Белград"],
  AM: ["Hayastan", "Yerevan", "Ереван"],
  KZ: ["Almaty", "Алмат", "Astana", "Астан"],
  RO: ["Bucure", "Бухарест"],
  HU: ["Magyar", "Budapest", "Будапешт"],
};

/**
 * A stem long enough not to meet other words: a Cyrillic name loses its
 * ending ("Польша" → "pols", meeting "Польше", "Польшчы"), a Latin one keeps
 * up to six letters. Names of several words come from the list above instead.
 */
function stem(name: string): string | undefined {
  if (/\s/.test(name)) return undefined;
  const folded = foldCached(name.toLowerCase());
  const s = /\p{Script=Cyrillic}/u.test(name) ? folded.slice(0, Math.max(4, folded.length - 2)) : folded.slice(0, 6);
  return s.length >= 4 ? s : undefined;
}

export class CountryNames {
  readonly #stems: [string, string][] = [];

  /** `names`: per country code, its names in every language the bot speaks. */
  constructor(names: Record<string, string[]>) {
    for (const [code, list] of Object.entries(names)) {
      for (const name of [...list, ...(NAMED[code] ?? [])]) {
        const s = stem(name);
        if (s) this.#stems.push([s, code]);
      }
    }
  }

  /** The first country the text names, as a two-letter code. */
  named(text: string): string | undefined {
    for (const word of words(text)) {
      const folded = foldCached(word);
      for (const [s, code] of this.#stems) if (folded.startsWith(s)) return code;
    }
    return undefined;
  }
}
