/** Follows local `$ref`s ("#/components/...") inside one bundled spec document. */
export function refResolver(doc: unknown): <T = any>(node: any) => T;
