import { createHmac, timingSafeEqual } from "node:crypto";
import type { Keyring } from "./keyring.js";

/**
 * Keyed checksums over the clear columns that decide who sees what: a
 * staff member's role, the volunteer and person a case belongs to, an
 * invite's role. They are in clear so SQL can sort and filter on them; the
 * checksum makes a row edited without the key fail its check, and a failing
 * row is refused and reported, never obeyed.
 */
export class RowIntegrity {
  #key: Buffer | undefined;

  /** `report` hears of every failed check, with the table's name only. */
  constructor(private readonly keyring: Keyring, private readonly report: (table: string) => void = () => {}) {}

  // Derived from the stored blind-index key, so it survives root key rotation.
  #mac(parts: readonly (string | null)[]): Buffer {
    this.#key ??= this.keyring.derive("row-integrity");
    return createHmac("sha256", this.#key).update(JSON.stringify(parts), "utf8").digest();
  }

  staff(row: { id: string; lookup: Uint8Array; role: string }): Buffer {
    return this.#mac(["staff", row.id, Buffer.from(row.lookup).toString("hex"), row.role]);
  }

  case(row: { id: string; contactId: string; volunteerId: string | null }): Buffer {
    return this.#mac(["cases", row.id, row.contactId, row.volunteerId]);
  }

  invite(row: { codeHash: Uint8Array; role: string }): Buffer {
    return this.#mac(["invites", Buffer.from(row.codeHash).toString("hex"), row.role]);
  }

  /**
   * Whether a row found by a keyed hash of an address is that address's row:
   * the address sealed inside must hash to the same lookup.
   */
  sameLookup(table: string, stored: Uint8Array, expected: Buffer): boolean {
    const ok = expected.equals(stored);
    if (!ok) this.report(table);
    return ok;
  }

  /** Whether `stored` is the checksum `expected` computes; reports the table when not. */
  holds(table: string, stored: Uint8Array | null, expected: Buffer): boolean {
    const ok = stored !== null && stored.length === expected.length && timingSafeEqual(stored, expected);
    if (!ok) this.report(table);
    return ok;
  }
}
