/**
 * Where warnings can be about: countries Belarusians abroad live in or travel
 * through, and regions that group them. "all" matches everything.
 */
export const COUNTRIES = ["PL", "LT", "LV", "EE", "DE", "CZ", "RO", "HU", "RS", "GE", "AM", "TR", "KZ", "AE"] as const;
export const REGIONS = {
  eu: ["PL", "LT", "LV", "EE", "DE", "CZ", "RO", "HU"],
  balkans: ["RS", "HU", "RO"],
  caucasus: ["GE", "AM"],
  cis: ["AM", "KZ"],
} as const satisfies Record<string, readonly string[]>;
export type Region = keyof typeof REGIONS;
export const PLACES: readonly string[] = [...COUNTRIES, ...Object.keys(REGIONS)];
export const ALL = "all";

export function isPlace(value: string): boolean {
  return value === ALL || PLACES.includes(value);
}

/** The countries a place stands for. */
function countriesOf(place: string): Set<string> {
  if (place === ALL) return new Set(COUNTRIES);
  const region = (REGIONS as Record<string, readonly string[]>)[place];
  return new Set(region ?? [place]);
}

/** Whether someone subscribed to `subscribed` should get a warning about `about`. */
export function covers(subscribed: readonly string[], about: readonly string[]): boolean {
  if (subscribed.includes(ALL) || about.includes(ALL)) return true;
  const wanted = new Set(subscribed.flatMap((p) => [...countriesOf(p)]));
  return about.some((place) => [...countriesOf(place)].some((c) => wanted.has(c)));
}

/** Ticks or unticks a place. "All countries" stands alone: choosing it clears the rest, and a country clears it. */
export function togglePlace(chosen: readonly string[], place: string): string[] {
  if (chosen.includes(place)) return chosen.filter((p) => p !== place);
  return place === ALL ? [ALL] : [...chosen.filter((p) => p !== ALL), place];
}
