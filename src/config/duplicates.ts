/**
 * The same object twice in `-f` input (same API group, kind, namespace and name; across files or
 * inside one List). Reading the last one silently would make the answer depend on the order of
 * the files, so:
 * - copies that agree on every field the tool reads (readFields) are read once, with a warning:
 *   concatenated dumps overlap all the time (`kubectl get -A` plus a namespace's dump, two
 *   snapshots), and then either copy gives the same answer;
 * - copies that differ there are an input error naming both places: which one is true decides the
 *   answer, the tool cannot know, and guessing would be a silently wrong answer.
 * Versions of one group are the same object (the API server serves one object at every version).
 */
import type { KubeObject } from '../model/objects.ts';
import { isRecord } from './objects.ts';
import { readFields } from './snapshot-file.ts';

export interface Deduplicated {
  objects: KubeObject[];
  warnings: string[];
  problems: string[];
}

export function deduplicate(objects: readonly KubeObject[], places: readonly string[]): Deduplicated {
  const first = new Map<string, number>();
  const out: Deduplicated = { objects: [], warnings: [], problems: [] };
  objects.forEach((obj, i) => {
    const key = identity(obj);
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, i);
      out.objects.push(obj);
      return;
    }
    const name = `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
    if (sameForTheTool(objects[earlier]!, obj))
      out.warnings.push(
        `${places[i]}: ${name} repeats ${places[earlier]} (the same in every field kubectl egress reads); reading it once`,
      );
    else
      out.problems.push(
        `${places[i]}: ${name} is also at ${places[earlier]}, with different content; remove one of them (which one is true decides the answer)`,
      );
  });
  return out;
}

function identity(obj: KubeObject): string {
  const slash = obj.apiVersion.indexOf('/');
  const group = slash === -1 ? '' : obj.apiVersion.slice(0, slash);
  return JSON.stringify([group, obj.kind, obj.metadata.namespace ?? '', obj.metadata.name]);
}

function sameForTheTool(a: KubeObject, b: KubeObject): boolean {
  return canonical(readFields(a)) === canonical(readFields(b));
}

/** JSON with keys sorted: a YAML dump and a JSON dump of one object order keys differently. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
