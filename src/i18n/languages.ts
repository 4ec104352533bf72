/** The languages the bot speaks, in the order they are offered. */
export const LANGUAGES = ["be", "ru", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** Maps a Telegram `language_code` (e.g. "ru-RU", "uk") to one we speak, if any. */
export function fromLanguageCode(code: string | undefined): Language | undefined {
  const base = code?.toLowerCase().split(/[-_]/)[0];
  return isLanguage(base) ? base : undefined;
}
