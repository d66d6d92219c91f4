/**
 * Groups pairs judged duplicates into clusters with union–find: if A~B and B~C, then A, B and C are
 * one client. Ids in a cluster and clusters themselves come out sorted, so the output is stable.
 * Only pairs passed in are joined; filter to 'duplicate' decisions before calling.
 */
export function clusterPairs(pairs: readonly (readonly [string, string])[]): string[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    let node = x;
    while (node !== root) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  for (const [a, b] of pairs) {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    // The smaller id becomes the root, so the result does not depend on the order of the pairs.
    if (ra < rb) parent.set(rb, ra);
    else if (rb < ra) parent.set(ra, rb);
  }
  const clusters = new Map<string, string[]>();
  for (const id of parent.keys()) {
    const root = find(id);
    const cluster = clusters.get(root);
    if (cluster) cluster.push(id);
    else clusters.set(root, [id]);
  }
  return [...clusters.values()]
    .map((c) => c.sort())
    .sort((x, y) => (x[0]! < y[0]! ? -1 : x[0]! > y[0]! ? 1 : 0));
}
