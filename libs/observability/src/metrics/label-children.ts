/**
 * A metric's label children, resolved once per distinct label values: prom-client validates and
 * hashes the labels on every `labels()` / `inc(labels)` / `observe(labels)` call, which on the request
 * path costs more than the increment itself. Label values are bounded by the catalogue's rules (see
 * GatewayMetrics), so the map is bounded too.
 */
export class LabelChildren<Child> {
  private readonly children = new Map<string, Child>();

  constructor(private readonly resolve: (...values: string[]) => Child) {}

  of(...values: string[]): Child {
    const key = values.length === 1 ? values[0] : values.join('\u0000');
    let child = this.children.get(key);
    if (child === undefined) {
      child = this.resolve(...values);
      this.children.set(key, child);
    }
    return child;
  }
}
