/**
 * allowlist decides a pod moved to a node once per template and node (engine/allowlist/moves.ts).
 * That may change no answer: on every scenario folder, with pods that differ from each pod in one
 * fact and twins that differ only in name and address (on its node and on another), the allowlists
 * of every workload, and of all pods at once, equal those of deciding every pod on every node.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../src/config/manifests.ts';
import { buildAllowlists } from '../../../src/engine/allowlist/index.ts';
import { selectPods } from '../../../src/engine/select.ts';
import { buildSnapshot } from '../../../src/engine/snapshot.ts';
import type { KubeObject } from '../../../src/model/objects.ts';
import { withVariants } from '../../support/reference.ts';
import { SCENARIOS, resolved, scenarioCluster } from '../../support/scenario-cluster.ts';

const DESTINATIONS = [
  '8.8.8.8',
  '1.1.1.1',
  '169.254.169.254',
  '10.0.0.1',
  '203.0.113.10',
  '198.51.100.7',
  '2001:4860:4860::8888',
];

/**
 * Each pod again under two other names: one on its node, one on the next node, each with another
 * address (and a CiliumEndpoint of its own, with another UID, where the pod has one).
 */
function withTwins(objects: readonly KubeObject[]): KubeObject[] {
  const nodes = objects.filter((o) => o.kind === 'Node').map((o) => o.metadata.name);
  const twins = objects.flatMap((o, at) => {
    if (o.kind === 'CiliumEndpoint')
      return ['twin', 'twin-moved'].map((suffix, i) => ({
        ...o,
        metadata: { ...o.metadata, name: `${o.metadata.name}-${suffix}`, uid: `${o.metadata.uid}-${i}` },
      }));
    if (o.kind !== 'Pod') return [];
    const spec = o['spec'] as { nodeName?: string } | undefined;
    const next = nodes[(nodes.indexOf(spec?.nodeName ?? '') + 1) % Math.max(nodes.length, 1)];
    return [
      ['twin', spec?.nodeName],
      ['twin-moved', next],
    ].map(([suffix, node]) => {
      const copy = structuredClone(o);
      copy.metadata.name = `${o.metadata.name}-${suffix}`;
      if (node) copy['spec'] = { ...(copy['spec'] as object), nodeName: node };
      const status = copy['status'] as { podIP?: string; podIPs?: { ip: string }[] } | undefined;
      if (status?.podIP && !status.podIP.includes(':')) {
        status.podIP = `10.252.${at % 250}.${suffix === 'twin' ? 3 : 4}`;
        status.podIPs = [{ ip: status.podIP }];
      }
      return copy;
    });
  });
  return [...objects, ...twins];
}

const folders = readdirSync(SCENARIOS).filter((name) => existsSync(join(SCENARIOS, name, 'objects.yaml')));

describe('allowlist sharing decisions between pods of one template', () => {
  it('covers every scenario folder', () => {
    expect(folders.length).toBeGreaterThan(50);
  });

  it.each(folders)('gives the same allowlists as deciding every pod on every node in %s', (name) => {
    const { snapshot, pods, query: queryFor } = scenarioCluster(name, (objects) => withTwins(withVariants(objects)));
    const query = queryFor(DESTINATIONS, { trace: false });
    const groups = [pods, ...Map.groupBy(pods, (p) => `${p.namespace}/${p.workload.kind}/${p.workload.name}`).values()];
    for (const group of groups) {
      expect(buildAllowlists(snapshot, group, query)).toEqual(
        buildAllowlists(snapshot, group, query, { shareTemplates: false }),
      );
    }
  });

  it('keeps pods apart whose CiliumEndpoint UIDs a policy with several gateways hashes', () => {
    // Two pods of one ReplicaSet on k8s3, whose endpoints hash to the gateways k8s2 and k8s1.
    const parsed = parseManifests(
      readFileSync(join(SCENARIOS, 'cilium-e09-multi-gateway', 'objects.yaml'), 'utf8'),
      'e09',
    );
    const owner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'mg-abc', uid: 'rs-1', controller: true }];
    const objects = parsed.objects
      .filter((o) => !['mg-2', 'mg-3'].includes(o.metadata.name))
      .map((o) => (o.kind === 'Pod' ? { ...o, metadata: { ...o.metadata, ownerReferences: owner } } : o));
    const snapshot = buildSnapshot(objects, { gaps: parsed.gaps });
    const pods = selectPods(snapshot, { allNamespaces: true, selector: [] });
    const query = { destinations: resolved(['1.1.1.5']), trace: false };
    const [list] = buildAllowlists(snapshot, pods, query);
    expect(pods.map((p) => p.name)).toEqual(['mg-0', 'mg-1']);
    expect(list!.sources.map((s) => [s.address, s.nodes])).toEqual([
      ['192.168.1.1', ['k8s1', 'k8s2', 'k8s3']],
      ['192.168.1.2', ['k8s1', 'k8s2', 'k8s3']],
    ]);
    expect(list).toEqual(buildAllowlists(snapshot, pods, query, { shareTemplates: false })[0]);
  });
});
