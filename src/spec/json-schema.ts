// The one JSON Schema validator setup (Ajv, draft 2020-12 as OpenAPI 3.1 uses, with formats),
// over a whole bundled document so that schemas are addressed by JSON pointer and `$ref`s resolve.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

/** Returns a lookup of compiled validators by JSON pointer (`/webhooks/x/...`) into `doc`. */
export function schemaValidator(doc: unknown): (schemaPointer: string) => ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(doc as object, "doc");
  return (schemaPointer) => {
    const validate = ajv.getSchema(`doc#${schemaPointer}`);
    if (!validate) throw new Error(`no schema at ${schemaPointer}`);
    return validate;
  };
}
