import { BoundedMap } from "../cache/bounded-map.js";
import { foldCached, foldWord, words as typedWords } from "../faq/fold.js";

/**
 * Rules that read a message for a detention happening to the writer now. They
 * sit beside the trained model (see `faq/understand.ts`): the model knows how
 * people describe a detention, the rules know grammar it cannot learn from a
 * few hundred lines, namely who is held (me, or my brother), and whether it is
 * happening or only imagined. Lists are folded like messages (see `tokenize`),
 * so one list serves Russian, Belarusian and both in Latin letters.
 */

/**
 * Each list has words matched as typed (English: folding would make "she" and
 * "see" meet), and Russian or Belarusian ones, folded like messages so that
 * Cyrillic and Latin spellings both match.
 */
interface Words {
  typed: readonly string[];
  folded: readonly string[];
}

const words = (typed: string[], folded: string[]): Words => ({ typed, folded: folded.map((w) => foldWord(w.toLowerCase())) });

/**
 * Verb forms that say someone is being held, stopped or arrested: beginnings
 * of past and present forms, and whole participles. Not the nouns ("arrest",
 * "задержание"): those are how general questions are asked.
 */
const HELD_STEMS = words(
  ["detained", "detaining", "arrested", "arresting", "handcuffed", "locked", "holding"],
  ["задержал", "задерживают", "задерживает", "держат", "держит", "арестовал", "арестовыва", "затрымал", "затрымліва",
    "трымаюць", "трымае", "спынілі", "забрали", "забралі", "закрыли", "зачынілі", "zatrzymal", "пастарунк", "участк"],
);
// Matched as typed: folded, "задержаны" would meet the noun "задержании".
const HELD_WORDS = words(
  ["held", "cell", "задержан", "задержана", "задержаны", "арестован", "арестована", "затрыманы", "затрымана",
    "арыштаваны", "сизо", "камере", "zaderzhan", "zaderzhana", "zaderzhany", "arestovan", "zatrymany", "zatrymana"],
  [],
);

/** Words that put the writer in the sentence. */
const ME = words(
  ["i", "im", "me", "my", "ive", "myself"],
  ["я", "меня", "мне", "мной", "мяне", "mnie", "сам", "сама"],
);
/** The writer as the one held ("I", "me", "меня"), not only as someone's relative ("my brother", "мне делать"). */
const ME_HELD = words(["i", "im", "me"], ["я", "меня", "мяне", "mnie"]);

/** Things that are held too: salaries, luggage, parcels. (Not trains or cars: people are taken off those.) */
const THINGS = words(
  ["salary", "wages", "luggage", "baggage", "suitcase", "parcel", "package"],
  ["зарплат", "заробак", "заробк", "багаж", "чемодан", "пасылк", "посылк", "груз"],
);

/** Word beginnings that say it is happening now, or that help is wanted at once ("what do I do", "что делать"). */
const NOW = words(
  ["now", "right", "currently", "here", "still", "just", "help", "urgent", "asap", "please", "being"],
  ["сейчас", "щас", "зараз", "прямо", "только", "толькі", "помог", "дапамаж", "срочн", "тэрмінов", "здесь", "тут", "ратуйце",
    "делать", "рабіць", "говорить", "казаць"],
);

/** Someone other than the writer: relatives and friends (word beginnings)… */
const OTHER_STEMS = words(
  ["friend", "brother", "sister", "husband", "daughter", "mother", "father", "cousin", "colleague", "neighbo", "wife", "son", "kid"],
  ["друз", "друг", "брат", "сестр", "сястр", "муж", "жонк", "сябр", "сябар", "знаком", "коллег", "калег",
    "чалавек", "человек", "парен", "хлопец", "дзяўчын", "девушк", "девоч", "родств", "сваяк"],
);
/** …and "he", "she", "mum" (whole words). Not "they": in custody, that is the police. */
const OTHER_WORDS = words(
  ["he", "she", "his", "her", "him", "someone", "somebody", "mom", "mum", "dad", "people", "client"],
  ["его", "яго", "яе", "она", "яна", "сын", "сына", "сыну", "дочь", "дачка", "дачку", "мама", "маму",
    "папа", "папу", "тата", "тату", "отца", "отец", "бацька", "бацьку", "жена", "жену", "жонка", "люди", "людзей"],
);

/** Conditions, questions about the future, the past, dreams and denials (whole words): "what if", "если", "калі". */
const IMAGINED = words(
  ["if", "whether", "would", "suppose", "hypothetically", "future", "once", "year", "years", "case", "dream", "dreaming", "dreamt", "dreamed", "never"],
  ["если", "калі", "вдруг", "раптам", "мог", "могут", "может", "можа", "буду", "будут", "будзе",
    "раньше", "раней", "когда", "год", "года", "тогда", "тады", "снится", "сніцца", "никогда", "ніколі"],
);

const startsAny = (word: string, stems: readonly string[]) => stems.some((s) => word.startsWith(s));
const isStem = (typed: string, folded: string, list: Words) => startsAny(typed, list.typed) || startsAny(folded, list.folded);
const isWord = (typed: string, folded: string, list: Words) => list.typed.includes(typed) || list.folded.includes(folded);
const YEAR = /^(19|20)\d\d$/;

/** What one word says, as bits: worked out once per word, since people reuse the same words. */
const HELD = 1;
const ME_WORD = 2;
const ME_HELD_WORD = 4;
const NOW_WORD = 8;
const OTHER = 16;
const IMAGINE = 32;

const flagsOf = new BoundedMap<string, number>(20_000);

function flags(typed: string): number {
  let f = flagsOf.get(typed);
  if (f !== undefined) return f;
  const folded = foldCached(typed);
  const sos = typed === "sos";
  f = 0;
  if (sos || isStem(typed, folded, HELD_STEMS) || isWord(typed, folded, HELD_WORDS)) f |= HELD;
  if (isWord(typed, folded, ME)) f |= ME_WORD;
  if (isWord(typed, folded, ME_HELD)) f |= ME_HELD_WORD;
  if (sos || isStem(typed, folded, NOW)) f |= NOW_WORD;
  if (isWord(typed, folded, OTHER_WORDS) || isStem(typed, folded, OTHER_STEMS) || isStem(typed, folded, THINGS)) f |= OTHER;
  if (isWord(typed, folded, IMAGINED) || YEAR.test(typed)) f |= IMAGINE;
  flagsOf.set(typed, f);
  return f;
}

export interface DetentionCues {
  /** Being held, stopped or arrested is mentioned. */
  held: boolean;
  /** The writer is held now, by the words alone. */
  live: boolean;
  /** It is about someone else, or imagined, or past: no alarm on the model's word alone. */
  notLive: boolean;
}

/** Reads a message's grammar of detention: who, and whether it is happening. */
export function detentionCues(text: string): DetentionCues {
  const words = typedWords(text);
  const all = words.map(flags);
  let any = 0;
  for (const f of all) any |= f;
  const held = (any & HELD) !== 0;
  // "My brother was detained": someone else named makes it theirs, unless the writer
  // says "I" or "me" right by the word for being held ("I'm held, my wife is outside").
  const meHeld = all.some((f, i) => (f & ME_HELD_WORD) !== 0 && all.some((g, j) => (g & HELD) !== 0 && Math.abs(i - j) <= 3));
  const notLive = ((any & OTHER) !== 0 && !meHeld) || (any & IMAGINE) !== 0;
  const now = (any & NOW_WORD) !== 0;
  // A short first-person message about being held is written from custody, "now" or not.
  const shortFromMe = (any & ME_WORD) !== 0 && words.length <= 8;
  return { held, live: held && !notLive && (now || shortFromMe), notLive };
}
