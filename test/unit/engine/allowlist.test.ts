/**
 * Where a pod may be scheduled, and exact CIDR aggregation: the two halves of allowlist's set; and
 * the nodes each address is listed with.
 */
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../../src/engine/snapshot.ts';
import { cidr } from '../../../src/net/ip.ts';
import { buildAllowlists } from '../../../src/engine/allowlist/index.ts';
import { aggregate } from '../../../src/engine/allowlist/cidr-set.ts';
import { eligibleNodes } from '../../../src/engine/allowlist/eligibility.ts';
import { build, pod } from '../../support/builders.ts';
import {
  ciliumAgent,
  ciliumConfig,
  clusterNode,
  EGRESS_GATEWAY_CONFIG,
  egressPolicy,
} from '../../support/cilium-builders.ts';
import { destination } from '../../support/predict.ts';
import { poolNode, scheduledPod, type SchedulingPodBuilder } from '../../support/scheduling-builders.ts';

const nodes = [
  poolNode('a1', 'general'),
  poolNode('a2', 'general').label('disk', 'ssd'),
  poolNode('b1', 'batch').taint('dedicated', 'batch'),
  poolNode('c1', 'gpu').label('gpus', '4').cordon(),
  poolNode('d1', 'spot').taint('spot', 'true', 'PreferNoSchedule'),
];

function eligible(pod: SchedulingPodBuilder): string[] {
  const snapshot = buildSnapshot(build(...nodes, pod));
  return eligibleNodes(snapshot.pods[0]!, snapshot.nodes)
    .map((n) => n.name)
    .sort();
}

describe('the nodes a pod may be scheduled to', () => {
  it.each([
    [
      'no constraints: every node without a NoSchedule taint, cordoned ones left out',
      scheduledPod('p'),
      ['a1', 'a2', 'd1'],
    ],
    [
      'a node selector: only the nodes with those labels',
      scheduledPod('p').nodeSelector({ pool: 'general', disk: 'ssd' }),
      ['a2'],
    ],
    [
      'a toleration of the taint: the tainted pool too',
      scheduledPod('p').tolerate({ key: 'dedicated', operator: 'Equal', value: 'batch', effect: 'NoSchedule' }),
      ['a1', 'a2', 'b1', 'd1'],
    ],
    [
      'a toleration with the wrong value: not the tainted pool',
      scheduledPod('p').tolerate({ key: 'dedicated', value: 'other' }),
      ['a1', 'a2', 'd1'],
    ],
    [
      'a toleration of another effect: not the tainted pool',
      scheduledPod('p').tolerate({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }),
      ['a1', 'a2', 'd1'],
    ],
    [
      'Exists with no key: every taint, cordoned nodes included',
      scheduledPod('p').tolerate({ operator: 'Exists' }),
      ['a1', 'a2', 'b1', 'c1', 'd1'],
    ],
    [
      'required affinity In: the pools named',
      scheduledPod('p')
        .tolerate({ operator: 'Exists' })
        .requireNodes({ matchExpressions: [{ key: 'pool', operator: 'In', values: ['batch', 'gpu'] }] }),
      ['b1', 'c1'],
    ],
    [
      'required affinity NotIn: a missing label counts as not in',
      scheduledPod('p').requireNodes({ matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['ssd'] }] }),
      ['a1', 'd1'],
    ],
    [
      'required affinity Gt on an integer label',
      scheduledPod('p')
        .tolerate({ operator: 'Exists' })
        .requireNodes({ matchExpressions: [{ key: 'gpus', operator: 'Gt', values: ['2'] }] }),
      ['c1'],
    ],
    [
      'terms are ORed',
      scheduledPod('p').requireNodes(
        { matchExpressions: [{ key: 'disk', operator: 'Exists' }] },
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['d1'] }] },
      ),
      ['a2', 'd1'],
    ],
    ['an empty term matches no node', scheduledPod('p').requireNodes({}), []],
    ['a selector no node has: nowhere', scheduledPod('p').nodeSelector({ pool: 'highmem' }), []],
  ])('%s', (_name, pod, expected) => {
    expect(eligible(pod)).toEqual(expected);
  });

  it('frees a DaemonSet pod from the node its controller pinned it to', () => {
    const pinned = scheduledPod('agent-x')
      .ownedBy('DaemonSet', 'agent')
      .tolerate({ operator: 'Exists' })
      .requireNodes({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a1'] }] });
    expect(eligible(pinned)).toEqual(['a1', 'a2', 'b1', 'c1', 'd1']);
  });

  it('keeps a bare pod pinned by node name', () => {
    expect(
      eligible(
        scheduledPod('p').requireNodes({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a1'] }] }),
      ),
    ).toEqual(['a1']);
  });
});

describe('exact CIDR aggregation', () => {
  it.each([
    ['two adjacent aligned addresses become one /31', ['10.0.0.4/32', '10.0.0.5/32'], ['10.0.0.4/31']],
    ['two adjacent unaligned addresses stay two', ['10.0.0.5/32', '10.0.0.6/32'], ['10.0.0.5/32', '10.0.0.6/32']],
    ['two neighbouring /24s aligned on a /23 merge', ['10.4.2.0/24', '10.4.3.0/24'], ['10.4.2.0/23']],
    ['a block inside another disappears', ['10.4.0.0/16', '10.4.7.9/32'], ['10.4.0.0/16']],
    [
      'a run of three /32s gives the fewest blocks',
      ['10.0.0.1/32', '10.0.0.2/32', '10.0.0.3/32'],
      ['10.0.0.1/32', '10.0.0.2/31'],
    ],
    [
      'IPv4 before IPv6, each merged',
      ['2001:db8::1/128', '2001:db8::/128', '198.51.100.7/32'],
      ['198.51.100.7/32', '2001:db8::/127'],
    ],
    ['nothing stays nothing', [], []],
  ])('%s', (_name, input, expected) => {
    expect(aggregate(input.map(cidr))).toEqual(expected);
  });
});

describe('the nodes an address is listed with', () => {
  // Listed out of name order, so the list's order comes from sorting, not from the input.
  const names = ['n-3', 'n-1', 'gw', 'n-2'];
  const nodes = names.map((name, i) =>
    clusterNode(name, `172.16.0.${i + 1}`, `10.244.${i}.0/24`, name === 'gw' ? { egress: 'yes' } : {}),
  );
  const pods = Array.from({ length: 40 }, (_, i) =>
    pod(`web-${i}`, 'shop')
      .on(names[i % names.length]!)
      .ip(`10.244.${i % names.length}.${i + 2}`)
      .label('app', 'web'),
  );
  const snapshot = buildSnapshot([
    ...build(ciliumAgent(), ciliumConfig(EGRESS_GATEWAY_CONFIG), ...nodes.map((n) => n.node), ...pods),
    ...nodes.map((n) => n.ciliumNode),
    egressPolicy('web-out')
      .selectPods({ matchLabels: { app: 'web' } })
      .to('203.0.113.0/24')
      .gateway({ matchLabels: { egress: 'yes' } }, { egressIP: '172.16.0.3' })
      .build(),
  ]);
  const [list] = buildAllowlists(snapshot, snapshot.pods, { destinations: [destination('203.0.113.10')] });

  it('lists the gateway address every placement shares with each node once, in name order', () => {
    expect(list!.sources.map((s) => [s.address, s.nodes])).toEqual([['172.16.0.3', ['gw', 'n-1', 'n-2', 'n-3']]]);
  });

  it('marks it in use now, since pods run on those nodes', () => {
    expect(list!.sources[0]!.current).toBe(true);
  });
});
