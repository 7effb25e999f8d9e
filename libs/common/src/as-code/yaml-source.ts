import { isNode, LineCounter, parseDocument, type Document } from 'yaml';

/** A parsed YAML file (policies, plans: configuration as code) that can say on which line a value sits, for one-line problems. */
export class YamlSource {
  private constructor(
    readonly file: string,
    readonly value: unknown,
    readonly syntaxErrors: string[],
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
    const syntaxErrors = document.errors.map((error) => {
      const line = error.linePos?.[0].line ?? 1;
      return `${file}:${line}: YAML syntax error: ${error.message.split('\n')[0]}`;
    });
    const value: unknown = syntaxErrors.length > 0 ? undefined : document.toJS({ maxAliasCount: 1000 });
    return new YamlSource(file, value, syntaxErrors, document, lines);
  }

  /** The line of the value at `path`, or of its nearest existing ancestor. */
  lineOf(path: readonly (string | number)[]): number {
    for (let depth = path.length; depth >= 0; depth--) {
      const node: unknown = this.document.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return this.lines.linePos(node.range[0]).line;
    }
    return 1;
  }

  /** `file:line: at /pointer: message`. */
  problem(path: readonly (string | number)[], message: string): string {
    return `${this.file}:${this.lineOf(path)}: at ${jsonPointer(path)}: ${message}`;
  }
}

/** `/rules/2/conditions/orgId`: a JSON pointer (RFC 6901 escaping) to a value in a file. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('') || '/';
}
