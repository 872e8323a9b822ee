/**
 * Replayed steps (engine/replay.ts) must not change a single answer: for every scenario folder,
 * predict — which shares step results between pods — gives exactly the decisions, traces included,
 * that running the whole pipeline for each pod and destination on its own gives.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseManifests } from '../../../src/config/manifests.ts';
import type { DatapathName } from '../../../src/config/datapath.ts';
import { buildSnapshot } from '../../../src/config/snapshot.ts';
import type { Destination, Query } from '../../../src/model/decision.ts';
import type { KubeObject } from '../../../src/model/objects.ts';
import { parseDestination } from '../../../src/config/destinations.ts';
import { runPipeline } from '../../../src/engine/pipeline.ts';
import { predict } from '../../../src/engine/predict.ts';
import { selectPods } from '../../../src/engine/select.ts';

const SCENARIOS = join(import.meta.dirname, '..', '..', 'scenarios');
/** Public, private, link-local, metadata and TEST-NET addresses, an IPv6 one and wide ranges. */
const FIXED = ['8.8.8.8', '169.254.169.254', '10.0.0.1', '10.0.0.0/8', '172.16.5.5', '192.168.1.1', '203.0.113.10', '198.51.100.7', '0.0.0.0/0', '2001:4860:4860::8888'];

interface Flags { natIP?: string; noDefaultSnat?: boolean; vpcCIDRs?: string[]; datapath?: string }

function scenario(name: string) {
  const dir = join(SCENARIOS, name);
  const parsed = parseManifests(readFileSync(join(dir, 'objects.yaml'), 'utf8'), name);
  const { gaps } = parsed;
  const objects = [...parsed.objects, ...parsed.objects.flatMap((o, i) => (o.kind === 'Pod' ? [sibling(o, i)] : []))];
  const expectedFile = join(dir, 'expected.yaml');
  const expected = existsSync(expectedFile) ? (parse(readFileSync(expectedFile, 'utf8')) as { flags?: Flags; decisions?: { to: string }[] }) : {};
  const flags = expected.flags ?? {};
  const snapshot = buildSnapshot(objects, { gaps, ...(flags.noDefaultSnat ? { noDefaultSnat: true } : {}), ...(flags.datapath ? { datapath: flags.datapath.split(',') as DatapathName[] } : {}) });
  // Every node address and the first addresses of every pod CIDR: the destinations node SNAT keys on.
  const own = snapshot.nodes.flatMap((n) => [...n.internalIPs, ...n.externalIPs, ...n.podCIDRs.map((c) => c.split('/')[0]!.replace(/0$/, '9'))]);
  const texts = [...new Set([...FIXED, ...own, ...(expected.decisions ?? []).map((d) => d.to)])];
  const destinations = texts.flatMap((t) => {
    const parsed = parseDestination(t);
    return parsed.kind === 'resolved' ? [parsed.destination] : [];
  });
  const query: Query = { destinations, ...(flags.natIP ? { natIP: flags.natIP } : {}), ...(flags.vpcCIDRs ? { vpcCIDRs: flags.vpcCIDRs } : {}) };
  return { snapshot, query, pods: selectPods(snapshot, { allNamespaces: true, selector: [] }) };
}

/**
 * A copy of the pod on the same node with an address from elsewhere: a layer that reads the pod's
 * address but says it does not (readsPod) gets the copy's answer wrong when replayed.
 */
function sibling(pod: KubeObject, i: number): KubeObject {
  const copy = structuredClone(pod);
  copy.metadata.name = `${pod.metadata.name}-sibling`;
  const status = (copy as { status?: { podIP?: string; podIPs?: { ip: string }[] } }).status;
  if (status?.podIP) status.podIP = `10.250.${i % 250}.7`;
  if (status?.podIPs) status.podIPs = status.podIP ? [{ ip: status.podIP }] : [];
  return copy;
}

function eachOnItsOwn({ snapshot, query, pods }: ReturnType<typeof scenario>, destinations: Destination[]) {
  const nodes = new Map(snapshot.nodes.map((n) => [n.name, n]));
  return pods.flatMap((pod) => destinations.map((destination) => runPipeline({ snapshot, query, pod, node: nodes.get(pod.nodeName ?? ''), destination })));
}

const folders = readdirSync(SCENARIOS).filter((name) => existsSync(join(SCENARIOS, name, 'objects.yaml')));

describe('replayed steps', () => {
  it('cover every scenario folder', () => {
    expect(folders.length).toBeGreaterThan(50);
  });

  it.each(folders)('give the same decisions as running every packet on its own in %s', (name) => {
    const input = scenario(name);
    const shared = predict(input.snapshot, input.pods, input.query);
    const destinations = [...new Map(shared.map((d) => [d.destination.text + (d.destination.name ?? ''), d.destination])).values()];
    expect(shared.length).toBe(input.pods.length * input.query.destinations.length);
    expect(shared).toEqual(eachOnItsOwn(input, destinations));
  });
});
