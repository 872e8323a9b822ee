/**
 * A large `-f` file read a piece at a time, with the same objects as parseManifests gives for its
 * whole text: a 200 MB `kind: List` never becomes one string or one YAML syntax tree. The text is
 * cut at lines: documents at `---`, and the items of a top-level block sequence `items:` (as
 * `kubectl get -o yaml` and `snapshot` write) or of a JSON List's `"items": [` (kubectl get -o
 * json) one by one; each item, and each document of a multi-document file, is parsed and cut to the
 * fields the tool reads (readFields) at once. Block fields readFields drops are not even parsed
 * (manifest-skip.ts), and plain block YAML is read without the yaml package (yaml-block.ts). A broken item is reported with its index and
 * line. What this cannot cut exactly (directives, `...`, an alias to an anchor in another item, a
 * List whose `kind` turns out not to be one, a JSON cut that does not parse) sets `unsupported`,
 * and the caller parses the whole text instead.
 */
import { ItemSkipper, spacesBefore } from './manifest-skip.ts';
import { readListItem, readMappingDocument } from './yaml-block.ts';
import {
  addDocument,
  addItem,
  documentValue,
  emptyManifests,
  isList,
  parseManifests,
  parseYamlDocuments,
  recordedAllPods,
  recordedGaps,
  UnresolvedAlias,
  type ParsedManifests,
} from './manifests.ts';

type State = 'head' | 'items' | 'json-items' | 'tail' | 'whole';

const MARKER = /^(---|\.\.\.)([ \t]|$)|^%/;
const PLAIN_START = /^---[ \t]*(#.*)?$/;
const ITEMS_KEY = /^items:[ \t]*(#.*)?$/;
/** kubectl get -o json writes one key or bracket a line: `    "items": [`, then each item from `{` to `},` at one indent. */
const JSON_ITEMS_KEY = /^\s*"items":\s*\[\s*$/;

export class ManifestStream {
  /** Why this input must be parsed whole; nothing more is read once it is set. */
  unsupported: string | undefined;
  private readonly out = emptyManifests();
  private partial = '';
  private lineNo = 0;
  private document = 1;
  private sawContent = false;
  private sawMarker = false;
  private state: State = 'head';
  private headStart = 1;
  private head: string[] = [];
  private tail: string[] = [];
  private sequenceIndent = -1;
  private item: string[] = [];
  private itemStart = 0;
  private items = emptyManifests();
  private itemCount = 0;
  private readonly skipper = new ItemSkipper();
  /** In a JSON document (its first line is `{`): how deep in brackets the head's next line starts. */
  private jsonDepth: number | undefined;
  private jsonItemIndent = -1;

  private readonly origin: string;

  constructor(origin: string) {
    this.origin = origin;
    this.skipper.startDocument();
  }

  /** Objects found so far (progress). */
  get objectCount(): number {
    return this.out.objects.length + this.items.objects.length;
  }

  push(chunk: string): void {
    if (this.unsupported) return;
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) {
      this.line(line);
      if (this.unsupported) return;
    }
  }

  /** The result, or undefined when the input is `unsupported`. */
  end(): ParsedManifests | undefined {
    if (this.partial && !this.unsupported) this.line(this.partial);
    if (!this.unsupported) this.finishDocument();
    return this.unsupported ? undefined : this.out;
  }

  private line(raw: string): void {
    this.lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (startsLikeMarker(line) && MARKER.test(line)) return this.marker(line);
    const content = isContent(line);
    const first = content && !this.sawContent;
    if (content) this.sawContent = true;
    if (this.state === 'items') return this.itemLine(raw, line, content);
    if (this.state === 'json-items') return this.jsonItemLine(raw, line);
    if (this.state === 'tail') return void this.tail.push(raw);
    // A document's own fields readFields drops are skipped as an item's are (not in JSON).
    this.head.push(this.jsonDepth === undefined && !this.skipper.keep(line) ? '' : raw);
    if (this.state === 'head') this.headLine(line, first);
  }

  private headLine(line: string, first: boolean): void {
    if (first && line.trim() === '{') return void (this.jsonDepth = 1);
    if (this.jsonDepth === undefined) return void (ITEMS_KEY.test(line) && (this.state = 'items'));
    if (this.jsonDepth === 1 && JSON_ITEMS_KEY.test(line)) return void (this.state = 'json-items');
    this.jsonDepth = jsonDepth(line, this.jsonDepth);
  }

  private marker(line: string): void {
    if (!PLAIN_START.test(line)) return void (this.unsupported = `line ${this.lineNo}: ${line.slice(0, 20)}`);
    // parseAllDocuments numbers documents so: `---` before any content starts the first one.
    if (this.sawContent || this.sawMarker) {
      this.finishDocument();
      this.document++;
    }
    this.sawMarker = true;
    this.headStart = this.lineNo + 1;
  }

  private itemLine(raw: string, line: string, content: boolean): void {
    if (!content)
      return void (this.item.length > 0 ? this.item.push(this.skipper.keep(line) ? raw : '') : this.head.push(raw));
    const indent = spacesBefore(line);
    const startsItem = line[indent] === '-' && (line.length === indent + 1 || line[indent + 1] === ' ');
    if (this.sequenceIndent < 0) {
      // Not a block sequence (`items:` is null, or a flow list on the next line): read it whole.
      if (!startsItem) return this.leaveItems(raw, indent === 0 ? 'tail' : 'whole');
      this.sequenceIndent = indent;
    }
    if (startsItem && indent === this.sequenceIndent) {
      this.flushItem();
      this.item = [raw];
      this.itemStart = this.lineNo;
      this.skipper.start(line, indent);
      return;
    }
    // A skipped line stays as an empty one, so that errors name the line they are on.
    if (indent > this.sequenceIndent) return void this.item.push(this.skipper.keep(line) ? raw : '');
    this.flushItem();
    this.leaveItems(raw, 'tail');
  }

  private leaveItems(raw: string, state: 'tail' | 'whole'): void {
    this.state = state;
    (state === 'tail' ? this.tail : this.head).push(raw);
  }

  private flushItem(): void {
    if (this.item.length === 0) return;
    const text = this.item.join('\n');
    this.item = [];
    const where = `${this.origin}: document ${this.document}, items[${this.itemCount++}]`;
    const plain = readListItem(text);
    if (plain !== undefined) return addItem(plain, where, this.items);
    const docs = parseYamlDocuments(text);
    const doc = docs[0];
    if (docs.length !== 1 || !doc || !('errors' in doc)) return void (this.unsupported = `${where}: not one document`);
    let value: unknown;
    try {
      value = documentValue(doc, where, this.items.problems, this.itemStart - 1, true);
    } catch (error) {
      if (error instanceof UnresolvedAlias) return void (this.unsupported = `${where}: ${error.message}`);
      throw error;
    }
    if (value === undefined) return;
    if (!Array.isArray(value) || value.length !== 1) return void (this.unsupported = `${where}: not one item`);
    addItem(value[0], where, this.items);
  }

  private jsonItemLine(raw: string, line: string): void {
    if (this.item.length > 0) {
      this.item.push(raw);
      // Inside an item only its closing line matters: `}` or `},` alone at the item's indent.
      const c = line.charCodeAt(spacesBefore(line));
      if (c !== 125 && c > 32 && c < 127) return;
      const indent = /^\s*/.exec(line)![0].length;
      const text = line.trim();
      if (indent === this.jsonItemIndent && (text === '}' || text === '},')) this.flushJsonItem();
      return;
    }
    const text = line.trim();
    const indent = /^\s*/.exec(line)![0].length;
    if (text === '') return;
    if (text === ']' || text === '],') return this.leaveItems(raw, 'tail');
    if (text !== '{' && !/^\{.*\},?$/.test(text))
      return void (this.unsupported = `line ${this.lineNo}: not a JSON object`);
    this.item = [raw];
    this.itemStart = this.lineNo;
    this.jsonItemIndent = indent;
    if (text !== '{') this.flushJsonItem();
  }

  /** A cut that is not the whole item does not parse: JSON.parse checks every cut. */
  private flushJsonItem(): void {
    this.item[this.item.length - 1] = this.item.at(-1)!.replace(/,(\s*)$/, '$1');
    const text = this.item.join('\n');
    this.item = [];
    const where = `${this.origin}: document ${this.document}, items[${this.itemCount++}]`;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return void (this.unsupported = `${where}: not JSON on its own`);
    }
    addItem(value, where, this.items);
  }

  private finishDocument(): void {
    if (this.state === 'items') this.flushItem();
    if (this.state === 'json-items' && this.item.length > 0)
      return void (this.unsupported = 'a JSON item is not closed');
    const text = [...this.head, ...this.tail].join('\n');
    const where = `${this.origin}: document ${this.document}`;
    if (this.itemCount === 0 || this.state === 'whole') {
      // One object in plain block YAML (a multi-document file's) is read without the yaml package.
      const plain = this.state === 'head' && this.jsonDepth === undefined ? readMappingDocument(text) : undefined;
      if (plain !== undefined) addDocument(plain, where, this.out);
      else if (text.trim() !== '')
        merge(this.out, parseManifests(text, this.origin, this.document, this.headStart - 1));
    } else {
      this.finishList(text, where);
    }
    this.head = [];
    this.tail = [];
    this.state = 'head';
    this.sequenceIndent = -1;
    this.items = emptyManifests();
    this.itemCount = 0;
    this.sawContent = false;
    this.jsonDepth = undefined;
    this.skipper.startDocument();
  }

  /** The List around the items: `items:` is empty (null) in its text, and its kind must say List. */
  private finishList(text: string, where: string): void {
    if (this.jsonDepth !== undefined) return this.finishJsonList(text, where);
    const docs = parseYamlDocuments(text);
    const doc = docs[0];
    if (docs.length !== 1 || !doc || !('errors' in doc)) return void (this.unsupported = `${where}: not one document`);
    const problems: string[] = [];
    let value: unknown;
    try {
      value = documentValue(doc, where, problems, this.headStart - 1, true);
    } catch (error) {
      if (error instanceof UnresolvedAlias) return void (this.unsupported = `${where}: ${error.message}`);
      throw error;
    }
    if (problems.length > 0) return void this.out.problems.push(...problems);
    if (!isList(value) || value['items'] !== null) return void (this.unsupported = `${where}: not a List`);
    this.out.gaps.push(...recordedGaps(value, where, this.out.problems));
    this.out.allPods ||= recordedAllPods(value);
    merge(this.out, this.items);
  }

  /** The JSON List around the items, whose `items` is empty in its text. */
  private finishJsonList(text: string, where: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return void (this.unsupported = `${where}: not JSON`);
    }
    if (!isList(value) || !Array.isArray(value['items']) || value['items'].length > 0)
      return void (this.unsupported = `${where}: not a List`);
    this.out.gaps.push(...recordedGaps(value, where, this.out.problems));
    this.out.allPods ||= recordedAllPods(value);
    merge(this.out, this.items);
  }
}

/** Bracket depth after a line of JSON (a string never spans lines in JSON). */
function jsonDepth(line: string, depth: number): number {
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return depth;
}

function isContent(line: string): boolean {
  const at = spacesBefore(line);
  const c = line.charCodeAt(at);
  // Past the spaces a visible ASCII character decides it; anything else as trimStart would.
  if (c > 32 && c < 127) return c !== 35;
  if (at === line.length) return false;
  const text = line.trimStart();
  return text !== '' && !text.startsWith('#');
}

/** `---`, `...` and directives start with one of these; most lines do not. */
function startsLikeMarker(line: string): boolean {
  const c = line.charCodeAt(0);
  return c === 45 || c === 46 || c === 37;
}

function merge(into: ParsedManifests, from: ParsedManifests): void {
  for (const o of from.objects) into.objects.push(o);
  for (const p of from.places) into.places.push(p);
  for (const g of from.gaps) into.gaps.push(g);
  into.allPods ||= from.allPods;
  for (const p of from.problems) into.problems.push(p);
}
