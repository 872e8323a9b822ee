/**
 * The bad inputs issue 15 names, for the corpus: broken files (null items, binary, UTF-16, alias
 * bombs, deep nesting, JSON syntax errors), broken objects (owner references without a name,
 * duplicates, unknown API versions, addresses that are not addresses) and broken flags.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { documents } from './bad-input.ts';

export interface NamedCase {
  name: string;
  text: string;
  /** The pod explain and allowlist ask about. */
  pod: { namespace: string; name: string };
  /** One command line instead of every command's. */
  args?: string[];
  /** The exit code it must give, when the issue says. */
  exit?: number;
}

const EXAMPLE = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'gke-cluster.yaml'), 'utf8');
const POD = { namespace: 'shop', name: 'web-7d4b9c5f6-x2x8q' };
interface ExampleObject {
  kind?: string;
  metadata?: Record<string, unknown>;
  [field: string]: unknown;
}
/** The example's nodes and pods, which the edits below reach into, have both. */
type EditedObject = ExampleObject & { metadata: Record<string, unknown>; status: Record<string, unknown> };
const objects = () => documents(EXAMPLE) as ExampleObject[];
const json = (items: unknown[]) => items.map((o) => JSON.stringify(o)).join('\n---\n');

/** The example with one object (found by kind and name) changed. */
function edited(kind: 'Node' | 'Pod', name: string, edit: (o: EditedObject) => void): string {
  const all = objects();
  const target = all.find((o) => o['kind'] === kind && o['metadata']?.['name'] === name);
  if (!target) throw new Error(`no ${kind} ${name} in the example`);
  edit(target as EditedObject);
  return json(all);
}

const aliasBomb = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...Array.from({ length: 9 }, (_, i) => {
    const prev = String.fromCharCode(97 + i);
    const next = String.fromCharCode(98 + i);
    return `${next}: &${next} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`;
  }),
].join('\n');

const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)).toString('utf8');

const CASES: Omit<NamedCase, 'pod'>[] = [
  { name: 'an empty input', text: '' },
  { name: 'a List with items: null', text: '{"apiVersion": "v1", "kind": "List", "items": null}' },
  {
    name: 'a List whose items are not objects',
    text: '{"apiVersion": "v1", "kind": "List", "items": [1, "two", null, []]}',
  },
  { name: 'a top-level scalar', text: '42' },
  { name: 'binary bytes', text: binary, exit: 3 },
  { name: 'UTF-16 text read as UTF-8', text: Buffer.from(`\ufeff${EXAMPLE}`, 'utf16le').toString('utf8'), exit: 3 },
  { name: 'a YAML alias bomb', text: aliasBomb, exit: 3 },
  { name: 'deeply nested YAML flow lists', text: `${'['.repeat(50_000)}${']'.repeat(50_000)}` },
  { name: 'deeply nested block maps', text: Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') },
  { name: 'a JSON syntax error', text: '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x",}', exit: 3 },
  { name: 'an unterminated JSON document', text: '{"apiVersion": "v1", "kind": "List", "items": [', exit: 3 },
  {
    name: 'ownerReferences without a name',
    text: edited(
      'Pod',
      POD.name,
      (p) => (p['metadata']['ownerReferences'] = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', controller: true }]),
    ),
  },
  { name: 'ownerReferences: null', text: edited('Pod', POD.name, (p) => (p['metadata']['ownerReferences'] = null)) },
  {
    name: 'an ownerReferences entry that is null',
    text: edited('Pod', POD.name, (p) => (p['metadata']['ownerReferences'] = [null])),
  },
  {
    name: 'a duplicate pod',
    text: `${EXAMPLE}\n---\n${JSON.stringify(objects().find((o) => o['metadata']?.['name'] === POD.name))}`,
  },
  {
    name: 'a duplicate node that differs',
    text: `${EXAMPLE}\n---\n${JSON.stringify({ ...objects().find((o) => o['kind'] === 'Node'), status: { addresses: [{ type: 'ExternalIP', address: '34.76.99.99' }] } })}`,
  },
  {
    name: 'a CiliumEgressGatewayPolicy of version cilium.io/v3',
    text: `${EXAMPLE}\n---\n${JSON.stringify({ apiVersion: 'cilium.io/v3', kind: 'CiliumEgressGatewayPolicy', metadata: { name: 'p' }, spec: { selectors: [{ podSelector: {} }], destinationCIDRs: ['0.0.0.0/0'], egressGateway: { nodeSelector: {}, egressIP: '34.1.1.1' } } })}`,
  },
  {
    name: 'a CiliumEgressGatewayPolicy of version v2alpha1',
    text: `${EXAMPLE}\n---\n${JSON.stringify({ apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumEgressGatewayPolicy', metadata: { name: 'p' }, spec: null })}`,
  },
  {
    name: 'a CiliumEgressGatewayPolicy with spec: null',
    text: `${EXAMPLE}\n---\n${JSON.stringify({ apiVersion: 'cilium.io/v2', kind: 'CiliumEgressGatewayPolicy', metadata: { name: 'p' }, spec: null })}`,
  },
  {
    name: 'a CiliumEgressGatewayPolicy with a bad CIDR and egressIP',
    text: `${EXAMPLE}\n---\n${JSON.stringify({ apiVersion: 'cilium.io/v2', kind: 'CiliumEgressGatewayPolicy', metadata: { name: 'p' }, spec: { selectors: [{ podSelector: {} }], destinationCIDRs: ['8.8.8.0/33'], egressGateway: { nodeSelector: {}, egressIP: 'banana' } } })}`,
  },
  {
    name: 'a node ExternalIP that is not an IP',
    text: edited(
      'Node',
      'gke-prod-pool-1-a1b2',
      (n) =>
        (n['status']['addresses'] = [
          { type: 'InternalIP', address: '10.128.0.5' },
          { type: 'ExternalIP', address: 'banana' },
        ]),
    ),
  },
  {
    name: 'a node InternalIP that is not an IP',
    text: edited(
      'Node',
      'gke-prod-pool-1-a1b2',
      (n) => (n['status']['addresses'] = [{ type: 'InternalIP', address: 'banana' }]),
    ),
  },
  {
    name: 'a pod IP that is not an IP',
    text: edited(
      'Pod',
      POD.name,
      (p) => (p['status'] = { phase: 'Running', podIP: 'banana', podIPs: [{ ip: 'banana' }] }),
    ),
  },
  {
    name: 'a node podCIDR that is not a CIDR',
    text: edited('Node', 'gke-prod-pool-1-a1b2', (n) => (n['spec'] = { podCIDR: '10.4.1.0/99', podCIDRs: ['banana'] })),
  },
];

const FLAG_CASES: Omit<NamedCase, 'pod' | 'text'>[] = [
  { name: '--to ""', args: ['who', '-A', '-f', '-', '--to', ''], exit: 2 },
  { name: '--to localhost', args: ['who', '-A', '-f', '-', '--to', 'localhost', '-o', 'json'] },
  { name: '--to 127.0.0.1', args: ['who', '-A', '-f', '-', '--to', '127.0.0.1', '-o', 'json'] },
  { name: '--to a name no resolver knows', args: ['who', '-A', '-f', '-', '--to', 'nowhere.invalid'] },
  {
    name: '--nat-ip of the wrong family',
    args: ['who', '-A', '-f', '-', '--to', '8.8.8.8', '--nat-ip', '2001:db8::1', '-o', 'json'],
  },
  {
    name: '--nat-ip that is not an IP',
    args: ['who', '-A', '-f', '-', '--to', '8.8.8.8', '--nat-ip', 'banana'],
    exit: 2,
  },
  {
    name: 'allowlist with --to before the target',
    args: ['allowlist', '--to', '8.8.8.8', 'deployment/web', '-n', 'shop', '-f', '-'],
  },
  {
    name: '--request-timeout that is not a duration',
    args: ['who', '-A', '-f', '-', '--request-timeout', 'abc'],
    exit: 2,
  },
  { name: '--chunk-size below zero', args: ['who', '-A', '-f', '-', '--chunk-size', '-5'] },
  { name: 'a selector that does not parse', args: ['who', '-A', '-f', '-', '-l', 'app in ('], exit: 2 },
  { name: 'an unknown output format', args: ['who', '-A', '-f', '-', '-o', 'bogus'], exit: 2 },
  { name: 'an unknown datapath', args: ['who', '-A', '-f', '-', '--datapath', 'bogus'], exit: 2 },
  { name: '--vpc-cidr that is not a CIDR', args: ['who', '-A', '-f', '-', '--vpc-cidr', 'banana'], exit: 2 },
  { name: 'an unknown --by', args: ['who', '-A', '-f', '-', '--by', 'bogus'], exit: 2 },
  { name: 'an unknown --fail-on', args: ['lint', '-A', '-f', '-', '--fail-on', 'bogus'], exit: 2 },
  { name: 'explain without a target', args: ['explain', '-n', 'shop', '-f', '-', '--to', '8.8.8.8'], exit: 2 },
  {
    name: 'a target of an unknown kind',
    args: ['explain', 'bogus/web', '-n', 'shop', '-f', '-', '--to', '8.8.8.8'],
    exit: 2,
  },
  {
    name: 'a target with an empty name',
    args: ['allowlist', 'deployment/', '-n', 'shop', '-f', '-', '--to', '8.8.8.8'],
    exit: 2,
  },
  {
    name: 'a target that does not exist',
    args: ['explain', 'deployment/nothing', '-n', 'shop', '-f', '-', '--to', '8.8.8.8'],
  },
  { name: 'a namespace that does not exist', args: ['who', '-n', 'nothing', '-f', '-', '--to', '8.8.8.8'] },
  { name: 'an unknown flag', args: ['who', '-A', '-f', '-', '--bogus'], exit: 2 },
  { name: '-f - twice', args: ['who', '-A', '-f', '-', '-f', '-', '--to', '8.8.8.8'] },
];

export const NAMED_CASES: NamedCase[] = [
  ...CASES.map((c) => ({ ...c, pod: POD })),
  ...FLAG_CASES.map((c) => ({ ...c, text: EXAMPLE, pod: POD })),
];
