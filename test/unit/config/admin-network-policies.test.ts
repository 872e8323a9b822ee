/**
 * Reading admin policy objects as the CRDs' schema reads them (network-policy-api apis/v1alpha1,
 * apis/v1alpha2 kubebuilder markers): what the API server would refuse makes the policy invalid,
 * never guessed at; and which enforcers implement which kind, from their DaemonSets.
 */
import { describe, expect, it } from 'vitest';
import { adminPolicySupport } from '../../../src/config/admin-policy-support.ts';
import type { KubeObject } from '../../../src/model/objects.ts';
import { anp, banp, cnp } from '../../support/admin-policy-builders.ts';

const toSlytherin = { namespaces: { matchLabels: { 'conformance-house': 'slytherin' } } };

describe('admin policy objects', () => {
  it('reads v1alpha2 protocols as ports: a number, a range, a named port of any protocol', () => {
    const info = cnp('p', 'Admin', 3)
      .egress({
        action: 'Accept',
        to: [toSlytherin],
        protocols: [
          { udp: { destinationPort: { number: 53 } } },
          { tcp: { destinationPort: { range: { start: 8000, end: 9000 } } } },
          { destinationNamedPort: 'http' },
        ],
      })
      .info();
    expect(info.invalid).toBeUndefined();
    expect(info.egress[0]!.ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 8000, endPort: 9000 },
      { protocol: 'TCP', port: 'http' },
      { protocol: 'UDP', port: 'http' },
      { protocol: 'SCTP', port: 'http' },
    ]);
  });

  it('names a rule by its index and name', () => {
    expect(
      anp('p', 3)
        .egress({ name: 'deny-all', action: 'Deny', to: [toSlytherin] })
        .info().egress[0]!.ref,
    ).toBe('egress[0] deny-all');
  });

  it.each([
    [
      'an Accept in a v1alpha1 AdminNetworkPolicy',
      anp('p', 1).egress({ action: 'Accept', to: [toSlytherin] }),
      'spec.egress[0].action',
    ],
    [
      'an Allow in a v1alpha2 ClusterNetworkPolicy',
      cnp('p', 'Admin', 1).egress({ action: 'Allow', to: [toSlytherin] }),
      'spec.egress[0].action',
    ],
    [
      'a Pass in a BaselineAdminNetworkPolicy',
      banp().egress({ action: 'Pass', to: [toSlytherin] }),
      'spec.egress[0].action',
    ],
    ['a tier other than Admin and Baseline', cnp('p', 'Admin', 1).set('tier', 'Developer'), 'spec.tier'],
    [
      'a subject with both namespaces and pods',
      anp('p', 1).subject({ namespaces: {}, pods: { namespaceSelector: {}, podSelector: {} } }),
      'spec.subject',
    ],
    ['a rule with no peer', anp('p', 1).egress({ action: 'Deny', to: [] }), 'spec.egress[0].to'],
    [
      'a peer with a field the schema lacks (fail closed upstream; unknown here)',
      anp('p', 1).egress({ action: 'Deny', to: [{ services: {} }] }),
      'spec.egress[0].to[0]',
    ],
    [
      'a network that is not a CIDR',
      anp('p', 1).egress({ action: 'Deny', to: [{ networks: ['banana'] }] }),
      'spec.egress[0].to[0].networks[0]',
    ],
    [
      'a named port towards networks',
      anp('p', 1).egress({ action: 'Deny', to: [{ networks: ['10.0.0.0/8'] }], ports: [{ namedPort: 'http' }] }),
      'spec.egress[0].to',
    ],
    [
      'a port range whose start is not below its end',
      cnp('p', 'Admin', 1).egress({
        action: 'Deny',
        to: [toSlytherin],
        protocols: [{ tcp: { destinationPort: { range: { start: 90, end: 80 } } } }],
      }),
      'spec.egress[0].protocols[0].tcp.destinationPort.range.end',
    ],
  ])('refuses %s', (_, policy, field) => {
    expect(policy.info().invalid?.field).toBe(field);
  });
});

function daemonSet(name: string, image: string, args: string[] = []): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: 'kube-system' },
    spec: { template: { spec: { containers: [{ name, image, args }] } } },
  };
}

describe('which enforcers implement the admin policy kinds', () => {
  it.each([
    [
      'kube-network-policies, the npa-v1alpha2 image: ClusterNetworkPolicy',
      'kube-network-policies',
      daemonSet('kube-network-policies', 'registry.k8s.io/networking/kube-network-policies:v1.1.1-npa-v1alpha2', [
        '/bin/netpol',
      ]),
      { ClusterNetworkPolicy: 'yes' },
    ],
    [
      'kube-network-policies, the npa-v1alpha1 image: AdminNetworkPolicy and BaselineAdminNetworkPolicy',
      'kube-network-policies',
      daemonSet('kube-network-policies', 'registry.k8s.io/networking/kube-network-policies:v1.1.1-npa-v1alpha1'),
      { AdminNetworkPolicy: 'yes', BaselineAdminNetworkPolicy: 'yes' },
    ],
    [
      'kube-network-policies, the standard image: none',
      'kube-network-policies',
      daemonSet('kube-network-policies', 'registry.k8s.io/networking/kube-network-policies:v1.1.1', [
        '/bin/netpol',
        '--hostname-override=$(MY_NODE_NAME)',
      ]),
      {},
    ],
    [
      'kube-network-policies before v1.0, by flag',
      'kube-network-policies',
      daemonSet('kube-network-policies', 'registry.k8s.io/networking/kube-network-policies:v0.6.0', [
        '/bin/netpol',
        '--admin-network-policy=true',
      ]),
      { AdminNetworkPolicy: 'yes' },
    ],
    [
      'OVN-Kubernetes with --enable-admin-network-policy',
      'ovn-kubernetes',
      daemonSet('ovnkube-node', 'ovn-kube:latest', ['--enable-admin-network-policy']),
      { AdminNetworkPolicy: 'yes', BaselineAdminNetworkPolicy: 'yes', ClusterNetworkPolicy: 'unknown' },
    ],
    [
      'OVN-Kubernetes without the flag in its args: unknown',
      'ovn-kubernetes',
      daemonSet('ovnkube-node', 'ovn-kube:latest'),
      { AdminNetworkPolicy: 'unknown', BaselineAdminNetworkPolicy: 'unknown', ClusterNetworkPolicy: 'unknown' },
    ],
    [
      'Calico: by version, unknown',
      'calico',
      daemonSet('calico-node', 'calico/node:v3.30.0'),
      { AdminNetworkPolicy: 'unknown', BaselineAdminNetworkPolicy: 'unknown', ClusterNetworkPolicy: 'unknown' },
    ],
    ['kube-router: none', 'kube-router', daemonSet('kube-router', 'cloudnativelabs/kube-router:v2.1.0'), {}],
    ['Cilium: none', 'cilium', daemonSet('cilium', 'quay.io/cilium/cilium:v1.16.0'), {}],
  ])('%s', (_, id, ds, support) => {
    expect(adminPolicySupport(id, ds)).toEqual(support);
  });
});
