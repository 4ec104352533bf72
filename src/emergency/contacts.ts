import { checkObject, list, matching, oneOf, optional, trimmed, type Problem } from "../config/checks.js";
import { LANGUAGES, type Language } from "../i18n/languages.js";

/**
 * Who a detained person can call: hotlines and lawyers the deploying
 * organisation vouches for, per country and language, from a JSON file
 * (`EMERGENCY_CONTACTS_FILE`, see README). The bot never makes one up: with
 * no file, it says plainly that it has none.
 */

export interface EmergencyContact {
  /** ISO 3166 alpha-2 code of the country the contact serves, or "any" for everywhere. */
  country: string;
  /** The languages spoken there; all the bot's languages when not given. */
  languages: Language[];
  name: string;
  phone: string;
  hours?: string;
  note?: string;
}

const contact = {
  country: matching(/^([A-Z]{2}|any)$/, 'must be a two-letter country code such as "PL", or "any"'),
  languages: optional(list(oneOf(LANGUAGES), 1, LANGUAGES.length)),
  name: trimmed(1, 80),
  phone: matching(/^\+?[0-9][0-9 ()-]{4,24}$/, "must be a phone number such as +48 22 000 00 00"),
  hours: optional(trimmed(1, 60)),
  note: optional(trimmed(1, 200)),
};

/** Parses the file's text; throws with every problem listed, by path, never quoting values. */
export function parseEmergencyContacts(text: string): EmergencyContact[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error("is not valid JSON");
  }
  const problems: Problem[] = [];
  const contacts: EmergencyContact[] = [];
  const top = checkObject({ contacts: list((item) => item, 0, 200) }, json, true);
  problems.push(...top.problems);
  (top.value.contacts ?? []).forEach((item, i) => {
    const checked = checkObject(contact, item, true, ["contacts", String(i)]);
    problems.push(...checked.problems);
    contacts.push({ ...checked.value, languages: checked.value.languages ?? [...LANGUAGES] });
  });
  if (problems.length > 0) throw new Error(problems.map((p) => `${p.path.join(".") || "(top)"}: ${p.message}`).join("; "));
  return contacts;
}

/**
 * The contacts for a person: those of their country first, then those for
 * everywhere (only those, when theirs is not known: a Warsaw lawyer is no help
 * in Berlin); those speaking their language before the others in each.
 */
export function contactsFor(all: readonly EmergencyContact[], country: string | undefined, language: Language, limit = 3): EmergencyContact[] {
  const rank = (c: EmergencyContact) => (c.country === country ? 0 : c.country === "any" ? 2 : 4) + (c.languages.includes(language) ? 0 : 1);
  return all
    .filter((c) => c.country === country || c.country === "any")
    .sort((a, b) => rank(a) - rank(b))
    .slice(0, limit);
}
