import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { BoundedMap } from "../cache/bounded-map.js";

const VERSION = 1;
const NONCE = 12;
const TAG = 16;

/** Thrown when a sealed value does not open: wrong key, wrong row or column, or tampering. */
export class SealError extends Error {
  override name = "SealError";
}

/**
 * Random nonces, drawn from a pool filled a few kilobytes at a time: one call
 * into the random generator per few hundred seals instead of one per seal (a
 * nonce must be unique, not secret; 96 random bits are as unique either way).
 */
const nonces = { pool: Buffer.alloc(0), at: 0 };

function nonceInto(target: Buffer, offset: number): void {
  if (nonces.at + NONCE > nonces.pool.length) {
    nonces.pool = randomBytes(NONCE * 256);
    nonces.at = 0;
  }
  nonces.pool.copy(target, offset, nonces.at, nonces.at + NONCE);
  nonces.at += NONCE;
}

/** AES-256-GCM with a random nonce; the associated data binds a value to its place. */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: string): Buffer {
  const head = Buffer.allocUnsafe(1 + NONCE);
  head[0] = VERSION;
  nonceInto(head, 1);
  const cipher = createCipheriv("aes-256-gcm", key, head.subarray(1));
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = cipher.update(plaintext);
  const last = cipher.final();
  return Buffer.concat([head, cipher.getAuthTag(), body, last]);
}

export function open(key: Uint8Array, sealed: Uint8Array, aad: string): Buffer {
  // A view, not a copy: nothing here writes to it.
  const box = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (box.length < 1 + NONCE + TAG || box[0] !== VERSION) throw new SealError("unknown sealed format");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, box.subarray(1, 1 + NONCE));
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(box.subarray(1 + NONCE, 1 + NONCE + TAG));
    return Buffer.concat([decipher.update(box.subarray(1 + NONCE + TAG)), decipher.final()]);
  } catch {
    throw new SealError("sealed value does not open");
  }
}

function derive(master: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), `notice-desk/${purpose}`, 32));
}

/**
 * Everything that hangs off the root key. The root key itself is only used to
 * derive subkeys, one per purpose. The blind-index key is random and stored
 * wrapped, so that rotating the root key leaves every lookup hash valid.
 */
export class Keyring {
  readonly #wrap: Buffer;
  readonly #check: Buffer;
  #lookup: Buffer | undefined;

  constructor(master: Uint8Array) {
    if (master.length !== 32) throw new Error("the root key must be 32 bytes");
    this.#wrap = derive(master, "wrap");
    this.#check = derive(master, "check");
  }

  /** A value stored once per database that tells whether this is the key it was made with. */
  checkValue(): Buffer {
    return createHmac("sha256", this.#check).update("key-check", "utf8").digest();
  }

  matches(stored: Uint8Array): boolean {
    const mine = this.checkValue();
    return stored.length === mine.length && timingSafeEqual(mine, stored);
  }

  /** Makes a new blind-index key and returns it wrapped, for storing. */
  createIndexKey(): Buffer {
    const key = randomBytes(32);
    this.#lookup = key;
    this.#indexCache.clear();
    return seal(this.#wrap, key, "index-key");
  }

  loadIndexKey(wrapped: Uint8Array): void {
    this.#lookup = open(this.#wrap, wrapped, "index-key");
    this.#indexCache.clear();
  }

  /** Unwraps with this keyring and wraps for `next`; used by key rotation. */
  rewrapIndexKey(wrapped: Uint8Array, next: Keyring): Buffer {
    return seal(next.#wrap, open(this.#wrap, wrapped, "index-key"), "index-key");
  }

  readonly #indexCache = new BoundedMap<string, Buffer>(20_000);

  /** A keyed hash that finds a record by an identifier without storing the identifier. */
  blindIndex(value: string): Buffer {
    if (!this.#lookup) throw new Error("the blind-index key is not loaded");
    const cached = this.#indexCache.get(value);
    if (cached) return cached;
    const hash = createHmac("sha256", this.#lookup).update(value, "utf8").digest();
    this.#indexCache.set(value, hash);
    return hash;
  }

  /**
   * A key for a purpose that must survive root key rotation (it hangs off
   * the stored blind-index key, not the root key).
   */
  derive(purpose: string): Buffer {
    if (!this.#lookup) throw new Error("the blind-index key is not loaded");
    return createHmac("sha256", this.#lookup).update(`derive:${purpose}`, "utf8").digest();
  }

  /** A fresh data key for one person. */
  newDataKey(): Buffer {
    return randomBytes(32);
  }

  wrapDataKey(dataKey: Uint8Array, owner: string): Buffer {
    return seal(this.#wrap, dataKey, `data-key:${owner}`);
  }

  unwrapDataKey(wrapped: Uint8Array, owner: string): Buffer {
    return open(this.#wrap, wrapped, `data-key:${owner}`);
  }
}
