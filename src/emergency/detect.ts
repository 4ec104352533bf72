import { tokenize } from "../faq/fold.js";

/**
 * Word beginnings (folded, see `tokenize`) that mean someone is being held
 * right now. Past forms only: "detention" in a general question is not an
 * emergency, "задержали" is.
 */
const SINGLE = [
  "detained", "arested", "custody", "handcuf",
  "zaderzal", "zaderzan", "arestoval", "arestovan", "zatrimal", "zatriman", "aristaval", "aristavan",
  "zatrzimal",
];

/** Pairs of words that together mean the same. */
const PAIRS: [string, string][] = [
  ["stoped", "border"], ["held", "border"], ["held", "police"], ["taken", "police"],
  ["ostanovil", "hranic"], ["zabral", "polic"], ["zabral", "milic"], ["spinil", "miaz"],
];

const startsWith = (tokens: readonly string[], stem: string) => tokens.some((t) => t.startsWith(stem));

/** Whether a message says that someone is being detained (in any of the three languages or Polish). */
export function isEmergency(text: string): boolean {
  const tokens = tokenize(text);
  return SINGLE.some((stem) => startsWith(tokens, stem)) || PAIRS.some(([a, b]) => startsWith(tokens, a) && startsWith(tokens, b));
}
