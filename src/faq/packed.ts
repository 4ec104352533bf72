/**
 * A trained model as one buffer: a JSON header (its own fields, and where each
 * typed array lies) and the arrays' bytes. Written by `npm run build` so that
 * a production start loads the model instead of training it (see `catalog.ts`).
 */

export type PackedArray = Int32Array | Uint16Array | Float32Array | Float64Array;
export type Parts = Record<string, PackedArray>;

const KINDS = { Int32Array, Uint16Array, Float32Array, Float64Array } as const;
type Kind = keyof typeof KINDS;

interface Header {
  meta: unknown;
  arrays: { name: string; kind: Kind; offset: number; length: number }[];
}

const kindOf = (a: PackedArray): Kind => a.constructor.name as Kind;

export function pack(meta: unknown, parts: Parts): Buffer {
  const arrays: Header["arrays"] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(parts)) {
    // Every array starts on an 8-byte boundary, so it can be viewed in place.
    offset = Math.ceil(offset / 8) * 8;
    arrays.push({ name, kind: kindOf(a), offset, length: a.length });
    offset += a.byteLength;
  }
  const header = Buffer.from(JSON.stringify({ meta, arrays } satisfies Header));
  const start = Math.ceil((4 + header.length) / 8) * 8;
  const out = Buffer.alloc(start + offset);
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  for (const entry of arrays) {
    const a = parts[entry.name]!;
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, start + entry.offset);
  }
  return out;
}

/** The model in `buffer`. Its arrays may be views into `buffer`, which must then stay as it is. */
export function unpack(buffer: Buffer): { meta: unknown; parts: Parts } {
  const length = buffer.readUInt32LE(0);
  const header = JSON.parse(buffer.subarray(4, 4 + length).toString("utf8")) as Header;
  const start = Math.ceil((4 + length) / 8) * 8;
  // Viewed in place when aligned (a file read whole has a buffer of its own);
  // otherwise a copy, aligned: the caller's buffer may sit anywhere in Node's pool.
  let bytes: Uint8Array<ArrayBuffer> = new Uint8Array(buffer.buffer as ArrayBuffer, buffer.byteOffset + start, buffer.length - start);
  if (bytes.byteOffset % 8 !== 0) {
    bytes = new Uint8Array(buffer.length - start);
    bytes.set(buffer.subarray(start));
  }
  const parts: Parts = {};
  for (const entry of header.arrays) {
    const Kind = KINDS[entry.kind];
    if (!Kind) throw new Error(`unknown array kind in a packed model: ${entry.kind}`);
    parts[entry.name] = new Kind(bytes.buffer, bytes.byteOffset + entry.offset, entry.length);
  }
  return { meta: header.meta, parts };
}
