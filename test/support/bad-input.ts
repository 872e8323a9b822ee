/**
 * The bad-input corpus: malformed variants of every object kind the tool reads, made mechanically
 * from valid scenario folders (each field removed, set to null, given the wrong type, emptied,
 * made huge, given invalid address text or odd unicode), and `main()` run in-process on them with
 * an injected Io whose resolver never asks DNS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { main } from '../../src/cli/entry/main.ts';
import type { Io } from '../../src/cli/io.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const ROOT = join(import.meta.dirname, '..', '..');

/** A valid cluster, one object of which the variants break. */
export interface Base {
  /** apiVersion and kind of the object broken. */
  kind: string;
  objects: JsonObject[];
  index: number;
  /** A pod for explain and allowlist. */
  pod: { namespace: string; name: string };
}

export function documents(text: string): JsonObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as JsonObject | null)
    .filter((o): o is JsonObject => o !== null)
    .flatMap((o) => (Array.isArray(o['items']) ? (o['items'] as JsonObject[]) : [o]));
}

const scenario = (name: string) =>
  documents(readFileSync(join(ROOT, 'test', 'scenarios', name, 'objects.yaml'), 'utf8'));

/** The GKE example, with the Deployment's ReplicaSet and a CronJob's Job and pod, so owners are read too. */
function withOwners(): JsonObject[] {
  const objects = documents(readFileSync(join(ROOT, 'examples', 'gke-cluster.yaml'), 'utf8'));
  const owner = (kind: string, name: string) => [
    { apiVersion: kind === 'Deployment' ? 'apps/v1' : 'batch/v1', kind, name, controller: true },
  ];
  return [
    ...objects,
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-7d4b9c5f6', namespace: 'shop', ownerReferences: owner('Deployment', 'web') },
      spec: { replicas: 2 },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'report-28000000', namespace: 'shop', ownerReferences: owner('CronJob', 'report') },
      spec: {},
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'report-28000000-abcde', namespace: 'shop', ownerReferences: owner('Job', 'report-28000000') },
      spec: { nodeName: 'gke-prod-pool-1-a1b2' },
      status: { phase: 'Running', podIP: '10.4.1.9', podIPs: [{ ip: '10.4.1.9' }] },
    },
  ];
}

/** For each kind, the scenario folder whose first object of that kind is broken. */
const SOURCES: [kind: string, objects: () => JsonObject[]][] = [
  ['v1 Node', withOwners],
  ['v1 Pod', withOwners],
  ['v1 Namespace', () => scenario('allowlist-scheduling')],
  ['v1 ConfigMap', withOwners],
  ['apps/v1 DaemonSet', withOwners],
  ['apps/v1 ReplicaSet', withOwners],
  ['batch/v1 Job', withOwners],
  ['v1 ConfigMap', () => scenario('cilium-e01-interface-policy')],
  ['cilium.io/v2 CiliumNode', () => scenario('cilium-e01-interface-policy')],
  ['cilium.io/v2 CiliumEgressGatewayPolicy', () => scenario('cilium-e01-interface-policy')],
  ['cilium.io/v2 CiliumEndpoint', () => scenario('cilium-e09-multi-gateway')],
  ['crd.projectcalico.org/v1 IPPool', () => scenario('calico-disabled-pool')],
  ['crd.projectcalico.org/v1 FelixConfiguration', () => scenario('calico-disabled-pool')],
  ['projectcalico.org/v3 EgressGatewayPolicy', () => scenario('calico-egress-gateway-policy')],
  ['projectcalico.org/v3 IPPool', () => scenario('calico-no-nat-outgoing')],
  ['networking.gke.io/v1 EgressNATPolicy', () => scenario('gke-dataplane-v2-egress-nat-policy')],
  ['crd.projectcalico.org/v1 NetworkPolicy', () => scenario('calico-tier-pass')],
  ['crd.projectcalico.org/v1 GlobalNetworkPolicy', () => scenario('calico-tier-pass')],
  ['crd.projectcalico.org/v1 Tier', () => scenario('calico-tier-pass')],
];

export function bases(): Base[] {
  return SOURCES.map(([kind, load]) => {
    const objects = load();
    const index = objects.findIndex((o) => `${String(o['apiVersion'])} ${String(o['kind'])}` === kind);
    if (index < 0) throw new Error(`no ${kind} in its source`);
    const pod = objects.find((o) => o['kind'] === 'Pod')!['metadata'] as { namespace?: string; name: string };
    return { kind, objects, index, pod: { namespace: pod.namespace ?? 'default', name: pod.name } };
  });
}

/** One way to break a value; `undefined` from `apply` removes the field. */
interface Breakage {
  name: string;
  applies: (value: Json) => boolean;
  apply: (value: Json) => Json | undefined;
}

const isString = (v: Json) => typeof v === 'string';
const BREAKAGES: Breakage[] = [
  { name: 'removed', applies: () => true, apply: () => undefined },
  { name: 'null', applies: (v) => v !== null, apply: () => null },
  { name: 'a number', applies: (v) => typeof v !== 'number', apply: () => 42 },
  { name: 'a string', applies: (v) => !isString(v), apply: () => 'corpus' },
  { name: 'a list', applies: (v) => !Array.isArray(v), apply: (v) => [v] },
  {
    name: 'a map',
    applies: (v) => typeof v !== 'object' || v === null || Array.isArray(v),
    apply: (v) => ({ value: v }),
  },
  { name: 'a boolean', applies: (v) => typeof v !== 'boolean', apply: () => true },
  {
    name: 'empty',
    applies: (v) =>
      (isString(v) && v !== '') ||
      (Array.isArray(v) && v.length > 0) ||
      (typeof v === 'object' && v !== null && Object.keys(v).length > 0),
    apply: (v) => (isString(v) ? '' : Array.isArray(v) ? [] : {}),
  },
  {
    name: 'huge',
    applies: (v) => isString(v) || Array.isArray(v),
    apply: (v) =>
      isString(v)
        ? v.repeat(Math.ceil(20_000 / Math.max(1, v.length)))
        : Array.from({ length: 2000 }, () => (v as Json[])[0] ?? null),
  },
  { name: 'invalid address text', applies: isString, apply: () => 'banana' },
  { name: 'an out-of-range CIDR', applies: isString, apply: () => '999.10.0.0/33' },
  { name: 'odd unicode', applies: isString, apply: (v) => `${String(v)}\u202e\u0000ü😀\ud800` },
];

type Path = (string | number)[];

/** Every field and list element under the object, to `depth` levels (the first element of lists). */
function paths(value: Json, depth: number, prefix: Path = []): Path[] {
  if (depth === 0 || value === null || typeof value !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(value)
    ? value.length > 0
      ? [[0, value[0]!]]
      : []
    : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...paths(child, depth - 1, [...prefix, key])]);
}

function at(value: Json, path: Path): Json {
  return path.reduce<Json>((v, key) => (v as Record<string | number, Json>)[key]!, value);
}

function replaced(value: Json, path: Path, next: Json | undefined): Json {
  const copy = structuredClone(value);
  const parent = at(copy, path.slice(0, -1)) as Record<string | number, Json> | Json[];
  const key = path[path.length - 1]!;
  if (next !== undefined) (parent as Record<string | number, Json>)[key] = next;
  else if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete parent[key];
  return copy;
}

/** Every breakage of every field of a plain value (a kubeconfig), each as the broken copy. */
export function brokenCopies(value: JsonObject, depth: number): { name: string; value: JsonObject }[] {
  return paths(value, depth).flatMap((path) => {
    const original = at(value, path);
    return BREAKAGES.filter((b) => b.applies(original)).map((b) => ({
      name: `${path.join('.')} ${b.name}`,
      value: replaced(value, path, b.apply(original)) as JsonObject,
    }));
  });
}

export interface Variant {
  name: string;
  base: Base;
  text: string;
}

/**
 * The object's variants: every breakage of every field when `full`, else each field broken in
 * `perField` ways, rotating through the breakages so that each is used (the quick run).
 */
export function variants(base: Base, options: { full: boolean; perField: number }): Variant[] {
  const object = base.objects[base.index]!;
  const out: Variant[] = [];
  paths(object, 6).forEach((path, i) => {
    const original = at(object, path);
    const fitting = BREAKAGES.filter((b) => b.applies(original));
    const chosen = options.full
      ? fitting
      : Array.from(
          { length: Math.min(options.perField, fitting.length) },
          (_, k) => fitting[(i + k) % fitting.length]!,
        );
    for (const breakage of chosen) {
      const broken = replaced(object, path, breakage.apply(original)) as JsonObject;
      const objects = base.objects.map((o, j) => (j === base.index ? broken : o));
      out.push({
        name: `${base.kind} ${path.join('.')} ${breakage.name}`,
        base,
        text: objects.map((o) => JSON.stringify(o)).join('\n---\n'),
      });
    }
  });
  return out;
}

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A resolver that knows only localhost, as /etc/hosts does: tests never ask DNS. */
const hostsOnly = async (hostname: string): Promise<string[]> => {
  if (hostname === 'localhost') return ['127.0.0.1', '::1'];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

/** main() with its streams captured and an injected resolver. */
export async function runInProcess(
  args: string[],
  stdin: string,
  lookup: Io['lookup'] = hostsOnly,
): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    lookup,
    readStdin: async () => stdin,
    signal: new AbortController().signal,
    hold: () => () => undefined,
    stderrIsTTY: false,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** The commands that take -f, as a user would run them on the base's cluster. */
export function commandLines(pod: { namespace: string; name: string }): [string, string[]][] {
  return [
    ['who', ['who', '-A', '-f', '-', '--to', '8.8.8.8', '--to', '10.0.0.1', '-o', 'json']],
    ['explain', ['explain', pod.name, '-n', pod.namespace, '-f', '-', '--to', '8.8.8.8']],
    ['allowlist', ['allowlist', pod.name, '-n', pod.namespace, '-f', '-', '--to', '8.8.8.8']],
    ['lint', ['lint', '-A', '-f', '-']],
    ['snapshot', ['snapshot', '-A', '-f', '-']],
  ];
}

/** What a run must never show: an internal error, or a JavaScript stack frame. */
export const STACK_FRAME = /^\s*at .*(\(.*:\d+:\d+\)|:\d+:\d+)$/m;
