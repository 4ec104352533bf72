import type { ConversationFlavor } from "@grammyjs/conversations";
import type { Context, SessionFlavor } from "grammy";
import type { TFunction } from "i18next";
import type { Address, Contact } from "../contacts/contacts.js";
import type { Language } from "../i18n/languages.js";
import type { StaffMember } from "../staff/staff.js";

/**
 * Per-chat state. Held in memory until the person consents; it carries no
 * message text, only choices and entry ids.
 */
export interface SessionData {
  language?: Language;
  /** true once stored with consent, false after declining, unset before asking. */
  consent?: boolean;
  /** Whether the language is settled: picked by the person, or answered in. */
  languageChosen?: boolean;
  /** The language picker was shown unasked once (a first message gave nothing to tell the language by). */
  languageAsked?: boolean;
  /** What the person asked for before consenting: it goes ahead right after they agree. */
  pendingAction?: "intake" | "lawyer" | "travel" | "kit";
  /** The one-line emergency notice was shown: the urgent button may now store a case on its own. */
  emergencyNoticeShown?: boolean;
  /** The country an emergency message named, for the contacts shown: kept with the session, nowhere else. */
  country?: string;
  /** Places being chosen for travel warnings, until saved. */
  places?: string[];
  /** The officer card's country picker is open: the next text may be a country's name (never the country itself). */
  cardPicking?: boolean;
  /** Day number of the last expiry refresh, so a contact is touched at most daily. */
  touched?: number;
}

export interface DeskFlavor {
  /** Translates into the person's language. */
  t: TFunction;
  language: Language;
  /** Which transport the update came through: "telegram", "signal", "console"… */
  messenger: string;
  /** Buttons reach this chat as numbered choices, so navigation is not listed under every answer. */
  numbered: boolean;
  /** The private chat's address; set on every update the bot answers. */
  address: Address;
  /** Set when the person has consented and is stored. */
  contact?: Contact;
  /** Set for volunteers and admins, looked up on every update (through `Staff`'s cache, which its own changes drop). */
  staff?: StaffMember;
}

export type BotContext = ConversationFlavor<Context & SessionFlavor<SessionData> & DeskFlavor>;
