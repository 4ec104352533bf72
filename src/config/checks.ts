/**
 * Checks for the values read at start-up (environment variables, the
 * emergency contacts file). A check returns the value it accepts, converted,
 * or throws `Invalid` with what is wrong in words: never the value itself,
 * since some are secrets. Written here rather than taken from a schema
 * library, which would stay loaded, several megabytes of it, in a process
 * that checks its configuration once.
 */

/** What is wrong with one value; the caller adds which value it is. */
export class Invalid extends Error {
  override name = "Invalid";
}

/** Turns a raw value (a string from the environment, or any JSON value) into a checked one. */
export type Check<T> = (raw: unknown) => T;

/** Unset: absent, or empty (`NAME=` in an env file). */
const unset = (raw: unknown) => raw === undefined || raw === "";

/** `undefined` when unset, else what `check` makes of it. */
export const optional = <T>(check: Check<T>): Check<T | undefined> => (raw) => (unset(raw) ? undefined : check(raw));

/** `fallback` when unset, else what `check` makes of it. */
export const withDefault = <T>(check: Check<T>, fallback: T): Check<T> => (raw) => (unset(raw) ? fallback : check(raw));

export const string = (min = 0, max = Infinity): Check<string> => (raw) => {
  if (typeof raw !== "string") throw new Invalid("must be text");
  if (raw.length < min) throw new Invalid(min === 1 ? "must not be empty" : `must be at least ${min} characters`);
  if (raw.length > max) throw new Invalid(`must be at most ${max} characters`);
  return raw;
};

/** Text with spaces around it taken off, then between `min` and `max` characters. */
export const trimmed = (min: number, max: number): Check<string> => (raw) => string(min, max)(string()(raw).trim());

export const matching = (pattern: RegExp, message: string): Check<string> => (raw) => {
  const value = string()(raw);
  if (!pattern.test(value)) throw new Invalid(message);
  return value;
};

export const oneOf = <const T extends string>(values: readonly T[]): Check<T> => (raw) => {
  if (typeof raw !== "string" || !(values as readonly string[]).includes(raw)) throw new Invalid(`must be one of ${values.join(", ")}`);
  return raw as T;
};

/** A number from `min` to `max`; `whole` for integers. Strings are read as numbers. */
export const number = (min: number, max: number, whole = true): Check<number> => (raw) => {
  const value = typeof raw === "string" && /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(raw) ? Number(raw) : raw;
  if (typeof value !== "number" || !Number.isFinite(value) || (whole && !Number.isInteger(value)) || value < min || value > max) {
    throw new Invalid(`must be a ${whole ? "whole " : ""}number from ${min} to ${max}`);
  }
  return value;
};

/**
 * An absolute URL with one of `protocols` (without the colon), as written;
 * `root` takes trailing slashes off (a base that paths are added to).
 */
export const url = (protocols: readonly string[], message: string, root = false): Check<string> => (raw) => {
  const value = string()(raw);
  let parsed: URL;
  try {
    // The URL parser would take spaces around it off; they are a mistake here.
    if (/\s/.test(value)) throw new Invalid(message);
    parsed = new URL(value);
  } catch {
    throw new Invalid(message);
  }
  if (!protocols.includes(parsed.protocol.slice(0, -1))) throw new Invalid(message);
  return root ? value.replace(/\/+$/, "") : value;
};

/** An array of at least `min` and at most `max` items, each checked. */
export const list = <T>(item: Check<T>, min: number, max: number): Check<T[]> => (raw) => {
  if (!Array.isArray(raw)) throw new Invalid("must be a list");
  if (raw.length < min) throw new Invalid(`must have at least ${min} item${min === 1 ? "" : "s"}`);
  if (raw.length > max) throw new Invalid(`must have at most ${max} items`);
  return raw.map(item);
};

/** A problem found at `path` (names and indices from the top of what was checked). */
export interface Problem {
  path: string[];
  message: string;
}

type Shape = Record<string, Check<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: undefined extends ReturnType<S[K]> ? K : never }[keyof S];
/** What `checkObject` gives for a shape: a field whose check may give `undefined` is optional. */
export type Checked<S extends Shape> =
  & { [K in Exclude<keyof S, OptionalKeys<S>>]: ReturnType<S[K]> }
  & { [K in OptionalKeys<S>]?: ReturnType<S[K]> };

/**
 * Checks every field of an object and collects all problems rather than
 * stopping at the first, so one start-up names everything to fix. With
 * `strict`, fields the shape does not name are problems too.
 */
export function checkObject<S extends Shape>(shape: S, raw: unknown, strict: boolean, at: string[] = []): { value: Checked<S>; problems: Problem[] } {
  const problems: Problem[] = [];
  const value = {} as Record<string, unknown>;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { value: value as Checked<S>, problems: [{ path: at, message: "must be an object" }] };
  }
  const fields = raw as Record<string, unknown>;
  for (const [name, check] of Object.entries(shape)) {
    try {
      const checked = check(Object.hasOwn(fields, name) ? fields[name] : undefined);
      if (checked !== undefined) value[name] = checked;
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      problems.push({ path: [...at, name], message: error.message });
    }
  }
  if (strict) {
    for (const name of Object.keys(fields)) if (!Object.hasOwn(shape, name)) problems.push({ path: [...at, name], message: "is not a known field" });
  }
  return { value: value as Checked<S>, problems };
}
