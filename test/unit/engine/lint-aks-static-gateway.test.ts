/**
 * lint's AKS static egress gateway checks: configurations the controller has not provisioned, pods
 * naming a configuration their namespace lacks (which the CNI manager refuses to start), and
 * annotated hostNetwork pods (which the CNI plugin never sees); nothing where the configurations
 * could not be read.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/objects.ts';
import { build, node, pod } from '../../support/builders.ts';
import { staticGatewayConfiguration } from '../../support/datapath-builders.ts';
import { forbidden } from '../../support/gaps.ts';
import { briefs, lintOf } from '../../support/lint.ts';

const ANNOTATION = 'kubernetes.azure.com/static-gateway-configuration';
const ready = staticGatewayConfiguration('sgw1', 'shop', {}, '20.65.41.84/31');
const pending = staticGatewayConfiguration('sgw1', 'shop', {});
/** Two replicas of a Deployment's ReplicaSet naming `name`, in `namespace`. */
const replicas = (name: string, namespace = 'shop', hostNetwork = false) =>
  build(
    ...[1, 2].map((i) => {
      const p = pod(`web-${i}`, namespace)
        .on('n1')
        .ip(hostNetwork ? '10.224.0.4' : `10.244.0.${i}`)
        .annotate(ANNOTATION, name)
        .ownedBy('ReplicaSet', 'web-5f7d8c9b6');
      return hostNetwork ? p.hostNetwork() : p;
    }),
  );
const cluster = (...objects: KubeObject[][]) => [
  ...build(node('n1').internalIP('10.224.0.4').podCIDR('10.244.0.0/24')),
  ...objects.flat(),
];

describe('AKS static egress gateway lint', () => {
  it.each([
    ['a provisioned configuration its pods name: nothing', [[ready], replicas('sgw1')], []],
    [
      'a configuration without status.egressIpPrefix',
      [[pending], replicas('sgw1')],
      ['AKS_SGW_NO_EGRESS_PREFIX StaticGatewayConfiguration shop/sgw1'],
    ],
    [
      'pods naming a configuration nowhere: one finding for the workload',
      [[ready], replicas('sgw-typo')],
      ['AKS_SGW_CONFIGURATION_NOT_FOUND ReplicaSet shop/web-5f7d8c9b6'],
    ],
    [
      'pods naming one of another namespace',
      [[ready], replicas('sgw1', 'team-b')],
      ['AKS_SGW_CONFIGURATION_NOT_FOUND ReplicaSet team-b/web-5f7d8c9b6'],
    ],
    [
      'annotated hostNetwork pods',
      [[ready], replicas('sgw1', 'shop', true)],
      ['AKS_SGW_HOST_NETWORK_ANNOTATED ReplicaSet shop/web-5f7d8c9b6'],
    ],
    ['no gateway at all: nothing', [], []],
  ] as const)('%s', (_name, objects, expected) => {
    expect(briefs(cluster(...objects.map((o) => [...o])))).toEqual(expected);
  });

  it('counts the pods and names where a configuration of that name is', () => {
    const [finding] = lintOf(cluster([ready], replicas('sgw1', 'team-b')));
    expect(finding).toMatchObject({
      severity: 'error',
      data: { name: 'sgw1', namespace: 'team-b', elsewhere: 'shop', pods: '2' },
    });
  });

  it('reports nothing about pods when the configurations could not be read', () => {
    expect(
      briefs(cluster(replicas('sgw1')), {
        gaps: [forbidden('staticgatewayconfigurations.egressgateway.kubernetes.azure.com')],
      }),
    ).toEqual([]);
  });
});
