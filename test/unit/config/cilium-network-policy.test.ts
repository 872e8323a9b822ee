/**
 * CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy as the engine reads them: one rule per
 * `spec` and `specs` entry, selectors in identity-label form with the namespace a CNP adds
 * (cilium/cilium pkg/k8s/apis/cilium.io/utils/utils.go), and what the API server or the agent
 * refuses marked invalid (pkg/policy/api rule_validation.go, l4.go) — and cilium-config's
 * policy settings.
 */
import { describe, expect, it } from 'vitest';
import { policySettings } from '../../../src/config/cilium-policy-settings.ts';
import { toCiliumPolicyRules } from '../../../src/config/cilium-network-policy.ts';
import { ccnp, cnp } from '../../support/cilium-policy-builders.ts';

const rule = (b: ReturnType<typeof cnp>) => toCiliumPolicyRules(b.build())[0]!;
const egress0 = (b: ReturnType<typeof cnp>) => rule(b).egress[0]!;

describe('reading CiliumNetworkPolicies', () => {
  it('reads spec and each of specs as rules of their own', () => {
    const obj = {
      ...cnp('p').egress({}).build(),
      specs: [{ endpointSelector: {}, egressDeny: [{ toEntities: ['world'] }] }],
    };
    expect(toCiliumPolicyRules(obj).map((r) => [r.at, r.egress.length, r.egressDeny.length])).toEqual([
      ['spec', 1, 0],
      ['specs[0]', 0, 1],
    ]);
  });

  it("limits a CNP's endpointSelector to its namespace, and not a CCNP's", () => {
    expect(rule(cnp('p', 'shop').selecting({ matchLabels: { app: 'a' } })).endpointSelector).toEqual([
      { key: 'app', op: 'in', values: ['a'] },
      { key: 'io.kubernetes.pod.namespace', op: 'in', values: ['shop'] },
    ]);
    expect(rule(ccnp('p').selecting({ matchLabels: { 'k8s:app': 'a' } })).endpointSelector).toEqual([
      { key: 'app', op: 'in', values: ['a'] },
    ]);
  });

  it('keeps a reserved: key of an endpointSelector as a label no pod has', () => {
    expect(rule(ccnp('p').selecting({ matchLabels: { 'reserved:health': '' } })).endpointSelector).toEqual([
      { key: 'reserved:health', op: 'in', values: [''] },
    ]);
  });

  it.each([
    [
      "a CNP peer naming no namespace stays in the policy's namespace",
      cnp('p', 'shop'),
      { matchLabels: { app: 'b' } },
      [
        { key: 'app', op: 'in', values: ['b'] },
        { key: 'io.kubernetes.pod.namespace', op: 'in', values: ['shop'] },
      ],
    ],
    [
      'a CNP peer naming the namespace label keeps it',
      cnp('p', 'shop'),
      { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system' } },
      [{ key: 'io.kubernetes.pod.namespace', op: 'in', values: ['kube-system'] }],
    ],
    [
      'a CNP peer on namespace labels spans namespaces',
      cnp('p', 'shop'),
      { matchLabels: { 'io.cilium.k8s.namespace.labels.team': 'a' } },
      [{ key: 'io.cilium.k8s.namespace.labels.team', op: 'in', values: ['a'] }],
    ],
    [
      'a CCNP peer `{}` is every pod endpoint (those with a namespace)',
      ccnp('p'),
      {},
      [{ key: 'io.kubernetes.pod.namespace', op: 'exists' }],
    ],
  ])('%s', (_, builder, selector, expected) => {
    expect(egress0(builder.egress({ toEndpoints: [selector] })).toEndpoints).toEqual([expected]);
  });

  it('reads a toCIDR address without a prefix as one address, and toCIDRSet except', () => {
    const r = egress0(
      cnp('p').egress({ toCIDR: ['192.0.2.1'], toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] }] }),
    );
    expect(r.toCIDR.map((c) => [c.cidr.text, c.cidr.first === c.cidr.last, c.except.map((e) => e.text)])).toEqual([
      ['192.0.2.1', true, []],
      ['10.0.0.0/8', false, ['10.96.0.0/12']],
    ]);
  });

  it.each([
    ['port "0" is every port', { port: '0', protocol: 'TCP' }, { protocol: 'TCP' }],
    ['no protocol is ANY', { port: '443' }, { protocol: 'ANY', port: 443 }],
    ['a port name is a named port', { port: 'https' }, { protocol: 'ANY', named: 'https' }],
    [
      'endPort makes a range',
      { port: '80', endPort: 444, protocol: 'tcp' },
      { protocol: 'TCP', port: 80, endPort: 444 },
    ],
    ['ICMP in toPorts matches no TCP, UDP or SCTP packet', { port: '8', protocol: 'ICMP' }, { protocol: 'OTHER' }],
  ])('toPorts: %s', (_, port, expected) => {
    expect(egress0(cnp('p').egress({ toPorts: [{ ports: [port] }] })).ports).toEqual([expected]);
  });

  it.each([
    ['reserved: selectors', { toEndpoints: [{ matchLabels: { 'reserved:host': '' } }] }, ['toEndpoints[0]']],
    ['toServices', { toServices: [{ k8sService: { serviceName: 's' } }] }, ['toServices']],
    ['a CIDR group', { toCIDRSet: [{ cidrGroupRef: 'g' }] }, ['toCIDRSet[0]']],
  ])('keeps %s as peers not modelled', (_, r, expected) => {
    expect(egress0(cnp('p').egress(r)).unmodelledPeers).toEqual(expected);
  });

  it('marks toFQDNs and L7 rules', () => {
    const r = egress0(
      cnp('p').egress({
        toFQDNs: [{ matchName: 'a.example' }, { matchPattern: '*.b.example' }],
        toPorts: [{ ports: [{ port: '80' }], rules: { http: [{}] } }],
      }),
    );
    expect([r.toFQDNs, r.l7]).toEqual([['a.example', '*.b.example'], true]);
  });

  it.each([
    [
      'neither spec nor specs',
      { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'p', namespace: 'shop' } },
      'spec',
    ],
    ['both endpointSelector and nodeSelector', ccnp('p').set('nodeSelector', {}).build(), 'spec.endpointSelector'],
    [
      'nodeSelector in a namespaced CNP',
      cnp('p').set('endpointSelector', undefined).set('nodeSelector', {}).build(),
      'spec.endpointSelector',
    ],
    [
      'a toCIDR that is no CIDR',
      cnp('p')
        .egress({ toCIDR: ['10.0.0.0/33'] })
        .build(),
      'spec.egress[0].toCIDR[0]',
    ],
    [
      'a port above 65535',
      cnp('p')
        .egress({ toPorts: [{ ports: [{ port: '70000' }] }] })
        .build(),
      'spec.egress[0].toPorts[0].ports[0].port',
    ],
    [
      'an endPort below its port',
      cnp('p')
        .egress({ toPorts: [{ ports: [{ port: '80', endPort: 79 }] }] })
        .build(),
      'spec.egress[0].toPorts[0].ports[0].endPort',
    ],
    [
      'an unknown protocol',
      cnp('p')
        .egress({ toPorts: [{ ports: [{ port: '80', protocol: 'QUIC' }] }] })
        .build(),
      'spec.egress[0].toPorts[0].ports[0].protocol',
    ],
    [
      'icmps beside toPorts',
      cnp('p')
        .egress({ icmps: [{ fields: [{ type: 8 }] }], toPorts: [{ ports: [{ port: '80' }] }] })
        .build(),
      'spec.egress[0].icmps',
    ],
    [
      'a malformed selector',
      cnp('p')
        .selecting({ matchExpressions: [{ key: 'a', operator: 'Near' }] })
        .build(),
      'spec.endpointSelector',
    ],
  ])('marks a rule with %s invalid', (_, obj, field) => {
    expect(toCiliumPolicyRules(obj)[0]!.invalid?.field).toBe(field);
  });
});

describe("cilium-config's policy settings", () => {
  it.each([
    [
      'the agent defaults',
      {},
      { enforcement: 'default', cidrMatchesNodes: false, defaultDenyForced: false, auditMode: false },
    ],
    [
      'enable-policy always',
      { 'enable-policy': 'always' },
      { enforcement: 'always', cidrMatchesNodes: false, defaultDenyForced: false, auditMode: false },
    ],
    [
      'policy-cidr-match-mode nodes',
      { 'policy-cidr-match-mode': 'nodes' },
      { enforcement: 'default', cidrMatchesNodes: true, defaultDenyForced: false, auditMode: false },
    ],
    [
      'non-default-deny policies off, audit on',
      { 'enable-non-default-deny-policies': 'false', 'policy-audit-mode': 'true' },
      { enforcement: 'default', cidrMatchesNodes: false, defaultDenyForced: true, auditMode: true },
    ],
    [
      'an enable-policy the agent refuses',
      { 'enable-policy': 'sometimes' },
      {
        enforcement: 'default',
        cidrMatchesNodes: false,
        defaultDenyForced: false,
        auditMode: false,
        invalidEnforcement: 'sometimes',
      },
    ],
  ])('%s', (_, data, expected) => {
    expect(policySettings(data)).toEqual(expected);
  });
});
