// Checks a bundled spec for the contract's own promises, beyond what lint can express:
// every response body has an example, every example is valid against its own schema, the
// P-code catalogue (components.examples with x-p100-error) agrees with where codes are used, and
// every deviation from the docs cites one of the operation's or webhook's own doc pages.

import { schemaValidator } from "../../scripts/generate-validators.js";
import { escapeKey, operationsOf, refResolver } from "../../scripts/spec-walk.js";

export function specProblems(doc: any): string[] {
  const validatorAt = schemaValidator(doc);
  const deref = refResolver(doc);
  const schemaPointer = (node: any, at: string) => (node.$ref ? node.$ref.slice(1) : at);
  const problems: string[] = [];
  const check = (where: string, pointer: string, value: unknown) => {
    const validate = validatorAt(pointer);
    if (!validate(value))
      problems.push(`${where}: ${(validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join(", ")}`);
  };

  const provenance = (name: string, source: any) => {
    for (const deviation of source?.deviations ?? []) {
      if (!(source.docs ?? []).includes(deviation.source))
        problems.push(
          `${name}: the deviation "${deviation.documented}" cites ${deviation.source}, not one of its docs`,
        );
    }
  };
  for (const [name, item] of Object.entries<any>(doc.webhooks ?? {}))
    provenance(`webhook ${name}`, item.post?.["x-p100-source"]);

  const catalogue = doc.components?.examples ?? {};
  for (const { path, method, operation: op, pathItem: item } of operationsOf(doc)) {
    {
      provenance(op.operationId, op["x-p100-source"]);
      const base = `/paths/${escapeKey(path)}/${method}`;
      for (const param of [...(item.parameters ?? []), ...(op.parameters ?? [])].map(deref)) {
        if (param.example === undefined) problems.push(`${op.operationId} parameter ${param.name}: no example`);
      }
      for (const [mediaType, media] of Object.entries<any>(deref(op.requestBody)?.content ?? {})) {
        const at = `${schemaPointer(op.requestBody, `${base}/requestBody`)}/content/${escapeKey(mediaType)}`;
        if (!media.examples) problems.push(`${op.operationId} request ${mediaType}: no example`);
        if (mediaType === "application/json") {
          for (const [name, example] of Object.entries<any>(media.examples ?? {}))
            check(`${op.operationId} request example ${name}`, `${at}/schema`, deref(example).value);
        }
      }
      for (const [status, raw] of Object.entries<any>(op.responses)) {
        const response = deref(raw);
        for (const [mediaType, media] of Object.entries<any>(response.content ?? {})) {
          const at = `${schemaPointer(raw, `${base}/responses/${status}`)}/content/${escapeKey(mediaType)}`;
          const examples = Object.entries<any>(media.examples ?? {});
          if (examples.length === 0) problems.push(`${op.operationId} ${status}: no example`);
          for (const [name, ref] of examples) {
            const example = deref(ref);
            check(`${op.operationId} ${status} example ${name}`, `${at}/schema`, example.value);
            const code = example.value?.errorCode;
            if (code === undefined) continue;
            if (name !== code)
              problems.push(`${op.operationId} ${status} example ${name}: named other than its errorCode ${code}`);
            const entry = catalogue[code];
            if (!entry?.["x-p100-error"])
              problems.push(`${op.operationId} ${status}: ${code} is not in the P-code catalogue`);
            else if (String(deref(entry)["x-p100-error"].httpStatus) !== status)
              problems.push(
                `${op.operationId} ${status}: the catalogue gives ${code} HTTP ${deref(entry)["x-p100-error"].httpStatus}`,
              );
          }
          // The codes a response's schema allows and the codes it has examples for must agree.
          const allowed: string[] = (media.schema?.allOf ?? []).flatMap(
            (part: any) => part.properties?.errorCode?.enum ?? [],
          );
          const exemplified = examples.map(([, ref]) => deref(ref).value?.errorCode).filter(Boolean);
          for (const code of allowed.filter((c) => !exemplified.includes(c)))
            problems.push(`${op.operationId} ${status}: ${code} has no example`);
          for (const code of exemplified.filter((c) => allowed.length && !allowed.includes(c)))
            problems.push(`${op.operationId} ${status}: example ${code} is not an allowed errorCode`);
        }
      }
    }
  }
  return problems;
}
