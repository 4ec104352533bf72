/** One part of a multipart/form-data body: a field, or a file when it has a filename. */
export interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

function param(header: string, key: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${key}=(?:"([^"]*)"|([^;]*))`, "i").exec(header);
  return match ? (match[1] ?? match[2]?.trim()) : undefined;
}

/**
 * Parses multipart/form-data as the Bot API accepts it. Written out because
 * grammY sends unquoted filenames, which stricter parsers refuse.
 */
export function parseMultipart(body: Buffer, contentType: string): Part[] {
  const boundary = param(contentType, "boundary");
  if (!boundary) throw new Error("multipart body without boundary");
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const from = start + delimiter.length;
    if (body.subarray(from, from + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, from);
    if (next === -1) break;
    const chunk = body.subarray(from + 2, next - 2); // drop the CRLF after the delimiter and before the next
    const split = chunk.indexOf("\r\n\r\n");
    if (split !== -1) {
      const headers = chunk.subarray(0, split).toString("utf8").split("\r\n");
      const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? "";
      const type = headers.find((h) => /^content-type:/i.test(h));
      const name = param(disposition, "name");
      if (name !== undefined) {
        parts.push({
          name,
          filename: param(disposition, "filename"),
          contentType: type?.slice(type.indexOf(":") + 1).trim(),
          data: Buffer.from(chunk.subarray(split + 4)),
        });
      }
    }
    start = next;
  }
  return parts;
}

/** Reads a request body stream to the end. */
export async function readBody(body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
