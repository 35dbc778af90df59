// Follows local `$ref`s ("#/components/...") inside one bundled spec document.
export function refResolver(doc) {
  const resolve = (node) =>
    node?.$ref
      ? resolve(
          node.$ref
            .replace(/^#\//, "")
            .split("/")
            .reduce((at, key) => at?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], doc),
        )
      : node;
  return resolve;
}
