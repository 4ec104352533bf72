/**
 * Splits a text into parts no longer than `max`, at the last paragraph break
 * that fits, else the last sentence end, else the last space, and only when
 * there is none of these, inside a word (never inside a surrogate pair).
 * A break is only taken in the second half of a part, so parts stay long.
 */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const floor = Math.floor(max / 2);
    let cut = window.lastIndexOf("\n\n");
    if (cut < floor) cut = lastMatch(window, /[.!?…](?=\s)/g) + 1;
    if (cut < floor) cut = Math.max(window.lastIndexOf(" "), window.lastIndexOf("\n"));
    if (cut < floor) {
      cut = max;
      // A low surrogate at the cut belongs with the high one before it.
      const code = rest.charCodeAt(cut);
      if (code >= 0xdc00 && code <= 0xdfff) cut--;
    }
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

function lastMatch(text: string, pattern: RegExp): number {
  let last = -1;
  for (const m of text.matchAll(pattern)) last = m.index;
  return last;
}
