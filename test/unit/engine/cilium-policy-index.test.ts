/**
 * The per-pod policy index: filing selectors under the label pairs they require must select
 * exactly the policies that matching every selector against the pod selects, in policy order.
 */
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../../src/engine/snapshot.ts';
import { EngineContext } from '../../../src/engine/core/context.ts';
import { endpointOf, identityLabels, labelView } from '../../../src/engine/gateways/cilium-identity.ts';
import { policyIndex } from '../../../src/engine/gateways/cilium-policy-index.ts';
import { matchesSelector } from '../../../src/engine/core/label-selector.ts';
import { predict } from '../../../src/engine/predict.ts';
import { selectPods } from '../../../src/engine/select.ts';
import { build, pod } from '../../support/builders.ts';
import {
  ciliumAgent,
  ciliumConfig,
  clusterNode,
  EGRESS_GATEWAY_CONFIG,
  egressPolicy,
} from '../../support/cilium-builders.ts';
import { destination } from '../../support/predict.ts';

const gateway = { matchLabels: { egress: 'yes' } };
const policies = [
  egressPolicy('by-app').selectPods({ matchLabels: { app: 'web' } }),
  egressPolicy('by-tier-in').selectPods({
    matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }],
  }),
  egressPolicy('by-tier-notin').selectPods({
    matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['back'] }],
  }),
  egressPolicy('everything').selectPods({}),
  egressPolicy('app-and-tier').selectPods({ matchLabels: { app: 'web', tier: 'front' } }),
  egressPolicy('two-selectors')
    .selectPods({ matchLabels: { app: 'db' } })
    .selectPods({ matchLabels: { team: 'red' } }),
  egressPolicy('by-namespace').selectPods({ matchLabels: { 'io.kubernetes.pod.namespace': 'shop' } }),
  egressPolicy('filtered-label').selectPods({ matchLabels: { 'pod-template-hash': 'abc' } }),
].map((p) => p.to('0.0.0.0/0').gateway(gateway).build());

const node = clusterNode('n1', '10.0.0.1', '10.244.1.0/24', { egress: 'yes' });
const pods = [
  pod('web-front', 'shop').on('n1').ip('10.244.1.2').label('app', 'web').label('tier', 'front'),
  pod('web-back', 'default').on('n1').ip('10.244.1.3').label('app', 'web').label('tier', 'back'),
  pod('db', 'default').on('n1').ip('10.244.1.4').label('app', 'db').label('pod-template-hash', 'abc'),
  pod('red', 'default').on('n1').ip('10.244.1.5').label('team', 'red').label('tier', 'edge'),
  pod('bare', 'default').on('n1').ip('10.244.1.6'),
];
const objects = [
  ...build(ciliumAgent(), ciliumConfig(EGRESS_GATEWAY_CONFIG), node.node, ...pods),
  node.ciliumNode,
  ...policies,
];

describe('the Cilium egress policy index', () => {
  const snapshot = buildSnapshot(objects, {});
  const index = new EngineContext(snapshot, { destinations: [] }).of(policyIndex, snapshot);

  it.each([
    ['web-front', ['app-and-tier', 'by-app', 'by-namespace', 'by-tier-in', 'by-tier-notin', 'everything']],
    ['web-back', ['by-app', 'by-tier-in', 'everything']],
    // pod-template-hash is not an identity label, so filtered-label selects nothing.
    ['db', ['by-tier-notin', 'everything', 'two-selectors']],
    ['red', ['by-tier-notin', 'everything', 'two-selectors']],
    ['bare', ['by-tier-notin', 'everything']],
  ])("selects for %s exactly the policies whose selectors match, in the snapshot's policy order", (name, expected) => {
    const p = snapshot.pods.find((x) => x.name === name)!;
    const everyPolicy = index.valid.filter((policy) =>
      policy.selectors.some((s) =>
        matchesSelector(
          identityLabels(
            endpointOf(p),
            {},
            new EngineContext(snapshot, { destinations: [] }).of(labelView, snapshot.datapath.cilium!.config),
          ),
          s,
        ),
      ),
    );
    expect(index.selecting(p)!.map((x) => x.name)).toEqual(expected);
    expect(index.selecting(p)).toEqual(everyPolicy);
  });
});

describe('decisions without a trace', () => {
  it('are the traced decisions with an empty trace', () => {
    const snapshot = buildSnapshot(objects, {});
    const selected = selectPods(snapshot, { allNamespaces: true, selector: [] });
    const destinations = ['8.8.8.8', '10.244.1.9', '10.0.0.1'].map(destination);
    const traced = predict(snapshot, selected, { destinations });
    const untraced = predict(snapshot, selected, { destinations, trace: false });
    expect(traced.every((d) => d.trace.length > 0)).toBe(true);
    expect(untraced).toEqual(traced.map((d) => ({ ...d, trace: [] })));
  });
});

describe('selection where an older agent would select differently', () => {
  const versioned = [
    egressPolicy('by-pod-name').selectPods({ matchLabels: { 'statefulset.kubernetes.io/pod-name': 'db-0' } }),
    egressPolicy('by-app').selectPods({ matchLabels: { app: 'db' } }),
  ].map((p) => p.to('0.0.0.0/0').gateway(gateway).build());
  const statefulPods = [
    pod('db-0', 'default')
      .on('n1')
      .ip('10.244.1.7')
      .label('app', 'db')
      .label('statefulset.kubernetes.io/pod-name', 'db-0'),
    pod('db-1', 'default')
      .on('n1')
      .ip('10.244.1.8')
      .label('app', 'db')
      .label('statefulset.kubernetes.io/pod-name', 'db-1'),
  ];
  const snapshot = buildSnapshot(
    [
      ...build(ciliumAgent(), ciliumConfig(EGRESS_GATEWAY_CONFIG), node.node, ...statefulPods),
      node.ciliumNode,
      ...versioned,
    ],
    {},
  );
  const index = new EngineContext(snapshot, { destinations: [] }).of(policyIndex, snapshot);
  const of = (name: string) => snapshot.pods.find((x) => x.name === name)!;

  it('is unknown, naming the policy, key and release, only for the pod it would change', () => {
    expect(index.selection(of('db-0'))).toEqual({
      code: 'CILIUM_EGW_LABEL_FILTER_UNKNOWN',
      detail:
        "policy by-pod-name selects on statefulset.kubernetes.io/pod-name, which agents before Cilium 1.15 filter differently, and the agent's release is not read",
    });
    expect(index.selecting(of('db-0'))).toBeUndefined();
    expect(index.selecting(of('db-1'))!.map((p) => p.name)).toEqual(['by-app']);
  });

  it('leaves lint only the policies both releases select', () => {
    expect(index.certainlySelecting(of('db-0')).map((p) => p.name)).toEqual(['by-app']);
  });
});
