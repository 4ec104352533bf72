import { tokenize } from "../faq/fold.js";

/**
 * Rules that read a message for a detention happening to the writer now. They
 * sit beside the trained model (see `faq/understand.ts`): the model knows how
 * people describe a detention, the rules know grammar it cannot learn from a
 * few hundred lines, namely who is held (me, or my brother), and whether it is
 * happening or only imagined. Words are folded (see `tokenize`), so one list
 * serves Russian, Belarusian and both in Latin letters.
 */

/** Word beginnings (folded: doubled letters are single) that speak of being held, stopped or arrested. */
const HELD = [
  "detain", "arest", "custod", "handcuf", "held", "holding", "hold", "stoped", "jail", "prison",
  "zaderz", "derz", "arest", "zatrim", "trima", "spinil", "zabral", "zakril", "zatrzim",
  "naruc", "kaidank", "kamer", "izolat", "izaliat", "sizo", "uchastk", "ucastk", "pastarunk", "otdelen",
];

/** Words that put the writer in the sentence. */
const ME = new Set([
  "i", "im", "me", "my", "ive", "mine", "myself",
  "ia", "menia", "mne", "mnoi", "moi", "moia", "moe", "moiu", "mene", "mena", "mie", "miane", "mianie",
  "mne", "mnie", "maia", "maio", "mai", "sam", "sama",
]);

/** Words that say it is happening now, or that help is wanted at once. */
const NOW = [
  "now", "right", "currently", "here", "still", "just", "help", "sos", "urgent", "asap", "please",
  "seicas", "sicas", "sas", "seiciaz", "zaraz", "priamo", "tolko", "tolki", "pomoh", "dapamaz", "srocn", "terminov",
  "vse", "usio", "uze", "uzo", "zdes", "tut", "tutai",
];

/** Someone other than the writer: relatives and friends (word beginnings), and "he", "she" (whole words). */
const OTHER_STEMS = [
  "friend", "brother", "sister", "husband", "daughter", "mother", "father", "cousin", "colleague", "neighbo",
  "druz", "druh", "brat", "sestr", "siastr", "muz", "zonk", "siabr", "siabar", "znakom", "koleh", "kaleh",
  "ciaviek", "celovek", "paren", "hlopec", "dzaucin", "devusk", "devuc", "rodstv", "svaiak",
];
const OTHER_WORDS = [
  "he", "she", "his", "her", "him", "someone", "somebody", "son", "wife", "mom", "mum", "dad", "people", "client",
  "eho", "iaho", "iae", "ona", "iana", "oni", "iany", "sin", "sina", "sinu", "doc", "daka", "daku", "mama", "mamu",
  "papa", "papu", "tata", "tatu", "otca", "otec", "baka", "baku", "zena", "zenu", "zonka", "liudi", "liudzei",
];

/** Conditions, questions about the future, and the past: "what if", "если", "калі", "in 2023". */
const IMAGINED = [
  "if", "whether", "would", "suppose", "hypothetically", "future", "ago", "once", "last", "year", "years", "case",
  "esli", "iesli", "kali", "vdruh", "raptam", "moh", "mohut", "mozet", "moza", "budu", "budut", "budze",
  "rane", "ranse", "ranee", "kohda", "hod", "hoda", "tohda", "tady",
];

const hasStem = (tokens: readonly string[], stems: readonly string[]) => tokens.some((t) => stems.some((s) => t.startsWith(s)));
const hasWord = (tokens: readonly string[], words: readonly string[]) => tokens.some((t) => words.includes(t));
const YEAR = /^(19|20)\d\d$/;

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
  const tokens = tokenize(text);
  const held = hasStem(tokens, HELD) || /\bsos\b/i.test(text);
  const me = tokens.some((t) => ME.has(t));
  const others = hasWord(tokens, OTHER_WORDS) || hasStem(tokens, OTHER_STEMS);
  const imagined = hasWord(tokens, IMAGINED) || tokens.some((t) => YEAR.test(t));
  const notLive = imagined || (others && !me);
  const now = hasStem(tokens, NOW);
  // A short first-person message about being held is written from custody, "now" or not.
  return { held, live: held && me && (now || tokens.length <= 8) && !notLive, notLive };
}
