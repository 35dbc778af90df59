// multipart/form-data built by hand, as bytes: text fields and files whose content is binary
// (every byte value, 0–255, after the file type's magic bytes), of exactly the size asked for.
export type FileKind = "pdf" | "png" | "gif" | "jpg";

export type Part =
  | { name: string; value: string }
  | { name: string; filename: string; contentType: string; kind: FileKind; size: number };

const magic: Record<FileKind, Buffer> = {
  pdf: Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1"),
  png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  gif: Buffer.from("GIF89a", "latin1"),
  jpg: Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
};
const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** `size` bytes: the kind's magic bytes, then 0x00..0xff repeated. */
export function fileBytes(kind: FileKind, size: number): Buffer {
  const bytes = Buffer.alloc(size, everyByte);
  magic[kind].copy(bytes, 0, 0, Math.min(size, magic[kind].length));
  return bytes;
}

/** A file part: `a.pdf` → application/pdf, and so on. */
export function file(filename: string, size: number, contentType?: string): Part {
  const kind = filename.split(".").pop() as FileKind;
  const types: Record<FileKind, string> = {
    pdf: "application/pdf",
    png: "image/png",
    gif: "image/gif",
    jpg: "image/jpeg",
  };
  return { name: "files", filename, contentType: contentType ?? types[kind], kind, size };
}

// Cannot occur in the files: their bytes after the magic only ever rise by one.
const boundary = "----p100-acceptance-boundary-7d3f9a";

function head(part: Part): Buffer {
  const disposition =
    "filename" in part
      ? `Content-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.contentType}`
      : `Content-Disposition: form-data; name="${part.name}"`;
  return Buffer.from(`--${boundary}\r\n${disposition}\r\n\r\n`, "latin1");
}

/**
 * The body and its Content-Type. With `padTo`, the last file part grows so that the whole body is
 * exactly `padTo` bytes long.
 */
export function multipart(parts: Part[], padTo?: number): { contentType: string; body: Buffer } {
  const tail = Buffer.from(`--${boundary}--\r\n`, "latin1");
  let sized = parts;
  if (padTo !== undefined) {
    const last = parts.findLastIndex((p) => "filename" in p);
    if (last < 0) throw new Error("padTo needs a file part to grow");
    const others = multipart(
      parts.map((p, i) => (i === last ? { ...p, size: 0 } : p)),
      undefined,
    ).body.length;
    sized = parts.map((p, i) =>
      i === last ? { ...(p as Extract<Part, { kind: FileKind }>), size: padTo - others } : p,
    );
  }
  const pieces = sized.flatMap((part) => [
    head(part),
    "filename" in part ? fileBytes(part.kind, part.size) : Buffer.from(part.value, "utf8"),
    Buffer.from("\r\n"),
  ]);
  const body = Buffer.concat([...pieces, tail]);
  if (padTo !== undefined && body.length !== padTo) throw new Error(`multipart: ${body.length} bytes, not ${padTo}`);
  return { contentType: `multipart/form-data; boundary=${boundary}`, body };
}
