/** Files people may pass to their volunteer: court papers, decisions, photos of documents. */
export const ALLOWED_MIME = new Set([
  "application/pdf",
  "image/jpeg", "image/png", "image/heic", "image/heif", "image/webp",
  "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.oasis.opendocument.text", "application/rtf", "text/plain",
]);

export type FileCheck = "ok" | "too-large" | "type";

export function checkFile(mime: string, size: number | undefined, maxBytes: number): FileCheck {
  if (!ALLOWED_MIME.has(mime.toLowerCase())) return "type";
  if (size !== undefined && size > maxBytes) return "too-large";
  return "ok";
}
