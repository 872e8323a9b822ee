/**
 * The OVN-Kubernetes EgressFirewall verdict, case by case as the upstream docs
 * (docs/features/network-security-controls/egress-firewall.md) and e2e suite (test/e2e/egress_firewall.go)
 * assert it: rules in order, first match wins, no match lets the packet out, nothing inside the
 * cluster subnet is filtered; plus what the types and controller define (ports, wildcard DNS
 * names, nodeSelector host addresses) and what this tool adds (unknown when the input cannot decide).
 */
import { describe, expect, it } from 'vitest';
import { addressDestination, parseDestination } from '../../../../src/config/destinations.ts';
import { toEgressFirewall } from '../../../../src/config/egress-firewalls.ts';
import { toNodeInfo } from '../../../../src/config/nodes.ts';
import {
  bothMustAllow,
  EFW_APPLIED,
  egressFirewallVerdict,
  type FirewallContext,
} from '../../../../src/engine/policy/egress-firewall.ts';
import { dnsNameMatches } from '../../../../src/engine/policy/egress-firewall-rules.ts';
import type { Destination } from '../../../../src/model/decision.ts';
import type { OvnKubernetesLayer } from '../../../../src/model/layers/ovn-kubernetes.ts';
import type { PolicyAnswer, Protocol } from '../../../../src/model/policy.ts';
import { node } from '../../../support/builders.ts';
import { testPod } from '../../../support/policy-builders.ts';

type Rule = Record<string, unknown>;
const POD = testPod('prod/web', '10.244.1.3');
const OVN: OvnKubernetesLayer = {
  mechanism: 'ovn-kubernetes',
  source: { kind: 'DaemonSet', namespace: 'ovn-kubernetes', name: 'ovnkube-node' },
  nodes: {},
  clusterSubnets: ['10.244.0.0/16'],
  scope: { basis: 'all-nodes' },
};
const NODES = [
  node('worker-a').internalIP('172.18.0.2').label('egress', 'yes').build(),
  node('worker-b').internalIP('172.18.0.3').build(),
].map((n) => toNodeInfo(n));
const CONTEXT: FirewallContext = {
  ovn: OVN,
  nodes: NODES,
  hostAddresses: { 'worker-a': ['172.18.0.2', '172.18.1.13'], 'worker-b': ['172.18.0.3'] },
};
const DENY_ALL = { type: 'Deny', to: { cidrSelector: '0.0.0.0/0' } };
/** The upstream docs' example. */
const DOCS = [
  { type: 'Allow', to: { dnsName: 'www.openvswitch.org' } },
  { type: 'Allow', to: { cidrSelector: '1.2.3.0/24' } },
  { type: 'Allow', to: { cidrSelector: '4.5.6.0/24' }, ports: [{ protocol: 'UDP', port: 55 }] },
  DENY_ALL,
];

function to(text: string, port?: number, protocol: Protocol = 'TCP', hostname?: string): Destination {
  const parsed = parseDestination(text);
  if (parsed.kind !== 'resolved') throw new Error(`not an address or CIDR: ${text}`);
  const d = hostname ? addressDestination(text, 'hostname', hostname)! : parsed.destination;
  return { ...d, protocol, ...(port !== undefined && { port }) };
}

function firewall(rules: Rule[], status: string | null = EFW_APPLIED) {
  return toEgressFirewall({
    apiVersion: 'k8s.ovn.org/v1',
    kind: 'EgressFirewall',
    metadata: { name: 'default', namespace: 'prod' },
    spec: { egress: rules },
    ...(status !== null && { status: { status } }),
  });
}

interface Case {
  name: string;
  rules: Rule[];
  to: Destination;
  verdict: PolicyAnswer['verdict'];
  codes: string[];
  decidedBy?: string[];
  status?: string | null;
  context?: Partial<FirewallContext>;
  hostNetwork?: boolean;
}

const CASES: Case[] = [
  {
    name: 'the docs example allows its CIDR on any port',
    rules: DOCS,
    to: to('1.2.3.4', 443),
    verdict: 'allowed',
    codes: ['EFW_ALLOWED'],
    decidedBy: ['egress[0]', 'egress[1]'],
  },
  {
    name: 'the docs example allows 4.5.6.0/24 on UDP 55',
    rules: DOCS,
    to: to('4.5.6.7', 55, 'UDP'),
    verdict: 'allowed',
    codes: ['EFW_ALLOWED'],
    decidedBy: ['egress[0]', 'egress[2]'],
  },
  {
    name: "the docs example: TCP 55 to 4.5.6.7 is denied unless it is one of www.openvswitch.org's addresses",
    rules: DOCS,
    to: to('4.5.6.7', 55),
    verdict: 'unknown',
    codes: ['EFW_DNS_NAME'],
  },
  {
    name: 'the docs example allows www.openvswitch.org asked for by that name',
    rules: DOCS,
    to: to('198.51.100.7', 443, 'TCP', 'www.openvswitch.org'),
    verdict: 'allowed',
    codes: ['EFW_ALLOWED'],
    decidedBy: ['egress[0]'],
  },
  {
    name: 'the docs example reversed denies everything, the allowed CIDR too',
    rules: [...DOCS].reverse(),
    to: to('1.2.3.4', 443),
    verdict: 'denied',
    codes: ['EFW_DENIED'],
    decidedBy: ['egress[0]'],
  },
  {
    name: 'e2e "allowed IP": the /32 allowed, the other host denied',
    rules: [{ type: 'Allow', to: { cidrSelector: '172.19.0.2/32' } }, DENY_ALL],
    to: to('172.19.0.3', 2222),
    verdict: 'denied',
    codes: ['EFW_DENIED'],
    decidedBy: ['egress[1]'],
  },
  {
    name: 'e2e "allowed CIDR and port": the allowed port passes',
    rules: [
      { type: 'Allow', to: { cidrSelector: '172.19.0.0/24' }, ports: [{ protocol: 'TCP', port: 1111 }] },
      DENY_ALL,
    ],
    to: to('172.19.0.2', 1111),
    verdict: 'allowed',
    codes: ['EFW_ALLOWED'],
  },
  {
    name: 'e2e "allowed CIDR and port": another port is denied',
    rules: [
      { type: 'Allow', to: { cidrSelector: '172.19.0.0/24' }, ports: [{ protocol: 'TCP', port: 1111 }] },
      DENY_ALL,
    ],
    to: to('172.19.0.3', 2222),
    verdict: 'denied',
    codes: ['EFW_DENIED'],
  },
  {
    name: 'a port rule cannot decide without the port',
    rules: [
      { type: 'Allow', to: { cidrSelector: '172.19.0.0/24' }, ports: [{ protocol: 'TCP', port: 1111 }] },
      DENY_ALL,
    ],
    to: to('172.19.0.2'),
    verdict: 'unknown',
    codes: ['EFW_PORT_NOT_GIVEN'],
  },
  {
    name: 'a port of another protocol never matches, so no port is needed',
    rules: [{ type: 'Allow', to: { cidrSelector: '172.19.0.0/24' }, ports: [{ protocol: 'UDP', port: 53 }] }, DENY_ALL],
    to: to('172.19.0.2'),
    verdict: 'denied',
    codes: ['EFW_DENIED'],
  },
  {
    name: 'a port without a number is the whole protocol',
    rules: [{ type: 'Allow', to: { cidrSelector: '172.19.0.0/24' }, ports: [{ protocol: 'TCP' }] }, DENY_ALL],
    to: to('172.19.0.2'),
    verdict: 'allowed',
    codes: ['EFW_ALLOWED'],
  },
  {
    name: 'e2e "doesn\'t affect internal connections": a pod in the cluster subnet is reached',
    rules: [DENY_ALL],
    to: to('10.244.2.7', 1234),
    verdict: 'allowed',
    codes: ['EFW_CLUSTER_INTERNAL'],
  },
  {
    name: 'a node address is outside the cluster subnet: deny-all denies it',
    rules: [DENY_ALL],
    to: to('172.18.0.3', 9900),
    verdict: 'denied',
    codes: ['EFW_DENIED'],
  },
  {
    name: "e2e node selector: the picked node's secondary host address is allowed",
    rules: [{ type: 'Allow', to: { nodeSelector: { matchLabels: { egress: 'yes' } } } }, DENY_ALL],
    to: to('172.18.1.13', 9900),
    verdict: 'allowed',
    codes: ['EFW_ALLOWED'],
  },
  {
    name: 'e2e node selector: a node it does not pick is denied',
    rules: [{ type: 'Allow', to: { nodeSelector: { matchLabels: { egress: 'yes' } } } }, DENY_ALL],
    to: to('172.18.0.3', 9900),
    verdict: 'denied',
    codes: ['EFW_DENIED'],
  },
  {
    name: 'node selector: a picked node without host-cidrs leaves it open',
    rules: [{ type: 'Allow', to: { nodeSelector: {} } }, DENY_ALL],
    to: to('192.0.2.1', 80),
    verdict: 'unknown',
    codes: ['EFW_NODE_ADDRESSES_UNKNOWN'],
    context: { hostAddresses: { 'worker-a': ['172.18.0.2'] } },
  },
  {
    name: 'no rule matches: the packet leaves',
    rules: [{ type: 'Deny', to: { cidrSelector: '192.0.2.0/24' } }],
    to: to('8.8.8.8', 53, 'UDP'),
    verdict: 'allowed',
    codes: ['EFW_NO_RULE_MATCHED'],
  },
  {
    name: 'an open Allow before no match still lets it out',
    rules: [{ type: 'Allow', to: { dnsName: 'example.com' } }],
    to: to('8.8.8.8', 443),
    verdict: 'allowed',
    codes: ['EFW_NO_RULE_MATCHED'],
    decidedBy: ['egress[0]'],
  },
  {
    name: 'a destination range partly in a cidrSelector cannot be decided',
    rules: [{ type: 'Deny', to: { cidrSelector: '8.8.8.0/25' } }],
    to: to('8.8.8.0/24'),
    verdict: 'unknown',
    codes: ['EFW_DESTINATION_PARTLY_IN_CIDR'],
  },
  {
    name: 'a hostNetwork pod has no OVN port: the firewall does not apply',
    rules: [DENY_ALL],
    to: to('8.8.8.8', 443),
    verdict: 'allowed',
    codes: ['EFW_HOST_NETWORK_POD'],
    hostNetwork: true,
  },
  {
    name: 'a rule ovnkube refuses: none of them apply, unknown',
    rules: [{ type: 'Deny', to: { cidrSelector: 'not-a-cidr' } }],
    to: to('8.8.8.8', 443),
    verdict: 'unknown',
    codes: ['EFW_INVALID'],
  },
  {
    name: 'a rule with two destinations is refused by the CRD',
    rules: [{ type: 'Deny', to: { cidrSelector: '0.0.0.0/0', dnsName: 'example.com' } }],
    to: to('8.8.8.8', 443),
    verdict: 'unknown',
    codes: ['EFW_INVALID'],
  },
  {
    name: 'no status: whether the feature is on is unknown, so a denial is',
    rules: [DENY_ALL],
    status: null,
    to: to('8.8.8.8', 443),
    verdict: 'unknown',
    codes: ['EFW_NOT_APPLIED', 'EFW_DENIED'],
  },
  {
    name: 'no status: an allowed packet leaves either way',
    rules: [{ type: 'Allow', to: { cidrSelector: '8.8.8.0/24' } }],
    status: null,
    to: to('8.8.8.8', 443),
    verdict: 'allowed',
    codes: ['EFW_ALLOWED'],
  },
  {
    name: 'a status saying the rules were not applied: unknown',
    rules: [DENY_ALL],
    status: 'EgressFirewall Rules not correctly applied',
    to: to('8.8.8.8', 443),
    verdict: 'unknown',
    codes: ['EFW_NOT_APPLIED', 'EFW_DENIED'],
  },
  {
    name: 'without OVN-Kubernetes nothing enforces a denial',
    rules: [DENY_ALL],
    to: to('8.8.8.8', 443),
    verdict: 'unknown',
    codes: ['EFW_ENFORCER_NOT_FOUND', 'EFW_DENIED'],
    context: { ovn: undefined },
  },
  {
    name: 'without node subnets a denial may be of a pod address',
    rules: [DENY_ALL],
    to: to('10.244.2.7', 443),
    verdict: 'unknown',
    codes: ['EFW_CLUSTER_SUBNETS_UNKNOWN', 'EFW_DENIED'],
    context: { ovn: { ...OVN, clusterSubnets: [] } },
  },
];

describe('EgressFirewall verdicts', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const pod = c.hostNetwork ? testPod('prod/web', '172.18.0.2', { hostNetwork: true }) : POD;
    const answer = egressFirewallVerdict(
      firewall(c.rules, c.status === undefined ? EFW_APPLIED : c.status),
      pod,
      c.to,
      { ...CONTEXT, ...c.context },
    );
    expect([answer.verdict, answer.reasons.map((r) => r.code)]).toEqual([c.verdict, c.codes]);
    if (c.decidedBy) expect(answer.decidedBy.map((r) => r.rule)).toEqual(c.decidedBy);
  });
});

describe('EgressFirewall dnsName matching (types.go)', () => {
  it.each([
    ['www.openvswitch.org', 'www.openvswitch.org', true],
    ['www.openvswitch.org', 'WWW.OpenvSwitch.org.', true],
    ['www.openvswitch.org', 'openvswitch.org', false],
    ['*.example.com', 'sub1.example.com', true],
    ['*.example.com', 'sub2.sub1.example.com', false],
    ['*.example.com', 'example.com', false],
  ] as const)('%s against %s: %s', (pattern, name, expected) => {
    expect(dnsNameMatches(pattern, name)).toBe(expected);
  });
});

describe('NetworkPolicy and EgressFirewall together: both must allow', () => {
  const allowed = (code: string): PolicyAnswer => ({
    verdict: 'allowed',
    decidedBy: [],
    reasons: [{ code: code as never, data: {} }],
  });
  const denied = (code: string): PolicyAnswer => ({ ...allowed(code), verdict: 'denied' });
  const unknown = (code: string): PolicyAnswer => ({ ...allowed(code), verdict: 'unknown' });
  it.each([
    ['allowed and allowed', allowed('A'), allowed('B'), 'allowed', ['A', 'B']],
    ['allowed and denied', allowed('A'), denied('B'), 'denied', ['B']],
    ['denied and allowed', denied('A'), allowed('B'), 'denied', ['A']],
    ['unknown and denied: denied whatever the unknown is', unknown('A'), denied('B'), 'denied', ['B']],
    ['unknown and allowed', unknown('A'), allowed('B'), 'unknown', ['A', 'B']],
  ] as const)('%s', (_name, a, b, verdict, codes) => {
    const both = bothMustAllow(a, b);
    expect([both.verdict, both.reasons.map((r) => r.code)]).toEqual([verdict, codes]);
  });
});
