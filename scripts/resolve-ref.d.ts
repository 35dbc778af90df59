/** Follows local `$ref`s ("#/components/...") inside one bundled spec document. */
// biome-ignore lint/suspicious/noExplicitAny: spec JSON is untyped
export function refResolver(doc: unknown): <T = any>(node: any) => T;
