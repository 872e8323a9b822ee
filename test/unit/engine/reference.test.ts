/**
 * The engine shares work between packets — an index per call, a verdict per node and destination,
 * a gateway verdict per pod input and destination. None of it may change an answer: predict must
 * give exactly, traces included, the decisions of deciding every packet on its own, on every
 * scenario folder (plus pods that differ from each pod in one fact on the same node) and on
 * generated clusters.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../../src/engine/snapshot.ts';
import type { Query } from '../../../src/model/decision.ts';
import { predict } from '../../../src/engine/predict.ts';
import { selectPods } from '../../../src/engine/select.ts';
import { generatedCluster } from '../../support/generated-cluster.ts';
import { decideEachOnItsOwn, withVariants } from '../../support/reference.ts';
import { resolved as destinations, SCENARIOS, scenarioCluster } from '../../support/scenario-cluster.ts';

/** Public, private, link-local, metadata and TEST-NET addresses, IPv6 ones and wide ranges. */
const FIXED = [
  '8.8.8.8',
  '169.254.169.254',
  '10.0.0.1',
  '10.0.0.0/8',
  '172.16.5.5',
  '192.168.1.1',
  '203.0.113.10',
  '198.51.100.7',
  '0.0.0.0/0',
  '2001:4860:4860::8888',
  'fd00::1',
];

function scenario(name: string) {
  const { snapshot, pods, asked, query } = scenarioCluster(name, withVariants);
  // Every node address and an address in every pod CIDR: the destinations node SNAT keys on.
  const own = snapshot.nodes.flatMap((n) => [
    ...n.internalIPs,
    ...n.externalIPs,
    ...n.podCIDRs.map((c) => c.split('/')[0]!.replace(/0$/, '9')),
  ]);
  return { snapshot, query: query([...FIXED, ...own, ...asked]), pods };
}

const folders = readdirSync(SCENARIOS).filter((name) => existsSync(join(SCENARIOS, name, 'objects.yaml')));

describe('predict against deciding every packet on its own', () => {
  it('covers every scenario folder', () => {
    expect(folders.length).toBeGreaterThan(50);
  });

  it.each(folders)('gives the same decisions, traces included, in %s', (name) => {
    const { snapshot, query, pods } = scenario(name);
    const shared = predict(snapshot, pods, query);
    expect(shared.length).toBe(pods.length * query.destinations.length);
    expect(shared).toEqual(decideEachOnItsOwn(snapshot, pods, query));
  });

  it.each([
    ['Cilium BPF masquerade with egress gateways', 'bpf', 'egress-gateway'],
    ['Cilium iptables masquerade', 'iptables', 'node-ip'],
    [
      "Cilium BPF on GCE nodes, gateways leaving by a node's primary address and by another",
      'bpf',
      'egress-gateway',
      true,
    ],
  ] as [string, 'bpf' | 'iptables', string, boolean?][])(
    'gives the same decisions on a generated cluster: %s',
    (_name, masquerade, identity, cloud = false) => {
      const snapshot = buildSnapshot(
        withVariants(generatedCluster({ nodes: 12, podsPerNode: 6, masquerade, cloud })),
        {},
      );
      const pods = selectPods(snapshot, { allNamespaces: true, selector: [] });
      const query: Query = {
        destinations: destinations([...FIXED, '203.0.113.77', '198.51.100.3', '172.16.0.3', '10.0.3.9']),
      };
      const shared = predict(snapshot, pods, query);
      expect(shared.filter((d) => d.identity === identity).length).toBeGreaterThan(0);
      expect(shared).toEqual(decideEachOnItsOwn(snapshot, pods, query));
    },
  );
});
