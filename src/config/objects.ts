/**
 * Defensive readers over raw Kubernetes objects. Input files are hand-written as often as they are
 * dumped, so every field is optional until proven otherwise.
 */
import { KIND_ALIASES } from './policy-resources.ts';
import type { KubeObject, ObjectRef } from '../model/objects.ts';

export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `get(obj, 'spec', 'template', 'spec')` → the nested record, or undefined. */
export function getRecord(value: unknown, ...path: string[]): Json | undefined {
  let current: unknown = value;
  for (const key of path) current = isRecord(current) ? current[key] : undefined;
  return isRecord(current) ? current : undefined;
}

export function getArray(value: unknown, ...path: string[]): unknown[] {
  const parent = path.length > 1 ? getRecord(value, ...path.slice(0, -1)) : value;
  const found = isRecord(parent) ? parent[path[path.length - 1]!] : undefined;
  return Array.isArray(found) ? found : [];
}

export function getString(value: unknown, key: string): string | undefined {
  const found = isRecord(value) ? value[key] : undefined;
  return typeof found === 'string' ? found : undefined;
}

/** The string values of a record (labels, annotations): one pass, for every node and pod read. */
export function stringMap(value: unknown): Record<string, string> {
  const map: Record<string, string> = {};
  if (!isRecord(value)) return map;
  for (const key of Object.keys(value)) {
    const found = value[key];
    if (typeof found !== 'string') continue;
    // Assigning "__proto__" would set the prototype, not a key.
    if (key === '__proto__')
      Object.defineProperty(map, key, { value: found, enumerable: true, writable: true, configurable: true });
    else map[key] = found;
  }
  return map;
}

export function refOf(obj: KubeObject, key?: string): ObjectRef {
  const ref: ObjectRef = { kind: obj.kind, name: obj.metadata.name };
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  if (key !== undefined) ref.key = key;
  return ref;
}

/**
 * Objects by kind, with later duplicates (same kind/namespace/name) replacing earlier ones.
 * Everything config/ learns from the objects comes through here, which is what lets `snapshot`
 * keep exactly the objects a run consulted (`recording`): a reader given only those gets the same
 * answer to every call, so it decides the same.
 */
export class ObjectIndex {
  private readonly byKind = new Map<string, Map<string, KubeObject>>();
  private readonly labelSets = new Map<string, Record<string, string>>();
  private readonly seen: Set<KubeObject> | undefined;
  private readonly otherVersions: KubeObject[] = [];

  /**
   * versions: the apiVersions each kind is read at (config/api-versions.ts); an object of such a
   * kind at another version is kept apart, for `unknownVersions`, and never returned as that kind.
   */
  constructor(
    objects: readonly KubeObject[],
    options: { recording?: boolean; versions?: ReadonlyMap<string, ReadonlySet<string>> } = {},
  ) {
    this.seen = options.recording ? new Set() : undefined;
    for (const obj of objects) {
      const indexed = indexKind(obj);
      if (options.versions?.get(indexed)?.has(obj.apiVersion) === false) {
        this.otherVersions.push(obj);
        continue;
      }
      const kind = this.byKind.get(indexed) ?? new Map<string, KubeObject>();
      kind.set(keyOf(obj.metadata.namespace, obj.metadata.name), obj);
      this.byKind.set(indexed, kind);
    }
  }

  /** Every object of the kind: each of them may decide the answer. */
  all(kind: string): KubeObject[] {
    return this.consult([...(this.byKind.get(kind)?.values() ?? [])]);
  }

  /**
   * The objects of the kind that `is` accepts, in order. `is` must look at the object alone: then
   * the objects it refuses cannot change the answer, and a snapshot need not keep them.
   */
  where(kind: string, is: (obj: KubeObject) => boolean): KubeObject[] {
    return this.consult([...(this.byKind.get(kind)?.values() ?? [])].filter(is));
  }

  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.byKind.get(kind)?.get(keyOf(namespace, name));
    if (found) this.seen?.add(found);
    return found;
  }

  /** The objects of a known kind at a version the tool does not read (of one kind, or of all). */
  unknownVersions(kind?: string): KubeObject[] {
    return this.consult(this.otherVersions.filter((o) => kind === undefined || indexKind(o) === kind));
  }

  /** The objects read so far, when recording. */
  consulted(): Set<KubeObject> {
    return new Set(this.seen);
  }

  private consult(objects: KubeObject[]): KubeObject[] {
    if (this.seen) for (const obj of objects) this.seen.add(obj);
    return objects;
  }

  /**
   * One object per distinct label map: the pods of a workload carry the same labels, so a cluster
   * of 150,000 pods holds a few thousand maps, and work per label set is done once per set.
   */
  sharedLabels(labels: Record<string, string>): Record<string, string> {
    const key = JSON.stringify(labels);
    const found = this.labelSets.get(key);
    if (found) return found;
    this.labelSets.set(key, labels);
    return labels;
  }
}

/** The kind an object is indexed under: its own, or the alias of a custom kind named like a built-in (policy-resources.ts). */
export function indexKind(obj: KubeObject): string {
  const slash = obj.apiVersion.lastIndexOf('/');
  if (slash < 0) return obj.kind;
  return KIND_ALIASES[`${obj.apiVersion.slice(0, slash)}/${obj.kind}`] ?? obj.kind;
}

/** An object's key in the index: its namespace and name (one object per key and kind). */
export function keyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}
