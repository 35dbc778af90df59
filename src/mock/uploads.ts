// The documented upload limits (the spec's `x-p100-file-limits`, in generated/operations.js) as
// the mock enforces them, with the documented codes: too many or no files is a validation
// failure (P403), a file of a type not listed is P426, a file over the size limit is P440. The
// body cap of the mock's server adapters (pipeline/gate.ts) comes from the same limits.
import operations, { type UploadLimits } from "../../generated/operations.js";

/** Room for the multipart framing and the form's other fields around the largest valid upload. */
const formOverheadBytes = 1024 * 1024;

/** The most bytes any valid request can have: the largest documented upload plus its framing. */
export const maxBodyBytes =
  Math.max(0, ...Object.values(operations).map(({ upload }) => (upload ? upload.maxFiles * upload.maxFileBytes : 0))) +
  formOverheadBytes;

export interface UploadProblem {
  /** A P-code of the operation's documented 400 answers. */
  code: "P403" | "P426" | "P440";
  /** What is wrong, in the docs' style, for the log and for P403's and P426's errorMessage. */
  message: string;
}

const mebibytes = (bytes: number) => `${+(bytes / 1048576).toFixed(2)} MiB`;

/** The limits of `METHOD /path/{template}`, if that operation takes files. */
export function uploadLimitsOf(method: string, pathTemplate: string): UploadLimits | undefined {
  return operations[`${method.toUpperCase()} ${pathTemplate}`]?.upload;
}

/**
 * Checks a multipart body against the limits: the problem, or the parsed form when the files keep
 * them; undefined when the body is not multipart at all (Prism's own validation answers that).
 * The form is parsed by the platform's FormData parser (undici's), never by hand.
 */
export async function checkUpload(
  limits: UploadLimits,
  contentType: string | undefined,
  raw: Uint8Array<ArrayBuffer>,
): Promise<{ problem: UploadProblem } | { form: FormData } | undefined> {
  if (!/^multipart\/form-data\b/i.test(contentType ?? "")) return undefined;
  let form: FormData;
  try {
    form = await new Response(raw, { headers: { "content-type": contentType as string } }).formData();
  } catch {
    return { problem: { code: "P403", message: "the request body is not a valid multipart/form-data body" } };
  }
  const problem = problemOf(limits, form);
  return problem ? { problem } : { form };
}

/**
 * The same form with each file cut to its first bytes, as multipart text with its new
 * content type: Prism validates the fields and parts of this one (its own multipart parser takes
 * about a second per 15 MiB), once the whole files have passed the checks above.
 */
export async function slimForm(form: FormData): Promise<{ body: string; contentType: string }> {
  const slim = new FormData();
  for (const [name, value] of form) {
    slim.append(
      name,
      typeof value === "string" ? value : new File([value.slice(0, 64)], value.name, { type: value.type }),
    );
  }
  const encoded = new Response(slim);
  return { body: await encoded.text(), contentType: encoded.headers.get("content-type") ?? "" };
}

/**
 * The 400 answer's body for a problem: P403's names the failure; P426's is the catalogue's body
 * (`catalogue`) with an errorMessage that goes on to name the type that arrived and the allowed
 * ones; P440's is the catalogue's as it is.
 */
export function uploadProblemBody({ code, message }: UploadProblem, catalogue: unknown): unknown {
  if (code === "P403") return { errorCode: "P403", errorMessage: `${message}.` };
  if (code === "P440") return catalogue;
  const documented = (catalogue ?? { errorCode: code }) as { errorMessage?: unknown };
  const lead = typeof documented.errorMessage === "string" ? `${documented.errorMessage}: ` : "";
  return { ...documented, errorMessage: `${lead}${message}.` };
}

function problemOf(limits: UploadLimits, form: FormData): UploadProblem | undefined {
  const parts = form.getAll(limits.field);
  const files = parts.filter((part): part is File => typeof part !== "string");
  const field = limits.field;
  if (parts.length > files.length) return { code: "P403", message: `each ${field} part must be a file` };
  if (files.length < limits.minFiles) return { code: "P403", message: `${field} should not be empty` };
  if (files.length > limits.maxFiles)
    return { code: "P403", message: `${field} must contain no more than ${limits.maxFiles} elements` };
  for (const [index, file] of files.entries()) {
    const label = `file ${index + 1} (${file.name || "no name"})`;
    if (file.size === 0) return { code: "P403", message: `${label} is empty` };
    if (!limits.contentTypes.includes(file.type.toLowerCase()))
      return {
        code: "P426",
        message: `${label} has type "${file.type || "none"}"; allowed: ${limits.contentTypes.join(", ")}`,
      };
    if (file.size > limits.maxFileBytes)
      return {
        code: "P440",
        message: `${label} has ${file.size} bytes; at most ${limits.maxFileBytes} (${mebibytes(limits.maxFileBytes)}) allowed`,
      };
  }
  return undefined;
}
