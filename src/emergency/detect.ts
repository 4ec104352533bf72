import { BoundedMap } from "../cache/bounded-map.js";
import { foldCached, foldWord } from "../faq/fold.js";

/**
 * Rules that read a message for a detention happening to the writer now. They
 * sit beside the trained model (see `faq/understand.ts`): the model knows how
 * people describe a detention, the rules know grammar it cannot learn from a
 * few thousand lines, namely who is held (me, or my brother), and whether it
 * is happening, imagined, denied or over.
 */

/**
 * A list has words matched as typed (English: folding would make "she" and
 * "see" meet), and Russian or Belarusian ones, folded like messages (see
 * `fold.ts`) so that Cyrillic and Latin spellings both match.
 */
interface List {
  typed: readonly string[];
  folded: readonly string[];
  /** Folded entries of three letters or fewer ("лет" → "let"): matched only in words typed in Cyrillic, where no English word can meet them. */
  short: readonly string[];
}

const list = (typed: string[], words: string[] = []): List => {
  const folded = words.map((w) => foldWord(w.toLowerCase()));
  return { typed, folded: folded.filter((w) => w.length > 3), short: folded.filter((w) => w.length <= 3) };
};
const CYRILLIC = /\p{Script=Cyrillic}/u;

/**
 * Verb forms that say someone is being held or arrested: beginnings of past
 * and present forms. Not the nouns ("arrest", "задержание"): those are how
 * general questions are asked.
 */
const HELD_STEMS = list(
  ["detained", "detaining", "arrested", "arresting", "handcuffed"],
  ["задержал", "задерживают", "задерживает", "арестовал", "арестовыва", "затрымал", "затрымліва", "трымаюць", "трымае", "zatrzymal"],
);
/** Whole words: participles matched as typed (folded, "задержаны" would meet the noun "задержании"), and "держат". */
const HELD_WORDS = list(
  ["held", "sos", "задержан", "задержана", "задержаны", "арестован", "арестована", "затрыманы", "затрымана", "арыштаваны",
    "сизо", "zaderzhan", "zaderzhana", "zaderzhany", "arestovan", "zatrymany", "zatrymana"],
  ["держат", "держит", "трымаюць"],
);
/** Words that speak of being held only with "me" beside them: "they locked me in", "меня забрали" (not "my account is locked"). */
const HELD_NEAR_ME = list(
  ["locked", "holding", "stopped", "keeping", "kept", "took", "taken", "cell"],
  ["забрал", "закрыл", "зачынілі", "спынілі", "остановил", "пастарунк", "участк", "камер"],
);

/** The writer as the one held ("I", "me", "меня"), not only as someone's relative ("my brother", "мне делать"). */
const ME = list(["i", "im", "me"], ["я", "меня", "мяне", "mnie"]);

/** Things that are held too: salaries, luggage, parcels. (Not trains or cars: people are taken off those.) */
const THINGS = list(
  ["salary", "wages", "luggage", "baggage", "suitcase", "parcel", "package"],
  ["зарплат", "заробак", "заробк", "багаж", "чемодан", "пасылк", "посылк", "груз"],
);

/** Beginnings of words that say it is happening now, or that help is wanted at once ("что делать"). */
const NOW_STEMS = list(
  ["now", "currently", "here", "still", "just", "urgent", "asap", "being"],
  ["сейчас", "щас", "зараз", "прямо", "только", "толькі", "помог", "дапамаж", "срочн", "тэрмінов", "здесь", "тут", "ратуйце",
    "делать", "рабіць", "говорить", "казаць"],
);
const NOW_WORDS = list(["right", "sos"]);

/** Someone other than the writer: relatives and friends (word beginnings)… */
const OTHER_STEMS = list(
  ["friend", "brother", "sister", "husband", "daughter", "mother", "father", "cousin", "colleague", "neighbo", "wife", "son", "kid"],
  ["друз", "друг", "брат", "сестр", "сястр", "муж", "жонк", "сябр", "сябар", "знаком", "коллег", "калег",
    "чалавек", "человек", "парен", "хлопец", "дзяўчын", "девушк", "девоч", "родств", "сваяк"],
);
/** …and "he", "she", "mum" (whole words). Not "they": in custody, that is the police. */
const OTHER_WORDS = list(
  ["he", "she", "his", "her", "him", "someone", "somebody", "mom", "mum", "dad", "people", "client"],
  ["его", "яго", "яе", "она", "яна", "сын", "сына", "сыну", "дочь", "дачка", "дачку", "мама", "маму",
    "папа", "папу", "тата", "тату", "отца", "отец", "бацька", "бацьку", "жена", "жену", "жонка", "люди", "людзей"],
);

/** Conditions and dreams, when they come before the word for being held in the same clause: "what if they detain me", "если задержат". */
const IMAGINED = list(
  ["if", "whether", "would", "suppose", "hypothetically", "future", "dream", "dreaming", "dreamt", "dreamed", "never"],
  ["если", "калі", "вдруг", "раптам", "мог", "могут", "может", "можа", "буду", "будут", "будзе", "снится", "сніцца", "никогда", "ніколі"],
);
/** It is over, or it was long ago: "they released me", "раньше", "тогда". */
const OVER = list(
  ["released", "ago", "once", "before", "earlier", "last", "year", "years"],
  ["отпустили", "адпусцілі", "выпусцілі", "выпустили", "раньше", "раней", "тогда", "тады", "год", "года", "году", "лет", "гадоў", "годзе", "прошлом", "мінулым"],
);
/** A denial right before the word for being held: "not detained", "не задержан". */
const NOT = list(["not", "never", "nobody", "no"], ["не", "ня", "никто", "ніхто"]);

const YEAR = /^(19|20)\d\d$/;
/** Words within a clause; clause breaks separate "меня задержали" from "если выдадут". */
const WORDS_AND_BREAKS = /[\p{L}\p{N}]+|[.,;!?]/gu;

const startsAny = (word: string, stems: readonly string[]) => stems.some((s) => word.startsWith(s));
function has(typed: string, folded: string, l: List, stems: boolean): boolean {
  const short = CYRILLIC.test(typed) ? l.short : [];
  return stems
    ? startsAny(typed, l.typed) || startsAny(folded, l.folded) || startsAny(folded, short)
    : l.typed.includes(typed) || l.folded.includes(folded) || short.includes(folded);
}

/** What one word says, as bits: worked out once per word, since people reuse the same words. */
const HELD = 1;
const HELD_IF_ME = 2;
const ME_WORD = 4;
const NOW = 8;
const OTHER = 16;
const IMAGINE = 32;
const PAST = 64;
const DENY = 128;

const flagsOf = new BoundedMap<string, number>(20_000);

function flags(typed: string): number {
  let f = flagsOf.get(typed);
  if (f !== undefined) return f;
  const folded = foldCached(typed);
  f = 0;
  if (has(typed, folded, HELD_STEMS, true) || has(typed, folded, HELD_WORDS, false)) f |= HELD;
  if (has(typed, folded, HELD_NEAR_ME, true)) f |= HELD_IF_ME;
  if (has(typed, folded, ME, false)) f |= ME_WORD;
  if (has(typed, folded, NOW_STEMS, true) || has(typed, folded, NOW_WORDS, false)) f |= NOW;
  if (has(typed, folded, OTHER_WORDS, false) || has(typed, folded, OTHER_STEMS, true) || has(typed, folded, THINGS, true)) f |= OTHER;
  if (has(typed, folded, IMAGINED, false)) f |= IMAGINE;
  if (has(typed, folded, OVER, false) || YEAR.test(typed)) f |= PAST;
  if (has(typed, folded, NOT, false)) f |= DENY;
  flagsOf.set(typed, f);
  return f;
}

export interface DetentionCues {
  /** Being held, stopped or arrested is mentioned. */
  held: boolean;
  /** The writer is held now, by the words alone. */
  live: boolean;
  /** It is about someone else, imagined, denied or over: no alarm on the model's word alone. */
  notLive: boolean;
  /** The writer says they are not held ("I'm not detained"): no alarm at all. */
  denied: boolean;
}

/** Reads a message's grammar of detention: who, and whether it is happening. */
export function detentionCues(text: string): DetentionCues {
  const tokens = text.toLowerCase().match(WORDS_AND_BREAKS) ?? [];
  const all = tokens.map((w) => (/^[.,;!?]$/.test(w) ? -1 : flags(w)));
  const near = (i: number, bit: number) => {
    for (let j = Math.max(0, i - 3); j <= Math.min(all.length - 1, i + 3); j++) if (j !== i && all[j]! > 0 && (all[j]! & bit) !== 0) return true;
    return false;
  };
  let held = false;
  let meHeld = false;
  let imagined = false;
  let denied = false;
  let any = 0;
  let clauseImagined = false;
  for (let i = 0; i < all.length; i++) {
    const f = all[i]!;
    if (f < 0) {
      clauseImagined = false;
      continue;
    }
    any |= f;
    if (f & IMAGINE || (tokens[i] === "case" && tokens[i - 1] === "in")) clauseImagined = true;
    const isHeld = (f & HELD) !== 0 || ((f & HELD_IF_ME) !== 0 && near(i, ME_WORD));
    if (!isHeld) continue;
    held = true;
    if (near(i, ME_WORD)) meHeld = true;
    if (clauseImagined) imagined = true;
    if (i > 0 && all[i - 1]! > 0 && (all[i - 1]! & DENY) !== 0) denied = true;
  }
  const now = (any & NOW) !== 0;
  // "My brother was detained": someone else named makes it theirs, unless the writer
  // says "I" or "me" right by the word for being held ("I'm held, my wife is outside").
  const someoneElse = (any & OTHER) !== 0 && !meHeld;
  // A year or "released" says it is over, unless the message also says "now".
  const over = (any & PAST) !== 0 && !now;
  // With no word for being held, a condition anywhere makes it imagined: "если задержат" (the future is not in the lists).
  if (!held && (any & IMAGINE) !== 0) imagined = true;
  const notLive = someoneElse || imagined || denied || over;
  // A short first-person message about being held is written from custody, "now" or not.
  const words = all.filter((f) => f >= 0).length;
  return { held, live: held && !notLive && (now || (meHeld && words <= 12)), notLive, denied };
}
