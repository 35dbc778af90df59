// Multipart uploads: the file inputs a caller may pass, the documented limits checked before
// anything is sent, and the FormData that openapi-fetch sends (as its bodySerializer).
import type { UploadLimits } from "../../generated/operations.js";
import { P100UploadError } from "../errors.js";

/** The bytes of a file: any `Uint8Array` (a Node `Buffer` included), an `ArrayBuffer`, a `Blob` or a `File`. */
export type UploadData = Uint8Array | ArrayBuffer | Blob;

/** A file to upload: a `File`, a `Blob` (named "file"), or bytes with a name and a type. */
export type UploadFile = Blob | { data: UploadData; filename: string; contentType: string };

/** Turns one input into a File with a name and a content type. */
function toFile(input: UploadFile): File {
  if (input instanceof File) return input;
  if (input instanceof Blob) return new File([input], "file", { type: input.type });
  if (input && typeof input === "object" && "data" in input) {
    return new File([blobPart(input.data)], input.filename, { type: input.contentType });
  }
  throw new P100UploadError("expected a File, a Blob, or { data, filename, contentType }");
}

/** A view over a SharedArrayBuffer (allowed by `Uint8Array`'s type) is copied: a Blob takes only ArrayBuffers. */
function blobPart(data: UploadData): BlobPart {
  if (data instanceof Uint8Array)
    return data.buffer instanceof ArrayBuffer ? (data as Uint8Array<ArrayBuffer>) : data.slice();
  if (data instanceof ArrayBuffer || data instanceof Blob) return data;
  throw new P100UploadError("`data` must be a Uint8Array (a Buffer included), an ArrayBuffer, a Blob or a File.");
}

/** Checks the files against the documented limits and builds the multipart body. */
export function uploadForm(operationId: string, limits: UploadLimits, body: Record<string, unknown>): FormData {
  const inputs = body[limits.field];
  if (!Array.isArray(inputs))
    throw new P100UploadError(`${operationId}: \`${limits.field}\` must be an array of files.`);
  if (inputs.length < limits.minFiles || inputs.length > limits.maxFiles) {
    throw new P100UploadError(
      `${operationId}: ${inputs.length} file(s) given; ${limits.minFiles === limits.maxFiles ? limits.maxFiles : `${limits.minFiles} to ${limits.maxFiles}`} allowed.`,
    );
  }
  const form = new FormData();
  for (const [key, value] of Object.entries(body)) {
    if (key !== limits.field && value !== undefined) form.append(key, String(value));
  }
  inputs.forEach((input: UploadFile, index) => {
    const file = toFile(input);
    const label = `${operationId}: file ${index + 1} (${file.name})`;
    if (!limits.contentTypes.includes(file.type)) {
      throw new P100UploadError(
        `${label} has type "${file.type || "unknown"}"; allowed: ${limits.contentTypes.join(", ")}.`,
      );
    }
    if (file.size === 0) throw new P100UploadError(`${label} is empty.`);
    if (file.size > limits.maxFileBytes) {
      throw new P100UploadError(
        `${label} has ${file.size} bytes; at most ${limits.maxFileBytes} (${limits.maxFileBytes / 1048576} MB) allowed.`,
      );
    }
    form.append(limits.field, file);
  });
  return form;
}
