/**
 * One kind of button, defined once: calling it builds the callback data a
 * button carries, `filter` matches exactly that and nothing else (so a stale
 * or forged button falls through to the "stale" answer), and `value` reads
 * back what it carried. Builder and parser cannot drift apart.
 */
export type Button<V extends string> = ((value: V) => string) & {
  readonly filter: RegExp;
  /** The value of a button matched by `filter` (grammY's `ctx.match`). */
  value(match: RegExpMatchArray | string | undefined): V;
};
export type PlainButton = (() => string) & { readonly filter: RegExp };

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A button that carries nothing but its kind, e.g. `sos:contacts`. */
export function button(prefix: string): PlainButton;
/** A button that carries one value: one of `values`, or text matching `pattern`. Data: `<prefix>:<value>`. */
export function button<V extends string>(prefix: string, values: readonly V[] | RegExp): Button<V>;
export function button<V extends string>(prefix: string, values?: readonly V[] | RegExp): Button<V> | PlainButton {
  if (values === undefined) return Object.assign(() => prefix, { filter: new RegExp(`^${escape(prefix)}$`) });
  const pattern = values instanceof RegExp ? values.source : values.map(escape).join("|");
  const filter = new RegExp(`^${escape(prefix)}:(${pattern})$`);
  return Object.assign((value: V) => `${prefix}:${value}`, {
    filter,
    value: (match: RegExpMatchArray | string | undefined) => (Array.isArray(match) ? match[1] : "") as V,
  });
}
