/**
 * The API versions the readers in config/ are written for, by kind. An object of one of these
 * kinds at another version (`cilium.io/v3`, `apps/v1beta2`, `crd.projectcalico.org/v2`) is never
 * read as a known one: its fields may mean something else or be elsewhere. ObjectIndex sets it
 * aside, the snapshot warns about it, and the mechanisms it could matter to answer `unknown`.
 */
import type { ReadGap } from '../model/gaps.ts';
import type { DatapathRegistry } from './datapath.ts';
import type { ResourceSpec } from '../model/resources.ts';
import { resourceName } from '../model/resources.ts';
import { unreadable } from './gaps.ts';
import type { ObjectIndex } from './objects.ts';
import { POLICY_RESOURCES } from './policy-resources.ts';
import { SERVICE_CIDRS } from './service-cidrs.ts';

/** The built-in resources cluster/resources.ts lists, at the versions it reads them (a test keeps the two equal). */
export const BUILTIN_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  Node: ['v1'],
  Namespace: ['v1'],
  Pod: ['v1'],
  ConfigMap: ['v1'],
  DaemonSet: ['apps/v1'],
  ReplicaSet: ['apps/v1'],
  Job: ['batch/v1'],
  Service: ['v1'],
  EndpointSlice: ['discovery.k8s.io/v1'],
};

export type KnownVersions = ReadonlyMap<string, ReadonlySet<string>>;

/** apiVersions by kind: the built-ins, every custom resource a mechanism reads (its Detection's `reads`), the policy resources and ServiceCIDRs. */
export function knownVersions(registry: DatapathRegistry): KnownVersions {
  const known = new Map<string, Set<string>>(
    Object.entries(BUILTIN_VERSIONS).map(([kind, versions]) => [kind, new Set(versions)]),
  );
  const read = [
    ...registry.detections.flatMap(({ detection }) => detection.reads?.resources ?? []),
    ...POLICY_RESOURCES,
    SERVICE_CIDRS,
  ];
  for (const spec of read) {
    const versions = known.get(spec.kind) ?? new Set<string>();
    for (const version of spec.versions) versions.add(spec.group ? `${spec.group}/${version}` : version);
    known.set(spec.kind, versions);
  }
  return known;
}

/**
 * The gap an object of an unknown version leaves in `resource` (a -f file can hold one beside
 * objects the tool reads): what it says is unknown, so the resource counts as unreadable, like a
 * live read of a resource served only at a version the tool does not know.
 */
export function versionGap(index: ObjectIndex, kind: string, plural: string): ReadGap | undefined {
  const obj = index.unknownVersions(kind)[0];
  if (!obj) return undefined;
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.slice(0, obj.apiVersion.indexOf('/')) : '';
  const resource = group ? `${plural}.${group}` : plural;
  const object = `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
  return { resource, reason: 'unknown-version', served: obj.apiVersion, object };
}

/** The gap that keeps the objects of `spec` from being known: its read refused or served at an unknown version, or an input object of one. */
export function specGap(index: ObjectIndex, gaps: readonly ReadGap[], spec: ResourceSpec): ReadGap | undefined {
  return unreadable(gaps, resourceName(spec)) ?? versionGap(index, spec.kind, spec.plural);
}
