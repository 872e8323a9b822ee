/**
 * lint's Antrea Egress check: Egresses with nothing assigned in status, and pods selected by
 * several Egresses (an error where their addresses differ, since the agent binds one at random).
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/objects.ts';
import { build, node, pod } from '../../support/builders.ts';
import { antreaAgent, antreaConfig, egress, externalIPPool, namespace } from '../../support/antrea-builders.ts';
import { briefs, lintOf } from '../../support/lint.ts';

function cluster(egresses: KubeObject[]): KubeObject[] {
  return [
    ...build(
      node('node-1').internalIP('10.10.0.101').podCIDR('10.244.1.0/24'),
      node('node-4').internalIP('10.10.0.104').podCIDR('10.244.4.0/24'),
      antreaAgent(),
      antreaConfig(),
      pod('web-1', 'prod').on('node-1').ip('10.244.1.7').label('app', 'web').ownedBy('ReplicaSet', 'web-7d4b9c'),
      pod('web-2', 'prod').on('node-1').ip('10.244.1.8').label('app', 'web').ownedBy('ReplicaSet', 'web-7d4b9c'),
      pod('agent', 'prod').on('node-1').ip('10.10.0.101').label('app', 'web').hostNetwork(),
      pod('web', 'staging').on('node-1').ip('10.244.1.9').label('app', 'web'),
    ),
    namespace('prod'),
    namespace('staging'),
    ...egresses,
  ];
}

const prod = (name: string) => egress(name).selectNamespace('prod');
const web = (name: string) => egress(name).selectPods({ matchLabels: { app: 'web' } });

describe('Antrea Egresses lint reports', () => {
  it.each([
    [
      'nothing for Egresses held by nodes, each pod selected once',
      [prod('a').ip('10.10.0.104').heldBy('node-4').build()],
      [],
    ],
    [
      'a pooled Egress no node holds',
      [externalIPPool('pool', [{ cidr: '10.10.0.0/28' }]), prod('a').pool('pool').ip('10.10.0.11').build()],
      ['ANTREA_EGRESS_NOT_ASSIGNED Egress a'],
    ],
    ['a static Egress no node holds', [prod('a').ip('10.10.0.99').build()], ['ANTREA_EGRESS_NOT_ASSIGNED Egress a']],
    [
      'a pool that does not exist',
      [prod('a').pool('missing').build()],
      ['ANTREA_EGRESS_POOL_NOT_FOUND Egress a', 'ANTREA_EGRESS_NOT_ASSIGNED Egress a'],
    ],
    [
      'a pool whose nodeSelector matches no node',
      [externalIPPool('eu', [{ cidr: '10.10.1.0/28' }], { matchLabels: { zone: 'eu' } }), prod('a').pool('eu').build()],
      ['ANTREA_EXTERNAL_IP_POOL_MATCHES_NO_NODE ExternalIPPool eu', 'ANTREA_EGRESS_NOT_ASSIGNED Egress a'],
    ],
    [
      'nothing for a pool matching a node, held',
      [
        externalIPPool('all', [{ start: '10.10.0.11', end: '10.10.0.20' }]),
        prod('a').pool('all').ip('10.10.0.11').heldBy('node-4').build(),
      ],
      [],
    ],
    ['nothing for an Egress that selects nothing (empty appliedTo)', [egress('a').ip('10.10.0.99').build()], []],
    [
      'pods selected by two Egresses with different IPs, once per set of Egresses',
      [prod('a').ip('10.10.0.104').heldBy('node-4').build(), web('b').ip('10.10.0.101').heldBy('node-1').build()],
      ['ANTREA_EGRESS_DUPLICATE_MATCH Egress a'],
    ],
    [
      'pods selected by two Egresses sharing an IP: info',
      [prod('a').ip('10.10.0.104').heldBy('node-4').build(), web('b').ip('10.10.0.104').heldBy('node-4').build()],
      ['ANTREA_EGRESS_DUPLICATE_MATCH_SAME_IP Egress a'],
    ],
  ])('%s', (_name, egresses, expected) => {
    expect(briefs(cluster(egresses))).toEqual(expected);
  });

  it('counts the pods and names their workloads, hostNetwork pods left out', () => {
    const [finding] = lintOf(
      cluster([
        prod('a').ip('10.10.0.104').heldBy('node-4').build(),
        web('b').ip('10.10.0.101').heldBy('node-1').build(),
      ]),
    );
    expect(finding?.data).toMatchObject({
      egresses: 'a, b',
      addresses: '10.10.0.104, 10.10.0.101',
      pods: '2',
      workloads: 'ReplicaSet prod/web-7d4b9c',
    });
  });

  it('looks only at the pods selected for the overlap, not for status', () => {
    const egresses = [
      prod('a').ip('10.10.0.104').heldBy('node-4').build(),
      web('b').ip('10.10.0.101').heldBy('node-1').build(),
      externalIPPool('pool', [{ cidr: '10.10.0.0/28' }]),
      prod('c').pool('pool').build(),
    ];
    expect(briefs(cluster(egresses), { namespace: 'staging' })).toEqual(['ANTREA_EGRESS_NOT_ASSIGNED Egress c']);
  });
});
