/**
 * The NetworkPolicy verdict, case by case as the Kubernetes e2e conformance suite asserts it for
 * egress (test/e2e/network/netpol/network_policy.go: its pods x/a, x/b, … labelled pod=NAME in
 * namespaces x, y, z), plus what the API types define and the suite leaves out (endPort, named
 * ports, policyTypes defaulting) and what this tool adds (unknown when the input cannot decide).
 */
import { describe, expect, it } from 'vitest';
import { networkPolicyVerdict } from '../../../../src/engine/policy/network-policy.ts';
import type { PolicyTarget } from '../../../../src/model/policy.ts';
import {
  clusterView,
  networkPolicy,
  testPod,
  to,
  type NetworkPolicyBuilder,
} from '../../../support/policy-builders.ts';

const PODS = [
  testPod('x/a', '10.0.1.1'),
  testPod('x/b', '10.0.1.2'),
  testPod('x/c', '10.0.1.3'),
  testPod('y/a', '10.0.2.1'),
  testPod('y/b', '10.0.2.2'),
  testPod('z/a', '10.0.3.1'),
];
const IP: Record<string, string> = Object.fromEntries(PODS.map((p) => [`${p.namespace}/${p.name}`, p.podIPs[0]!]));
const VIEW = clusterView(PODS, { x: {}, y: {}, z: {} });
const EXTERNAL = '203.0.113.10';
const podA = { matchLabels: { pod: 'a' } };
const nsY = { matchLabels: { 'kubernetes.io/metadata.name': 'y' } };

interface Case {
  name: string;
  policies: NetworkPolicyBuilder[];
  to: PolicyTarget;
  verdict: 'allowed' | 'denied' | 'unknown';
  codes: string[];
  from?: string;
  view?: typeof VIEW;
}

function verdictOf(c: Case): [string, string[]] {
  const from = PODS.find((p) => `${p.namespace}/${p.name}` === (c.from ?? 'x/a'))!;
  const answer = networkPolicyVerdict(
    c.policies.map((p) => p.info()),
    from,
    c.to,
    c.view ?? VIEW,
  );
  return [answer.verdict, answer.reasons.map((r) => r.code)];
}

const CONFORMANCE: Case[] = [
  {
    name: "a 'default-deny-all' policy denies the namespace's egress to pods and beyond",
    policies: [networkPolicy('deny-all').types('Ingress', 'Egress')],
    to: to(IP['y/a']!, 80),
    verdict: 'denied',
    codes: ['NETPOL_DENIED'],
  },
  {
    name: "a namespace-wide egress deny (policyTypes Egress, no rules) denies the pod's own namespace too",
    policies: [networkPolicy('deny-egress-ns-x').types('Egress')],
    to: to(IP['x/b']!, 80),
    verdict: 'denied',
    codes: ['NETPOL_DENIED'],
  },
  {
    name: 'Ingress and Egress specified together: egress allowed to port 80',
    policies: [
      networkPolicy('allow')
        .selecting(podA)
        .types('Egress', 'Ingress')
        .egress({ ports: [{ port: 80 }] }),
    ],
    to: to(IP['y/a']!, 80),
    verdict: 'allowed',
    codes: ['NETPOL_ALLOWED'],
  },
  {
    name: 'Ingress and Egress specified together: port 81 denied',
    policies: [
      networkPolicy('allow')
        .selecting(podA)
        .types('Egress', 'Ingress')
        .egress({ ports: [{ port: 80 }] }),
    ],
    to: to(IP['y/a']!, 81),
    verdict: 'denied',
    codes: ['NETPOL_DENIED'],
  },
  {
    name: 'egress denied on the client side to y/b while allowed to y/a (namespace and pod selector in one peer)',
    policies: [
      networkPolicy('allow-to-ns-y-pod-a')
        .selecting(podA)
        .types('Egress')
        .egress({ to: [{ namespaceSelector: nsY, podSelector: podA }] }),
    ],
    to: to(IP['y/b']!, 80),
    verdict: 'denied',
    codes: ['NETPOL_DENIED'],
  },
  {
    name: 'egress allowed to y/a by namespace and pod selector',
    policies: [
      networkPolicy('allow-to-ns-y-pod-a')
        .selecting(podA)
        .types('Egress')
        .egress({ to: [{ namespaceSelector: nsY, podSelector: podA }] }),
    ],
    to: to(IP['y/a']!, 80),
    verdict: 'allowed',
    codes: ['NETPOL_ALLOWED'],
  },
  {
    name: 'both selectors in one peer: a pod matching only the pod selector (x/b) is not allowed',
    policies: [
      networkPolicy('p')
        .selecting(podA)
        .types('Egress')
        .egress({ to: [{ namespaceSelector: nsY, podSelector: { matchLabels: { pod: 'b' } } }] }),
    ],
    to: to(IP['x/b']!, 80),
    verdict: 'denied',
    codes: ['NETPOL_DENIED'],
  },
  {
    name: 'an egress allow-all policy takes precedence over a port-80-only one',
    policies: [
      networkPolicy('allow-egress-port-80')
        .types('Egress')
        .egress({ ports: [{ port: 80 }] }),
      networkPolicy('allow-egress').types('Egress').egress({}),
    ],
    to: to(IP['y/a']!, 81),
    verdict: 'allowed',
    codes: ['NETPOL_ALLOWED'],
  },
  {
    name: 'the port-80-only policy alone denies port 81',
    policies: [
      networkPolicy('allow-egress-port-80')
        .types('Egress')
        .egress({ ports: [{ port: 80 }] }),
    ],
    to: to(IP['y/a']!, 81),
    verdict: 'denied',
    codes: ['NETPOL_DENIED'],
  },
  {
    name: 'egress allowed to a server in a CIDR block (the pod IP as a /32)',
    policies: [
      networkPolicy('cidr')
        .selecting(podA)
        .types('Egress')
        .egress({ to: [{ ipBlock: { cidr: `${IP['y/b']}/32` } }] }),
    ],
    to: to(IP['y/b']!, 80),
    verdict: 'allowed',
    codes: ['NETPOL_ALLOWED'],
  },
  {
    name: 'other pods outside the CIDR block are denied',
    policies: [
      networkPolicy('cidr')
        .selecting(podA)
        .types('Egress')
        .egress({ to: [{ ipBlock: { cidr: `${IP['y/b']}/32` } }] }),
    ],
    to: to(IP['y/a']!, 80),
    verdict: 'denied',
    codes: ['NETPOL_DENIED'],
  },
  {
    name: 'the except clause denies the excepted address',
    policies: [
      networkPolicy('cidr')
        .selecting(podA)
        .types('Egress')
        .egress({ to: [{ ipBlock: { cidr: '10.0.0.0/16', except: [`${IP['x/b']}/32`] } }] }),
    ],
    to: to(IP['x/b']!, 80),
    verdict: 'denied',
    codes: ['NETPOL_DENIED'],
  },
  {
    name: 'the except clause leaves the rest of the block allowed',
    policies: [
      networkPolicy('cidr')
        .selecting(podA)
        .types('Egress')
        .egress({ to: [{ ipBlock: { cidr: '10.0.0.0/16', except: [`${IP['x/b']}/32`] } }] }),
    ],
    to: to(IP['x/c']!, 80),
    verdict: 'allowed',
    codes: ['NETPOL_ALLOWED'],
  },
  {
    name: 'an IP in both a CIDR and its except is allowed when another policy allows it',
    policies: [
      networkPolicy('cidr')
        .selecting(podA)
        .types('Egress')
        .egress({ to: [{ ipBlock: { cidr: '10.0.0.0/16', except: [`${IP['x/b']}/32`] } }] }),
      networkPolicy('allow-b')
        .selecting(podA)
        .types('Egress')
        .egress({ to: [{ ipBlock: { cidr: `${IP['x/b']}/32` } }] }),
    ],
    to: to(IP['x/b']!, 80),
    verdict: 'allowed',
    codes: ['NETPOL_ALLOWED'],
  },
  {
    name: 'an egress allow-all rule for the pod leaves its egress open whatever ingress policies say',
    policies: [
      networkPolicy('allow-egress-for-target').selecting(podA).types('Egress').egress({}),
      networkPolicy('deny-ingress').selecting(podA).types('Ingress'),
    ],
    to: to(IP['x/b']!, 80),
    verdict: 'allowed',
    codes: ['NETPOL_ALLOWED'],
  },
  {
    name: "'protocol: SCTP' is not treated as TCP",
    policies: [
      networkPolicy('sctp')
        .selecting(podA)
        .types('Egress')
        .egress({ ports: [{ port: 81, protocol: 'SCTP' }] }),
    ],
    to: to(IP['y/a']!, 81),
    verdict: 'denied',
    codes: ['NETPOL_DENIED'],
  },
  {
    name: 'a UDP-only rule does not allow TCP',
    policies: [
      networkPolicy('udp')
        .selecting(podA)
        .types('Egress')
        .egress({ ports: [{ port: 81, protocol: 'UDP' }] }),
    ],
    to: to(IP['y/a']!, 81),
    verdict: 'denied',
    codes: ['NETPOL_DENIED'],
  },
  {
    name: 'a UDP-only rule allows UDP',
    policies: [
      networkPolicy('udp')
        .selecting(podA)
        .types('Egress')
        .egress({ ports: [{ port: 81, protocol: 'UDP' }] }),
    ],
    to: to(IP['y/a']!, 81, 'UDP'),
    verdict: 'allowed',
    codes: ['NETPOL_ALLOWED'],
  },
  {
    name: 'NamespaceSelector NotIn [y] on the default namespace label denies namespace y',
    policies: [
      networkPolicy('not-y')
        .selecting(podA)
        .types('Egress')
        .egress({
          to: [
            {
              namespaceSelector: {
                matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['y'] }],
              },
            },
          ],
        }),
    ],
    to: to(IP['y/a']!, 80),
    verdict: 'denied',
    codes: ['NETPOL_DENIED'],
  },
  {
    name: 'NamespaceSelector NotIn [y] allows namespace z',
    policies: [
      networkPolicy('not-y')
        .selecting(podA)
        .types('Egress')
        .egress({
          to: [
            {
              namespaceSelector: {
                matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['y'] }],
              },
            },
          ],
        }),
    ],
    to: to(IP['z/a']!, 80),
    verdict: 'allowed',
    codes: ['NETPOL_ALLOWED'],
  },
  {
    name: 'a policy in another namespace does not isolate the pod',
    policies: [networkPolicy('deny-all', 'y').types('Egress')],
    to: to(IP['z/a']!, 80),
    verdict: 'allowed',
    codes: ['NETPOL_NOT_ISOLATED'],
  },
];

describe('the NetworkPolicy verdict, as the conformance suite asserts it for egress', () => {
  it.each(CONFORMANCE)('$name', (c) => {
    expect(verdictOf(c)).toEqual([c.verdict, c.codes]);
  });
});

const API: Case[] = [
  {
    name: 'without policyTypes, a policy with egress rules isolates egress (the API server defaults it so)',
    policies: [networkPolicy('p').egress({ ports: [{ port: 443 }] })],
    to: to(EXTERNAL, 80),
    verdict: 'denied',
    codes: ['NETPOL_DENIED'],
  },
  {
    name: 'without policyTypes and without egress rules, a policy is ingress-only',
    policies: [networkPolicy('p')],
    to: to(EXTERNAL, 80),
    verdict: 'allowed',
    codes: ['NETPOL_NOT_ISOLATED'],
  },
  {
    name: "a peer with only a pod selector means pods of the policy's own namespace",
    policies: [
      networkPolicy('p')
        .types('Egress')
        .egress({ to: [{ podSelector: podA }] }),
    ],
    from: 'x/b',
    to: to(IP['y/a']!, 80),
    verdict: 'denied',
    codes: ['NETPOL_DENIED'],
  },
  {
    name: 'a peer with an empty namespace selector means pods of every namespace',
    policies: [
      networkPolicy('p')
        .types('Egress')
        .egress({ to: [{ podSelector: podA, namespaceSelector: {} }] }),
    ],
    from: 'x/b',
    to: to(IP['y/a']!, 80),
    verdict: 'allowed',
    codes: ['NETPOL_ALLOWED'],
  },
  {
    name: 'endPort allows the ports of its range',
    policies: [
      networkPolicy('p')
        .types('Egress')
        .egress({ ports: [{ port: 8000, endPort: 8100 }] }),
    ],
    to: to(EXTERNAL, 8080),
    verdict: 'allowed',
    codes: ['NETPOL_ALLOWED'],
  },
  {
    name: 'endPort denies a port past its range',
    policies: [
      networkPolicy('p')
        .types('Egress')
        .egress({ ports: [{ port: 8000, endPort: 8100 }] }),
    ],
    to: to(EXTERNAL, 8101),
    verdict: 'denied',
    codes: ['NETPOL_DENIED'],
  },
  {
    name: 'a protocol without a port allows every port of it, even with no --to port',
    policies: [
      networkPolicy('p')
        .types('Egress')
        .egress({ ports: [{ protocol: 'TCP' }] }),
    ],
    to: to(EXTERNAL),
    verdict: 'allowed',
    codes: ['NETPOL_ALLOWED'],
  },
  {
    name: 'a named port never matches an address no pod has',
    policies: [
      networkPolicy('p')
        .types('Egress')
        .egress({ ports: [{ port: 'https' }] }),
    ],
    to: to(EXTERNAL, 443),
    verdict: 'denied',
    codes: ['NETPOL_DENIED'],
  },
  {
    name: 'an empty `to` with ports matches every destination on those ports',
    policies: [
      networkPolicy('p')
        .types('Egress')
        .egress({ ports: [{ port: 53, protocol: 'UDP' }] }),
    ],
    to: to(EXTERNAL, 53, 'UDP'),
    verdict: 'allowed',
    codes: ['NETPOL_ALLOWED'],
  },
];

describe('the NetworkPolicy verdict, as the API types define it', () => {
  it.each(API)('$name', (c) => {
    expect(verdictOf(c)).toEqual([c.verdict, c.codes]);
  });
});

const UNKNOWN: Case[] = [
  {
    name: 'a rule that allows only some ports cannot decide without the port',
    policies: [
      networkPolicy('p')
        .types('Egress')
        .egress({ ports: [{ port: 443 }] }),
    ],
    to: to(EXTERNAL),
    verdict: 'unknown',
    codes: ['NETPOL_PORT_NOT_GIVEN'],
  },
  {
    name: 'a named port towards a pod depends on its container ports, which are not read',
    policies: [
      networkPolicy('p')
        .types('Egress')
        .egress({ ports: [{ port: 'http' }] }),
    ],
    to: to(IP['y/a']!, 80),
    verdict: 'unknown',
    codes: ['NETPOL_NAMED_PORT'],
  },
  {
    name: 'a pod-selector rule cannot rule out an address when not every pod was read',
    policies: [
      networkPolicy('p')
        .types('Egress')
        .egress({ to: [{ podSelector: podA, namespaceSelector: {} }] }),
    ],
    view: clusterView(PODS, { x: {}, y: {}, z: {} }, false),
    to: to(EXTERNAL, 80),
    verdict: 'unknown',
    codes: ['NETPOL_DESTINATION_POD_UNKNOWN'],
  },
  {
    name: 'a pod-selector rule rules out an address no pod has when every pod was read',
    policies: [
      networkPolicy('p')
        .types('Egress')
        .egress({ to: [{ podSelector: podA, namespaceSelector: {} }] }),
    ],
    to: to(EXTERNAL, 80),
    verdict: 'denied',
    codes: ['NETPOL_DENIED'],
  },
  {
    name: 'a namespace selector cannot decide for a namespace that was not read',
    policies: [
      networkPolicy('p')
        .types('Egress')
        .egress({ to: [{ namespaceSelector: nsY }] }),
    ],
    view: clusterView(PODS, { x: {} }),
    to: to(IP['z/a']!, 80),
    verdict: 'unknown',
    codes: ['NETPOL_NAMESPACE_LABELS_UNKNOWN'],
  },
  {
    name: 'a destination range only partly inside an ipBlock cannot decide',
    policies: [
      networkPolicy('p')
        .types('Egress')
        .egress({ to: [{ ipBlock: { cidr: '203.0.113.0/25' } }] }),
    ],
    to: to('203.0.113.0/24', 80),
    verdict: 'unknown',
    codes: ['NETPOL_DESTINATION_PARTLY_IN_BLOCK'],
  },
  {
    name: 'a destination range wholly inside an ipBlock is allowed',
    policies: [
      networkPolicy('p')
        .types('Egress')
        .egress({ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }] }),
    ],
    to: to('203.0.113.0/25', 80),
    verdict: 'allowed',
    codes: ['NETPOL_ALLOWED'],
  },
  {
    name: 'a policy the API server would refuse leaves its pods unknown',
    policies: [
      networkPolicy('p')
        .types('Egress')
        .egress({ to: [{ ipBlock: { cidr: 'banana' } }] }),
    ],
    to: to(EXTERNAL, 80),
    verdict: 'unknown',
    codes: ['NETPOL_POLICY_INVALID'],
  },
  {
    name: 'a refused policy cannot take away what a valid one allows',
    policies: [
      networkPolicy('bad')
        .types('Egress')
        .egress({ ports: [{ port: 0 }] }),
      networkPolicy('good').types('Egress').egress({}),
    ],
    to: to(EXTERNAL, 80),
    verdict: 'allowed',
    codes: ['NETPOL_ALLOWED'],
  },
];

describe('the NetworkPolicy verdict where the input cannot decide it', () => {
  it.each(UNKNOWN)('$name', (c) => {
    expect(verdictOf(c)).toEqual([c.verdict, c.codes]);
  });

  it('is unknown for a hostNetwork pod a policy selects, and names the policy', () => {
    const host = testPod('x/h', '10.0.9.9', { hostNetwork: true });
    const answer = networkPolicyVerdict(
      [networkPolicy('deny-all').types('Egress').info()],
      host,
      to(EXTERNAL, 80),
      VIEW,
    );
    expect([answer.verdict, answer.reasons]).toEqual([
      'unknown',
      [{ code: 'NETPOL_HOST_NETWORK_POD', data: { policies: 'deny-all' } }],
    ]);
  });

  it('is unknown when the only matching destination pod is a hostNetwork pod', () => {
    const host = testPod('y/h', '10.0.9.9', { hostNetwork: true });
    const view = clusterView([...PODS, host], { x: {}, y: {}, z: {} });
    const policy = networkPolicy('p')
      .types('Egress')
      .egress({ to: [{ namespaceSelector: nsY }] })
      .info();
    expect(networkPolicyVerdict([policy], PODS[0]!, to('10.0.9.9', 80), view).verdict).toBe('unknown');
  });
});

describe('who decided', () => {
  it('names the policy and rule that allowed the packet', () => {
    const policies = [
      networkPolicy('dns')
        .types('Egress')
        .egress({ ports: [{ port: 53, protocol: 'UDP' }] })
        .egress({ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }] })
        .info(),
    ];
    expect(networkPolicyVerdict(policies, PODS[0]!, to(EXTERNAL, 443), VIEW).decidedBy).toEqual([
      { kind: 'NetworkPolicy', namespace: 'x', name: 'dns', rule: 'egress[1]' },
    ]);
  });

  it('names every policy that isolates the pod when none allows the packet', () => {
    const policies = [
      networkPolicy('deny-all').types('Egress').info(),
      networkPolicy('dns')
        .selecting(podA)
        .types('Egress')
        .egress({ ports: [{ port: 53, protocol: 'UDP' }] })
        .info(),
    ];
    expect(
      networkPolicyVerdict(policies, PODS[0]!, to(EXTERNAL, 443), VIEW).decidedBy.map((r) => `${r.name}:${r.rule}`),
    ).toEqual(['deny-all:isolation', 'dns:isolation']);
  });
});
