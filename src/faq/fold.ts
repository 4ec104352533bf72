import { BoundedMap } from "../cache/bounded-map.js";

/**
 * Folds text in Russian, Belarusian or English, in Cyrillic or typed in Latin
 * letters, to one rough phonetic spelling, so that "как удалить", "kak udalit"
 * and "kak udalit'" meet. Lossy on purpose: it only has to make variants of
 * the same word collide, never to be read.
 */
const CYRILLIC: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "h", ґ: "g", д: "d", е: "e", ё: "e", є: "e", ж: "z", з: "z", и: "i",
  і: "i", ї: "i", й: "i", к: "k", л: "l", м: "m", н: "n", о: "o", п: "p", р: "r", с: "s", т: "t",
  у: "u", ў: "u", ф: "f", х: "h", ц: "c", ч: "c", ш: "s", щ: "s", ъ: "", ы: "i", ь: "", э: "e",
  ю: "iu", я: "ia",
};

/** Latin spellings of the same sounds, longest first. */
const DIGRAPHS: [RegExp, string][] = [
  [/shch|sch|sh|sz/g, "s"],
  [/ch|cz|tsch|tch/g, "c"],
  [/zh/g, "z"],
  [/kh|gh|g/g, "h"],
  [/ts|tz/g, "c"],
  [/ck|q/g, "k"],
  [/ph/g, "f"],
  [/x/g, "ks"],
  [/w/g, "v"],
  [/[jy]/g, "i"],
];

const folded = new BoundedMap<string, string>(50_000);

/** `foldWord`, remembered: people use the same few hundred words. */
export function foldCached(word: string): string {
  let out = folded.get(word);
  if (out === undefined) {
    out = foldWord(word);
    folded.set(word, out);
  }
  return out;
}

export function foldWord(word: string): string {
  let out = "";
  for (const ch of word) out += CYRILLIC[ch] ?? ch;
  out = out.normalize("NFD").replace(/\p{M}/gu, "").replace(/ł/g, "l");
  for (const [pattern, replacement] of DIGRAPHS) out = out.replace(pattern, replacement);
  return out.replace(/(.)\1+/g, "$1");
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a text as typed, lower-cased and not yet folded. */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}
