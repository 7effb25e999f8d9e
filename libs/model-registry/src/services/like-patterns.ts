/** A LIKE pattern matching values that start with `prefix` literally (`%`, `_` and `\` escaped). */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A LIKE pattern matching a JSON string array (simple-json text) that contains `item` (no quotes in it). */
export function likeJsonItem(item: string): string {
  return `%${JSON.stringify(item).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
