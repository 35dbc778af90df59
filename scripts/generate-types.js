// Generates generated/schema.d.ts from the bundled spec with openapi-typescript's API. Options
// (why, see CONTRIBUTING.md "Generated types"):
// - rootTypes + rootTypesNoSchemaPrefix: every component schema is also exported under its own
//   name (ErrorBody, Message, ...), so src/ never re-declares a generated type by hand.
// - transform: a `format: binary` string (a multipart file part) is a `Blob` in TypeScript, so an
//   upload's body type says "a file", not "a string".
import fs from "node:fs";
import { pathToFileURL } from "node:url";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";
import ts from "typescript";

export async function generateTypes(specFile, outFile) {
  const ast = await openapiTS(pathToFileURL(specFile), {
    rootTypes: true,
    rootTypesNoSchemaPrefix: true,
    transform(schemaObject) {
      if (schemaObject.format === "binary") return ts.factory.createTypeReferenceNode("Blob");
    },
  });
  fs.writeFileSync(outFile, COMMENT_HEADER + astToString(ast));
}
