/**
 * A fast reader for the plain block YAML that `kubectl get -o yaml` and `snapshot` write: block
 * mappings and sequences, plain scalars on one line, quoted strings without escapes, `{}` and
 * `[]`. Anything else (comments, anchors, tags, flow collections, block or multi-line scalars,
 * escapes, keys that are not plain words, numbers other than decimal integers) returns undefined
 * and the caller parses the text with the yaml package, whose results this must equal
 * (test/unit/config/yaml-block.test.ts compares them). The yaml package reads a large List at a
 * few megabytes a second; this reads it several times faster.
 */

type Value = null | boolean | number | string | Value[] | { [key: string]: Value };

interface Line {
  indent: number;
  text: string;
}

class Unsupported extends Error {}

// YAML 1.2 core schema (the yaml package's schema/core and schema/common): what a plain scalar is.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const DECIMAL = /^[-+]?[0-9]+$/;
const OTHER_NUMBER = [
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
const KEY = /^[A-Za-z_][\w./@~-]*(?::[\w./@~-]+)*$/;
/** No Kubernetes object nests this deep (manifests.ts MAX_DEPTH refuses deeper values). */
const MAX_NESTING = 512;
const INDICATOR = /^[[\]{}#&*!|>'"%@`,?:]|^-(?: |$)/;

/** The value of a block sequence of one entry at column 0 or more (a List item), or undefined. */
export function readListItem(text: string): unknown {
  const value = readBlock(text, (first) => first.indent >= 0);
  return Array.isArray(value) && value.length === 1 ? value[0] : undefined;
}

/** The value of a document that is one block mapping at column 0 (an object of a multi-document file), or undefined. */
export function readMappingDocument(text: string): unknown {
  const value = readBlock(text, (first) => first.indent === 0 && !isEntry(first.text));
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

/** The block whose first line `starts` accepts, when every line of the text is read by it. */
function readBlock(text: string, starts: (first: Line) => boolean): Value | undefined {
  if (text.includes('\t') || text.includes('\r')) return undefined;
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    const body = raw.trimStart();
    if (body === '') continue;
    if (body.startsWith('#')) return undefined;
    lines.push({ indent: raw.length - body.length, text: body.trimEnd() });
  }
  if (lines.length === 0 || !starts(lines[0]!)) return undefined;
  try {
    const reader = new BlockReader(lines);
    const value = reader.block(lines[0]!.indent);
    return reader.done() ? value : undefined;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

class BlockReader {
  private at = 0;
  private depth = 0;
  private readonly lines: Line[];

  constructor(lines: Line[]) {
    this.lines = lines;
  }

  done(): boolean {
    return this.at === this.lines.length;
  }

  /** The mapping or sequence whose lines start at `indent`. */
  block(indent: number): Value {
    const line = this.lines[this.at];
    if (!line || line.indent !== indent) throw new Unsupported();
    // Deep nesting is left to the yaml package, which says it is too deep (and this stays off the stack's end).
    if (++this.depth > MAX_NESTING) throw new Unsupported();
    const value = isEntry(line.text) ? this.sequence(indent) : this.mapping(indent);
    this.depth--;
    return value;
  }

  private sequence(indent: number): Value[] {
    const items: Value[] = [];
    for (
      let line = this.lines[this.at];
      line && line.indent === indent && isEntry(line.text);
      line = this.lines[this.at]
    ) {
      const rest = line.text.slice(2).trimStart();
      if (rest === '' || isEntry(rest)) throw new Unsupported();
      if (splitKey(rest)) {
        // `- key: value`: a mapping whose keys are at the column after the dash.
        this.lines[this.at] = { indent: indent + line.text.length - rest.length, text: rest };
        items.push(this.mapping(this.lines[this.at]!.indent));
      } else {
        this.at++;
        items.push(scalar(rest));
        this.expectEnd(indent);
      }
    }
    // A line left over at a column no block is at is found by done().
    return items;
  }

  private mapping(indent: number): Value {
    const map: { [key: string]: Value } = {};
    for (
      let line = this.lines[this.at];
      line && line.indent === indent && !isEntry(line.text);
      line = this.lines[this.at]
    ) {
      const pair = splitKey(line.text);
      if (!pair) throw new Unsupported();
      this.at++;
      map[pair.key] = pair.value === '' ? this.nested(indent) : scalar(pair.value);
      if (pair.value !== '') this.expectEnd(indent);
    }
    return map;
  }

  /** A key's value on the following lines: deeper, or a sequence at the key's own column. */
  private nested(indent: number): Value {
    const next = this.lines[this.at];
    if (next && (next.indent > indent || (next.indent === indent && isEntry(next.text))))
      return this.block(next.indent);
    return null;
  }

  /** After a scalar, the next line may not be deeper than its entry (a multi-line scalar, or broken). */
  private expectEnd(indent: number): void {
    const next = this.lines[this.at];
    if (next && next.indent > indent) throw new Unsupported();
  }
}

function isEntry(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

function splitKey(text: string): { key: string; value: string } | undefined {
  const colon = text.endsWith(':') && !text.includes(': ') ? text.length - 1 : text.indexOf(': ');
  if (colon <= 0) return undefined;
  const key = text.slice(0, colon);
  if (!KEY.test(key) || NULL.test(key) || BOOL.test(key) || key === '__proto__') return undefined;
  return { key, value: text.slice(colon + 1).trim() };
}

function scalar(text: string): Value {
  if (text === '{}') return {};
  if (text === '[]') return [];
  const quoted = /^"([^"\\]*)"$/.exec(text) ?? /^'([^']*)'$/.exec(text);
  if (quoted) return quoted[1]!;
  if (INDICATOR.test(text) || text.includes(': ') || text.includes(' #') || text.endsWith(':')) throw new Unsupported();
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === 't' || text[0] === 'T';
  if (DECIMAL.test(text)) return parseInt(text, 10);
  if (OTHER_NUMBER.some((r) => r.test(text))) throw new Unsupported();
  return text;
}
