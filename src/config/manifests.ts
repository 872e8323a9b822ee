/**
 * Text of a `-f` file → Kubernetes objects: a single object, a `kind: List` (or any `*List` with
 * `items`, as `kubectl get -o yaml` writes), multi-document YAML, or JSON. Problems come back as
 * data, one line each, naming the file and the document. Each object is cut to the fields the tool
 * reads (readFields) as soon as it is found, as the live reader does. manifest-stream.ts reads
 * large files the same way without holding their text or syntax tree.
 */
import { parseAllDocuments, type Document } from 'yaml';
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject } from '../model/objects.ts';
import { getRecord, isRecord } from './objects.ts';
import { readFields } from './snapshot-file.ts';

/** `kubectl egress snapshot` records what the live read could not see here, on the List. */
export const GAPS_ANNOTATION = 'kubectl-egress.io/read-gaps';
/** On a snapshot of every pod of the cluster: an address none of its pods has is no pod's (egress policy peers). */
export const ALL_PODS_ANNOTATION = 'kubectl-egress.io/all-pods';

/** Deeper values are refused: no Kubernetes object nests this deep, and walking them overflows the stack. */
export const MAX_DEPTH = 512;

export interface ParsedManifests {
  objects: KubeObject[];
  /** Where each object is ("FILE: document 2, items[3]"), beside it in `objects`. */
  places: string[];
  gaps: ReadGap[];
  /** A List in it says it holds every pod of the cluster (ALL_PODS_ANNOTATION). */
  allPods: boolean;
  problems: string[];
}

export function emptyManifests(): ParsedManifests {
  return { objects: [], places: [], gaps: [], allPods: false, problems: [] };
}

/**
 * The documents of `text`, numbered from `first`; `lineOffset` lines came before it in its file
 * (manifest-stream.ts parses a large file a document or list item at a time).
 */
export function parseManifests(text: string, origin: string, first = 1, lineOffset = 0): ParsedManifests {
  // kubectl decodes a document that starts with `{` as JSON; its errors are JSON errors.
  if (/^\s*\{/.test(text)) {
    const json = parseJson(text);
    if (json.ok) {
      const out = emptyManifests();
      addDocument(json.value, `${origin}: document ${first}`, out);
      return out;
    }
    const yaml = parseYaml(text, origin, first, lineOffset);
    return yaml.problems.length === 0
      ? yaml
      : { ...emptyManifests(), problems: [`${origin}: document ${first}: invalid JSON: ${json.error}`] };
  }
  return parseYaml(text, origin, first, lineOffset);
}

function parseYaml(text: string, origin: string, first: number, lineOffset: number): ParsedManifests {
  const out = emptyManifests();
  parseYamlDocuments(text).forEach((doc, i) => {
    if (!('errors' in doc)) return;
    const where = `${origin}: document ${first + i}`;
    const value = documentValue(doc, where, out.problems, lineOffset);
    if (value !== undefined) addDocument(value, where, out);
  });
  return out;
}

export function parseYamlDocuments(text: string) {
  return parseAllDocuments(text, { uniqueKeys: false });
}

/** Thrown by documentValue when asked to: an alias whose anchor is outside the text parsed. */
export class UnresolvedAlias extends Error {}

/** The document's value; undefined (with a problem) when it has errors, and for an empty document. */
export function documentValue(
  doc: Document.Parsed,
  where: string,
  problems: string[],
  lineOffset = 0,
  aliasesMayBeOutside = false,
): unknown {
  if (doc.errors.length > 0)
    return void problems.push(
      `${where}: invalid YAML: ${yamlErrorText(doc.errors[0]!.message.split('\n')[0]!, lineOffset)}`,
    );
  try {
    const value: unknown = doc.toJS();
    return value === null ? undefined : value;
  } catch (error) {
    const message = (error as Error).message;
    if (aliasesMayBeOutside && message.startsWith('Unresolved alias')) throw new UnresolvedAlias(message);
    // yaml's maxAliasCount (100) stops "billion laughs" alias bombs here.
    problems.push(
      `${where}: ${/alias count/i.test(message) ? 'too many YAML aliases (more than 100 expansions): an alias bomb?' : `invalid YAML: ${yamlErrorText(message, lineOffset)}`}`,
    );
    return undefined;
  }
}

function yamlErrorText(message: string, lineOffset: number): string {
  return message
    .replace(/^Maximum call stack size exceeded/, `values nested too deeply (more than ${MAX_DEPTH} levels)`)
    .replace(/ at line (\d+), column/, (_, line: string) => ` at line ${Number(line) + lineOffset}, column`);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** A whole document's value: a List's items, or one object. */
export function addDocument(value: unknown, where: string, out: ParsedManifests): void {
  out.gaps.push(...recordedGaps(value, where, out.problems));
  out.allPods ||= recordedAllPods(value);
  if (isList(value)) {
    const items = value['items'];
    if (!Array.isArray(items))
      return void out.problems.push(
        `${where}: ${String(value['kind'])} items must be a list, got ${items === null ? 'null' : typeof items}`,
      );
    items.forEach((item, j) => addItem(item, `${where}, items[${j}]`, out));
    return;
  }
  addItem(value, where, out);
}

/** A `*List` holds its objects in `items` (kubectl get -o yaml writes PodList, List, …). */
export function isList(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && typeof value['kind'] === 'string' && value['kind'].endsWith('List') && 'items' in value;
}

/** One object (a List inside a List is read as its items). */
export function addItem(value: unknown, where: string, out: ParsedManifests): void {
  if (isList(value)) return addDocument(value, where, out);
  if (!isRecord(value))
    return void out.problems.push(
      `${where}: expected a Kubernetes object, got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}`,
    );
  const problem = objectProblem(value);
  if (problem) return void out.problems.push(`${where}: ${problem}`);
  const object = readFields(value as KubeObject);
  // Checked on the cut object: the fields dropped are never walked.
  if (tooDeep(object))
    return void out.problems.push(
      `${where}: ${object.kind} ${object.metadata.name}: values nested too deeply (more than ${MAX_DEPTH} levels)`,
    );
  out.objects.push(object);
  out.places.push(where);
}

export function recordedAllPods(value: unknown): boolean {
  return getRecord(value, 'metadata', 'annotations')?.[ALL_PODS_ANNOTATION] === 'true';
}

export function recordedGaps(value: unknown, where: string, problems: string[]): ReadGap[] {
  const text = getRecord(value, 'metadata', 'annotations')?.[GAPS_ANNOTATION];
  if (typeof text !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (
      Array.isArray(parsed) &&
      parsed.every(
        (g) =>
          isRecord(g) &&
          typeof g['resource'] === 'string' &&
          ['forbidden', 'not-served', 'unknown-version'].includes(g['reason'] as string),
      )
    ) {
      return parsed as ReadGap[];
    }
  } catch {
    // reported below
  }
  problems.push(`${where}: annotation ${GAPS_ANNOTATION} is not a list of read gaps`);
  return [];
}

function objectProblem(value: Record<string, unknown>): string | undefined {
  const kind = typeof value['kind'] === 'string' && value['kind'] ? value['kind'] : undefined;
  const label = kind ?? 'object';
  if (!kind) return 'object is missing kind';
  if (typeof value['apiVersion'] !== 'string' || !value['apiVersion']) return `${label} is missing apiVersion`;
  const metadata = getRecord(value, 'metadata');
  if (!metadata || typeof metadata['name'] !== 'string' || !metadata['name'])
    return `${label} is missing metadata.name`;
  if (
    kind === 'ConfigMap' &&
    isRecord(value['data']) &&
    Object.values(value['data']).some((v) => typeof v !== 'string')
  ) {
    return `ConfigMap ${metadata['name']}: data values must be strings (quote them)`;
  }
  return undefined;
}

/** Iterative, so that checking depth cannot itself overflow the stack. */
function tooDeep(root: unknown): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [value, depth] = next;
    if (depth > MAX_DEPTH) return true;
    if (value !== null && typeof value === 'object')
      for (const child of Object.values(value))
        if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
