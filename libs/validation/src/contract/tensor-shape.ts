/**
 * Shape checks that JSON Schema cannot express: a nested-array tensor with variable (-1) dimensions
 * must still be rectangular, and its element count is bounded. Iterative, so no input depth can
 * exhaust the stack (the JSON depth cap bounds it anyway).
 */

export type TensorMeasure = { ok: true; elements: number } | { ok: false; pointer: string; detail: string };

/**
 * Counts the leaves of a nested array of `rank` dimensions, refusing ragged ones. Assumes the
 * structure (depth, leaf types) was already validated by the row schema.
 */
export function measureNestedTensor(value: unknown, rank: number, maxElements: number): TensorMeasure {
  const lengthAtDepth: number[] = new Array<number>(rank).fill(-1);
  const stack: { node: unknown; depth: number; path: string }[] = [{ node: value, depth: 0, path: '' }];
  let elements = 0;
  while (stack.length > 0) {
    const { node, depth, path } = stack.pop()!;
    if (!Array.isArray(node)) continue;
    if (lengthAtDepth[depth] === -1) lengthAtDepth[depth] = node.length;
    else if (lengthAtDepth[depth] !== node.length)
      return { ok: false, pointer: path, detail: `must have ${lengthAtDepth[depth]} items, like the other arrays at this level` };
    if (depth === rank - 1) {
      elements += node.length;
      if (elements > maxElements) return { ok: false, pointer: '', detail: `has more than ${maxElements} elements` };
      continue;
    }
    for (let index = node.length - 1; index >= 0; index--) stack.push({ node: node[index], depth: depth + 1, path: `${path}/${index}` });
  }
  return { ok: true, elements };
}

/**
 * Flattens KServe v2 `data` (flat or nested row-major) into its elements, at most `limit` of them.
 * Answers undefined when there are more, or when a nesting is deeper than `maxDepth`.
 */
export function flattenTensorData(data: readonly unknown[], limit: number, maxDepth: number): unknown[] | undefined {
  let nested = false;
  for (const item of data) {
    if (Array.isArray(item)) {
      nested = true;
      break;
    }
  }
  if (!nested) return data.length <= limit ? (data as unknown[]) : undefined;
  const out: unknown[] = [];
  const stack: { array: readonly unknown[]; index: number }[] = [{ array: data, index: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.index >= top.array.length) {
      stack.pop();
      continue;
    }
    const item = top.array[top.index++];
    if (Array.isArray(item)) {
      if (stack.length >= maxDepth) return undefined;
      stack.push({ array: item, index: 0 });
    } else {
      if (out.length >= limit) return undefined;
      out.push(item);
    }
  }
  return out;
}
