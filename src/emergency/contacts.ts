import { z } from "zod";
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

const contact = z.object({
  country: z.string().regex(/^([A-Z]{2}|any)$/, 'must be a two-letter country code such as "PL", or "any"'),
  languages: z.array(z.enum(LANGUAGES)).min(1).optional(),
  name: z.string().trim().min(1).max(80),
  phone: z.string().regex(/^\+?[0-9][0-9 ()-]{4,24}$/, "must be a phone number such as +48 22 000 00 00"),
  hours: z.string().trim().min(1).max(60).optional(),
  note: z.string().trim().min(1).max(200).optional(),
}).strict();

const file = z.object({ contacts: z.array(contact).max(200) }).strict();

/** Parses the file's text; throws with every problem listed, by path, never quoting values. */
export function parseEmergencyContacts(text: string): EmergencyContact[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error("is not valid JSON");
  }
  const parsed = file.safeParse(json);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`).join("; "));
  return parsed.data.contacts.map((c) => ({ ...c, languages: c.languages ?? [...LANGUAGES] }));
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
