/**
 * The Calico verdict where calico-node enforces, case by case from felix's rendering of a workload
 * endpoint's egress chain (felix/rules/endpoints.go: tiers, Pass, end of tier, profiles), its
 * ordering (felix/calc/policy_sorter.go), the rule fields (api projectcalico/v3 policy_common.go,
 * libcalico-go updateprocessors/rules.go) and Kubernetes NetworkPolicy in the default tier at
 * order 1000 (libcalico-go k8s/conversion K8sNetworkPolicyToCalico) — and what stays `unknown`.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/model/objects.ts';
import {
  CALICO_IPS,
  calicoCluster,
  calicoNp,
  gnp,
  tier,
  type CalicoPolicyBuilder,
} from '../../../support/calico-policy-builders.ts';
import { networkPolicy, type NetworkPolicyBuilder } from '../../../support/policy-builders.ts';
import { decide, decisionFor } from '../../../support/predict.ts';

const WORLD = '203.0.113.10';
const web = "app == 'web'";
const allow = (destination: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  action: 'Allow',
  ...extra,
  ...(Object.keys(destination).length > 0 && { destination }),
});
const deny = (destination: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  action: 'Deny',
  ...extra,
  ...(Object.keys(destination).length > 0 && { destination }),
});

interface Case {
  name: string;
  policies: (CalicoPolicyBuilder | NetworkPolicyBuilder | KubeObject)[];
  to: string;
  verdict: 'allowed' | 'denied' | 'unknown';
  codes: string[];
  decidedBy?: string[];
  from?: string;
  cluster?: KubeObject[];
}

function answer(c: Case) {
  const objects = [
    ...(c.cluster ?? calicoCluster()),
    ...c.policies.map((p) => ('build' in p && typeof p.build === 'function' ? p.build() : (p as KubeObject))),
  ];
  const d = decisionFor(decide(objects, [c.to], { allPods: true }), c.from ?? 'web', c.to);
  const refs = d.policy!.decidedBy.map((r) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name} ${r.rule}`);
  return { verdict: d.policy!.verdict, codes: d.policy!.reasons.map((r) => r.code), refs };
}

function table(cases: Case[]) {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const got = answer(c);
    expect([got.verdict, got.codes]).toEqual([c.verdict, c.codes]);
    if (c.decidedBy) expect(got.refs).toEqual(c.decidedBy);
  });
}

describe('rules in order, policies by order, the first match decides', () => {
  table([
    {
      name: 'a Deny rule that matches denies',
      policies: [
        calicoNp('p')
          .selecting(web)
          .egress(deny({ nets: ['203.0.113.0/24'] })),
      ],
      to: WORLD,
      verdict: 'denied',
      codes: ['CALICO_DENIED'],
      decidedBy: ['CalicoNetworkPolicy shop/p egress[0]'],
    },
    {
      name: 'an Allow before it wins',
      policies: [
        calicoNp('p')
          .selecting(web)
          .egress(allow({ nets: [`${WORLD}/32`] }))
          .egress(deny()),
      ],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
      decidedBy: ['CalicoNetworkPolicy shop/p egress[0]'],
    },
    {
      name: 'a Log rule goes on to the next rule',
      policies: [calicoNp('p').selecting(web).egress({ action: 'Log' }).egress(allow())],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
      decidedBy: ['CalicoNetworkPolicy shop/p egress[1]'],
    },
    {
      name: 'a lower order goes first',
      policies: [
        calicoNp('a').selecting(web).order(200).egress(allow()),
        gnp('b').selecting(web).order(100).egress(deny()),
      ],
      to: WORLD,
      verdict: 'denied',
      codes: ['CALICO_DENIED'],
      decidedBy: ['GlobalNetworkPolicy b egress[0]'],
    },
    {
      name: 'no order goes last',
      policies: [calicoNp('a').selecting(web).egress(deny()), gnp('b').selecting(web).order(5000).egress(allow())],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
      decidedBy: ['GlobalNetworkPolicy b egress[0]'],
    },
    {
      name: 'equal orders go by name',
      policies: [
        calicoNp('b').selecting(web).order(10).egress(deny()),
        calicoNp('a').selecting(web).order(10).egress(allow()),
      ],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
      decidedBy: ['CalicoNetworkPolicy shop/a egress[0]'],
    },
    {
      name: 'a policy for another pod changes nothing',
      policies: [calicoNp('p').selecting("app == 'api'").egress(deny()), calicoNp('q').selecting(web).egress(allow())],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
    },
  ]);
});

describe('the end of a tier', () => {
  table([
    {
      name: 'policies apply and no rule matches: the tier drops it',
      policies: [
        calicoNp('p')
          .selecting(web)
          .egress(allow({ nets: ['10.0.0.0/8'] })),
      ],
      to: WORLD,
      verdict: 'denied',
      codes: ['CALICO_END_OF_TIER'],
      decidedBy: ['CalicoNetworkPolicy shop/p end of tier default'],
    },
    {
      name: 'a policy with no egress rules drops everything',
      policies: [calicoNp('p').selecting(web)],
      to: WORLD,
      verdict: 'denied',
      codes: ['CALICO_END_OF_TIER'],
    },
    {
      name: 'a tier with defaultAction Pass goes on, and the profile allows',
      policies: [
        tier('security', 100, 'Pass'),
        gnp('p')
          .tier('security')
          .selecting(web)
          .egress(allow({ nets: ['10.0.0.0/8'] })),
      ],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CALICO_PROFILE_ALLOWS'],
    },
  ]);
});

describe('tiers, and Pass', () => {
  const security = tier('security', 100);
  table([
    {
      name: 'a tier of lower order goes first',
      policies: [
        security,
        gnp('block').tier('security').selecting(web).egress(deny()),
        calicoNp('open').selecting(web).egress(allow()),
      ],
      to: WORLD,
      verdict: 'denied',
      codes: ['CALICO_DENIED'],
      decidedBy: ['GlobalNetworkPolicy block egress[0]'],
    },
    {
      name: 'Pass hands it to the next tier',
      policies: [
        security,
        gnp('pass').tier('security').selecting(web).egress({ action: 'Pass' }),
        calicoNp('open').selecting(web).egress(allow()),
      ],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
      decidedBy: ['CalicoNetworkPolicy shop/open egress[0]'],
    },
    {
      name: 'and past the last tier the profile allows',
      policies: [security, gnp('pass').tier('security').selecting(web).egress({ action: 'Pass' })],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CALICO_PROFILE_ALLOWS'],
    },
    {
      name: 'a tier with no order goes last',
      policies: [
        tier('late'),
        gnp('late').tier('late').selecting(web).egress(deny()),
        calicoNp('open').selecting(web).egress({ action: 'Pass' }),
      ],
      to: WORLD,
      verdict: 'denied',
      codes: ['CALICO_DENIED'],
      decidedBy: ['GlobalNetworkPolicy late egress[0]'],
    },
    {
      name: 'a tier that was not found leaves it unknown',
      policies: [gnp('p').tier('missing').selecting(web).egress(deny())],
      to: WORLD,
      verdict: 'unknown',
      codes: ['CALICO_TIER_UNKNOWN'],
    },
  ]);
});

describe('Kubernetes NetworkPolicy in the default tier at order 1000', () => {
  const isolate = networkPolicy('isolate', 'shop')
    .selecting({ matchLabels: { app: 'web' } })
    .types('Egress');
  const allowWorld = networkPolicy('world', 'shop')
    .selecting({ matchLabels: { app: 'web' } })
    .types('Egress')
    .egress({ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }] });
  table([
    {
      name: 'a Calico allow before it lets out what the NetworkPolicy isolates',
      policies: [isolate, gnp('early').selecting(web).order(100).egress(allow())],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
      decidedBy: ['GlobalNetworkPolicy early egress[0]'],
    },
    {
      name: 'a NetworkPolicy allow goes before a Calico deny of higher order',
      policies: [allowWorld, calicoNp('late').selecting(web).order(2000).egress(deny())],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
      decidedBy: ['NetworkPolicy shop/world egress[0]'],
    },
    {
      name: 'one that allows nothing hands on to a later Calico policy in the tier',
      policies: [isolate, calicoNp('late').selecting(web).order(2000).egress(allow())],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
      decidedBy: ['CalicoNetworkPolicy shop/late egress[0]'],
    },
    {
      name: 'and with nothing after it, the tier drops it',
      policies: [
        isolate,
        calicoNp('late')
          .selecting(web)
          .order(2000)
          .egress(allow({ nets: ['10.0.0.0/8'] })),
      ],
      to: WORLD,
      verdict: 'denied',
      codes: ['CALICO_END_OF_TIER'],
    },
    {
      name: 'a Calico policy at order 1000 beside it: the tie-break changed between releases',
      policies: [isolate, calicoNp('same').selecting(web).order(1000).egress(allow())],
      to: WORLD,
      verdict: 'unknown',
      codes: ['CALICO_ORDER_TIE'],
    },
  ]);
});

describe('rule fields', () => {
  const p = (rule: Record<string, unknown>) => calicoNp('p').selecting(web).egress(rule);
  table([
    {
      name: 'notNets: outside them',
      policies: [p(allow({ notNets: ['10.0.0.0/8'] }))],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
    },
    {
      name: 'notNets: inside them it does not match',
      policies: [p(allow({ notNets: ['203.0.113.0/24'] }))],
      to: WORLD,
      verdict: 'denied',
      codes: ['CALICO_END_OF_TIER'],
    },
    {
      name: 'nets match pod addresses too',
      policies: [p(allow({ nets: ['192.168.2.0/24'] }))],
      to: CALICO_IPS.pg,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
    },
    {
      name: 'a port',
      policies: [p(allow({ ports: [443] }, { protocol: 'TCP' }))],
      to: `${WORLD}:443`,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
    },
    {
      name: 'a port range "first:last"',
      policies: [p(allow({ ports: ['8000:8100'] }, { protocol: 'TCP' }))],
      to: `${WORLD}:8080`,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
    },
    {
      name: 'outside the range',
      policies: [p(allow({ ports: ['8000:8100'] }, { protocol: 'TCP' }))],
      to: `${WORLD}:443`,
      verdict: 'denied',
      codes: ['CALICO_END_OF_TIER'],
    },
    {
      name: 'notPorts',
      policies: [p(allow({ notPorts: [25] }, { protocol: 'TCP' }))],
      to: `${WORLD}:25`,
      verdict: 'denied',
      codes: ['CALICO_END_OF_TIER'],
    },
    {
      name: 'no port given',
      policies: [p(allow({ ports: [443] }, { protocol: 'TCP' }))],
      to: WORLD,
      verdict: 'unknown',
      codes: ['CALICO_PORT_NOT_GIVEN'],
    },
    {
      name: 'a named port',
      policies: [p(allow({ ports: ['https'] }, { protocol: 'TCP' }))],
      to: `${WORLD}:443`,
      verdict: 'unknown',
      codes: ['CALICO_NAMED_PORT'],
    },
    {
      name: 'protocol UDP does not match TCP',
      policies: [p(allow({}, { protocol: 'UDP' }))],
      to: WORLD,
      verdict: 'denied',
      codes: ['CALICO_END_OF_TIER'],
    },
    {
      name: 'protocol by number (17 is UDP)',
      policies: [p(allow({}, { protocol: 17 }))],
      to: `${WORLD}:53/UDP`,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
    },
    {
      name: 'notProtocol',
      policies: [p(allow({}, { notProtocol: 'TCP' }))],
      to: WORLD,
      verdict: 'denied',
      codes: ['CALICO_END_OF_TIER'],
    },
    {
      name: 'icmp rules never match TCP',
      policies: [p(allow({}, { protocol: 'ICMP', icmp: { type: 8 } }))],
      to: WORLD,
      verdict: 'denied',
      codes: ['CALICO_END_OF_TIER'],
    },
    {
      name: 'ipVersion 6 does not match IPv4',
      policies: [p(allow({}, { ipVersion: 6 }))],
      to: WORLD,
      verdict: 'denied',
      codes: ['CALICO_END_OF_TIER'],
    },
    {
      name: "source nets hold the pod's own address",
      policies: [p({ action: 'Deny', source: { nets: ['192.168.1.0/24'] } })],
      to: WORLD,
      verdict: 'denied',
      codes: ['CALICO_DENIED'],
    },
    {
      name: "source ports are the connection's ephemeral port",
      policies: [p({ action: 'Allow', source: { ports: ['1024:2048'] } })],
      to: WORLD,
      verdict: 'unknown',
      codes: ['CALICO_SOURCE_PORTS'],
    },
    {
      name: "an unknown Deny before the tier's end drops it either way",
      policies: [p({ action: 'Deny', source: { ports: ['1024:2048'] } })],
      to: WORLD,
      verdict: 'denied',
      codes: ['CALICO_END_OF_TIER'],
    },
    {
      name: "http rules are the L7 proxy's",
      policies: [p(allow({}, { http: { methods: ['GET'] } }))],
      to: WORLD,
      verdict: 'unknown',
      codes: ['CALICO_RULE_NOT_MODELLED'],
    },
    {
      name: 'destination services are not worked out',
      policies: [p(allow({ services: { name: 'kubernetes', namespace: 'default' } }))],
      to: WORLD,
      verdict: 'unknown',
      codes: ['CALICO_RULE_NOT_MODELLED'],
    },
  ]);
});

describe('destination selectors', () => {
  const p = (destination: Record<string, unknown>) => calicoNp('p').selecting(web).egress(allow(destination));
  table([
    {
      name: 'a pod it selects, in the namespace a namespaceSelector picks',
      policies: [p({ selector: "app == 'pg'", namespaceSelector: "team == 'data'" })],
      to: `${CALICO_IPS.pg}:5432`,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
    },
    {
      name: "a NetworkPolicy rule's selector stays in its namespace",
      policies: [p({ selector: "app == 'pg'" })],
      to: CALICO_IPS.pg,
      verdict: 'unknown',
      codes: ['CALICO_SELECTOR_SETS_NOT_READ'],
    },
    {
      name: 'namespaceSelector all() is any namespace',
      policies: [p({ selector: "app == 'pg'", namespaceSelector: 'all()' })],
      to: CALICO_IPS.pg,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
    },
    {
      name: "a GlobalNetworkPolicy rule's selector is cluster-wide",
      policies: [
        gnp('g')
          .selecting(web)
          .egress(allow({ selector: "app == 'pg'" })),
      ],
      to: CALICO_IPS.pg,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
    },
    {
      name: 'an address no pod selected holds may be in a network set',
      policies: [p({ selector: "role == 'partner'" })],
      to: WORLD,
      verdict: 'unknown',
      codes: ['CALICO_SELECTOR_SETS_NOT_READ'],
    },
    {
      name: 'notSelector matching the pod there rules it out',
      policies: [
        gnp('g')
          .selecting(web)
          .egress(allow({ notSelector: "app == 'pg'" })),
      ],
      to: CALICO_IPS.pg,
      verdict: 'denied',
      codes: ['CALICO_END_OF_TIER'],
    },
    {
      name: 'serviceAccounts by name',
      policies: [
        gnp('g')
          .selecting(web)
          .egress(allow({ serviceAccounts: { names: ['default'] }, namespaceSelector: "team == 'data'" })),
      ],
      to: CALICO_IPS.pg,
      verdict: 'allowed',
      codes: ['CALICO_ALLOWED'],
    },
    {
      name: 'an unknown rule of the same action as the deciding one does not matter',
      policies: [
        calicoNp('p')
          .selecting(web)
          .egress(deny({ selector: "role == 'partner'" }))
          .egress(deny()),
      ],
      to: WORLD,
      verdict: 'denied',
      codes: ['CALICO_DENIED'],
    },
    {
      name: 'one of another action does',
      policies: [
        calicoNp('p')
          .selecting(web)
          .egress(allow({ selector: "role == 'partner'" }))
          .egress(deny()),
      ],
      to: WORLD,
      verdict: 'unknown',
      codes: ['CALICO_SELECTOR_SETS_NOT_READ'],
    },
  ]);
});

describe('where the Calico verdict is not worked out', () => {
  const cluster = calicoCluster().filter((o) => o.kind !== 'DaemonSet');
  table([
    {
      name: 'calico-node was not found',
      cluster,
      policies: [calicoNp('p').selecting(web).egress(deny())],
      to: WORLD,
      verdict: 'unknown',
      codes: ['CALICO_POLICY_SELECTS', 'NETPOL_NOT_ISOLATED'],
    },
    {
      name: 'an admin network policy exists',
      policies: [
        calicoNp('p').selecting(web).egress(deny()),
        {
          apiVersion: 'policy.networking.k8s.io/v1alpha1',
          kind: 'AdminNetworkPolicy',
          metadata: { name: 'a' },
          spec: { priority: 10, subject: { namespaces: {} }, egress: [] },
        },
      ],
      to: WORLD,
      verdict: 'unknown',
      codes: ['CALICO_POLICY_SELECTS', 'NETPOL_NOT_ISOLATED'],
    },
  ]);
});
