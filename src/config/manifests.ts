/**
 * Text of a `-f` file → Kubernetes objects: a single object, a `kind: List` (or any `*List` with
 * `items`, as `kubectl get -o yaml` writes), multi-document YAML, or JSON. Problems come back as
 * data, one line each, naming the file and the document.
 */
import { parseAllDocuments } from 'yaml';
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject } from '../model/objects.ts';
import { getRecord, isRecord } from './objects.ts';

/** `kubectl egress snapshot` records what the live read could not see here, on the List. */
export const GAPS_ANNOTATION = 'kubectl-egress.io/read-gaps';

export interface ParsedManifests {
  objects: KubeObject[];
  /** Where each object is ("FILE: document 2, items[3]"), beside it in `objects`. */
  places: string[];
  gaps: ReadGap[];
  problems: string[];
}

export function parseManifests(text: string, origin: string): ParsedManifests {
  const objects: KubeObject[] = [];
  const places: string[] = [];
  const gaps: ReadGap[] = [];
  const problems: string[] = [];
  parseAllDocuments(text, { uniqueKeys: false }).forEach((doc, i) => {
    const where = `${origin}: document ${i + 1}`;
    if (!('errors' in doc)) return;
    if (doc.errors.length > 0) return void problems.push(`${where}: invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    const recorded = recordedGaps(value, where, problems);
    gaps.push(...recorded);
    collect(value, where, { objects, places }, problems);
  });
  return { objects, places, gaps, problems };
}

function recordedGaps(value: unknown, where: string, problems: string[]): ReadGap[] {
  const text = getRecord(value, 'metadata', 'annotations')?.[GAPS_ANNOTATION];
  if (typeof text !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((g) => isRecord(g) && typeof g['resource'] === 'string' && ['forbidden', 'not-served', 'unknown-version'].includes(g['reason'] as string))) {
      return parsed as ReadGap[];
    }
  } catch {
    // reported below
  }
  problems.push(`${where}: annotation ${GAPS_ANNOTATION} is not a list of read gaps`);
  return [];
}

function collect(value: unknown, where: string, found: { objects: KubeObject[]; places: string[] }, problems: string[]): void {
  if (!isRecord(value)) return void problems.push(`${where}: expected a Kubernetes object, got ${Array.isArray(value) ? 'a list' : typeof value}`);
  const kind = value['kind'];
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value['items'])) {
    value['items'].forEach((item, j) => collect(item, `${where}, items[${j}]`, found, problems));
    return;
  }
  const problem = objectProblem(value);
  if (problem) return void problems.push(`${where}: ${problem}`);
  found.objects.push(value as KubeObject);
  found.places.push(where);
}

function objectProblem(value: Record<string, unknown>): string | undefined {
  const kind = typeof value['kind'] === 'string' && value['kind'] ? value['kind'] : undefined;
  const label = kind ?? 'object';
  if (!kind) return 'object is missing kind';
  if (typeof value['apiVersion'] !== 'string' || !value['apiVersion']) return `${label} is missing apiVersion`;
  const metadata = getRecord(value, 'metadata');
  if (!metadata || typeof metadata['name'] !== 'string' || !metadata['name']) return `${label} is missing metadata.name`;
  if (kind === 'ConfigMap' && isRecord(value['data']) && Object.values(value['data']).some((v) => typeof v !== 'string')) {
    return `ConfigMap ${metadata['name']}: data values must be strings (quote them)`;
  }
  return undefined;
}
