/**
 * Admin policy verdicts, case by case as network-policy-api's conformance suite asserts them for
 * egress (conformance/tests/admin-network-policy-standard-{egress-tcp-rules,egress-udp-rules,
 * egress-inline-cidr-rules,priority,integration}.go and the experimental egress selector rules,
 * with their manifests in conformance/base/): the houses' pods, harry-potter-0 in gryffindor the
 * client. Written for ClusterNetworkPolicy (v1alpha2, as the suite is today) and for the
 * v1alpha1 AdminNetworkPolicy / BaselineAdminNetworkPolicy it replaced, plus what this tool adds:
 * unknown where the input or the spec cannot decide.
 */
import { describe, expect, it } from 'vitest';
import { networkPolicyVerdict } from '../../../../src/engine/policy/network-policy.ts';
import { tieredVerdict } from '../../../../src/engine/policy/tiers.ts';
import type { PolicyEnforcer, PolicyTarget } from '../../../../src/model/policy.ts';
import {
  adminView,
  anp,
  banp,
  cnp,
  house,
  HOUSE_PODS,
  testNode,
  type AdminPolicyBuilder,
} from '../../../support/admin-policy-builders.ts';
import { networkPolicy, testPod, to, type NetworkPolicyBuilder } from '../../../support/policy-builders.ts';

const IP: Record<string, string> = Object.fromEntries(HOUSE_PODS.map((p) => [p.name, p.podIPs[0]!]));
const ns = (h: Parameters<typeof house>[0]) => ({ namespaces: house(h) });
const tcp = (number: number) => ({ tcp: { destinationPort: { number } } });

/** conformance/base/admin_tier/standard-egress-tcp-rules.yaml, rule by rule. */
const egressTcp = () =>
  cnp('egress-tcp', 'Admin', 6)
    .subject(ns('gryffindor'))
    .egress({ name: 'allow-to-ravenclaw-everything', action: 'Accept', to: [ns('ravenclaw')] })
    .egress({ name: 'deny-to-ravenclaw-everything', action: 'Deny', to: [ns('ravenclaw')] })
    .egress({ name: 'pass-to-ravenclaw-everything', action: 'Pass', to: [ns('ravenclaw')] })
    .egress({ name: 'deny-to-slytherin-at-port-80', action: 'Deny', to: [ns('slytherin')], protocols: [tcp(80)] })
    .egress({ name: 'pass-to-slytherin-at-port-80', action: 'Pass', to: [ns('slytherin')], protocols: [tcp(80)] })
    .egress({
      name: 'allow-to-hufflepuff-at-port-8080',
      action: 'Accept',
      to: [ns('hufflepuff')],
      protocols: [tcp(8080)],
    })
    .egress({ name: 'deny-to-hufflepuff-everything-else', action: 'Deny', to: [ns('hufflepuff')] });
/** The same with the rules at index 0 and 1 swapped, as the suite's deny test does. */
const egressTcpDenyFirst = () =>
  cnp('egress-tcp', 'Admin', 6)
    .subject(ns('gryffindor'))
    .egress({ name: 'deny-to-ravenclaw-everything', action: 'Deny', to: [ns('ravenclaw')] })
    .egress({ name: 'allow-to-ravenclaw-everything', action: 'Accept', to: [ns('ravenclaw')] });

const gryffindorPods = { pods: { namespaceSelector: house('gryffindor'), podSelector: house('gryffindor') } };
const slytherinPods = { pods: { namespaceSelector: house('slytherin'), podSelector: house('slytherin') } };
/** conformance/base/admin_tier/standard-priority-field.yaml; `passAt` is the Pass policy's priority (60, then 40). */
const priorityField = (passAt: number) => [
  cnp('priority-50-example', 'Admin', 50)
    .subject(gryffindorPods)
    .egress({ name: 'deny-all-egress-to-slytherin', action: 'Deny', to: [slytherinPods] }),
  cnp('old-priority-60-new-priority-40-example', 'Admin', passAt)
    .subject(gryffindorPods)
    .egress({ name: 'pass-all-egress-to-slytherin', action: 'Pass', to: [slytherinPods] }),
  cnp('default', 'Baseline', 10)
    .subject(gryffindorPods)
    .egress({ name: 'allow-all-egress-to-slytherin', action: 'Accept', to: [slytherinPods] }),
];

/** conformance/base/api_integration/standard-anp-np-banp.yaml; `action` of the Admin policy (Deny, then Pass). */
const integration = (action: string) =>
  cnp('pass-example', 'Admin', 10)
    .subject(ns('gryffindor'))
    .egress({ name: 'deny-all-egress-to-slytherin', action, to: [ns('slytherin')] });
const npAllowSlytherin = () =>
  networkPolicy('allow-gress-from-to-slytherin-to-gryffindor', 'gryffindor')
    .types('Ingress', 'Egress')
    .egress({ to: [{ namespaceSelector: house('slytherin') }] });
const baselineDenySlytherin = () =>
  cnp('default', 'Baseline', 10)
    .subject(ns('gryffindor'))
    .egress({ name: 'deny-all-egress-to-slytherin', action: 'Deny', to: [ns('slytherin')] });

/** conformance/base/admin_tier/standard-egress-inline-cidr-rules.yaml, with the suite's inserted allow of two pod IPs when `allowIPs`. */
const inlineCidr = (allowIPs = false) => {
  const policy = cnp('inline-cidr-as-peers-example', 'Admin', 85).subject(gryffindorPods);
  if (allowIPs)
    policy.egress({
      name: 'allow-egress-to-specific-podIPs',
      action: 'Accept',
      to: [{ networks: [`${IP['luna-lovegood-0']}/32`, `${IP['cedric-diggory-0']}/32`] }],
    });
  return policy
    .egress({ name: 'allow-egress-to-slytherin', action: 'Accept', to: [slytherinPods] })
    .egress({ name: 'deny-egress-to-internet', action: 'Deny', to: [{ networks: ['0.0.0.0/0', '::/0'] }] });
};

interface Case {
  name: string;
  policies: AdminPolicyBuilder[];
  networkPolicies?: NetworkPolicyBuilder[];
  to: PolicyTarget;
  verdict: 'allowed' | 'denied' | 'unknown';
  codes: string[];
  from?: string;
  view?: ReturnType<typeof adminView>;
  enforcers?: PolicyEnforcer[];
}

function verdictOf(c: Case): [string, string[]] {
  const from =
    HOUSE_PODS.find((p) => p.name === (c.from ?? 'harry-potter-0')) ??
    testPod(c.from!, '10.0.9.9', { hostNetwork: true });
  const view = c.view ?? adminView();
  const policies = c.policies.map((p) => p.info()).sort((a, b) => a.priority - b.priority);
  const nps = (c.networkPolicies ?? []).map((p) => p.info());
  const answer = tieredVerdict(policies, c.enforcers ?? [], from, c.to, view, () =>
    networkPolicyVerdict(nps, from, c.to, view),
  );
  return [answer.verdict, answer.reasons.map((r) => r.code)];
}

function table(cases: Case[]): void {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    expect(verdictOf(c)).toEqual([c.verdict, c.codes]);
  });
}

describe('the Admin tier: rules in order within a policy, the first match decides (standard-egress-tcp-rules)', () => {
  table([
    {
      name: 'Accept before Deny to ravenclaw: allowed on port 80',
      policies: [egressTcp()],
      to: to(IP['luna-lovegood-0']!, 80),
      verdict: 'allowed',
      codes: ['ADMIN_POLICY_ALLOWED'],
    },
    {
      name: 'Accept before Deny to ravenclaw: allowed on port 8080',
      policies: [egressTcp()],
      to: to(IP['luna-lovegood-1']!, 8080),
      verdict: 'allowed',
      codes: ['ADMIN_POLICY_ALLOWED'],
    },
    {
      name: 'Deny moved before Accept: denied',
      policies: [egressTcpDenyFirst()],
      to: to(IP['luna-lovegood-0']!, 80),
      verdict: 'denied',
      codes: ['ADMIN_POLICY_DENIED'],
    },
    {
      name: 'hufflepuff at port 8080: the port-restricted Accept',
      policies: [egressTcp()],
      to: to(IP['cedric-diggory-1']!, 8080),
      verdict: 'allowed',
      codes: ['ADMIN_POLICY_ALLOWED'],
    },
    {
      name: 'hufflepuff at port 80: the Deny after it',
      policies: [egressTcp()],
      to: to(IP['cedric-diggory-1']!, 80),
      verdict: 'denied',
      codes: ['ADMIN_POLICY_DENIED'],
    },
    {
      name: 'slytherin at port 80: denied',
      policies: [egressTcp()],
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'denied',
      codes: ['ADMIN_POLICY_DENIED'],
    },
    {
      name: 'slytherin at port 8080: no rule matches, so nothing isolates the pod',
      policies: [egressTcp()],
      to: to(IP['draco-malfoy-0']!, 8080),
      verdict: 'allowed',
      codes: ['NETPOL_NOT_ISOLATED'],
    },
    {
      name: 'a TCP port rule never matches UDP (standard-egress-udp-rules)',
      policies: [egressTcp()],
      to: to(IP['draco-malfoy-0']!, 80, 'UDP'),
      verdict: 'allowed',
      codes: ['NETPOL_NOT_ISOLATED'],
    },
    {
      name: 'a pod outside the subject is not affected',
      from: 'luna-lovegood-0',
      policies: [egressTcp()],
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'allowed',
      codes: ['NETPOL_NOT_ISOLATED'],
    },
  ]);
});

describe('priority across policies, lower first (standard-priority-field)', () => {
  table([
    {
      name: 'Deny at 50 before Pass at 60: denied',
      policies: priorityField(60),
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'denied',
      codes: ['ADMIN_POLICY_DENIED'],
    },
    {
      name: 'Pass moved to 40: passed on, and the Baseline tier accepts',
      policies: priorityField(40),
      to: to(IP['draco-malfoy-1']!, 8080),
      verdict: 'allowed',
      codes: ['ADMIN_POLICY_PASSED', 'BASELINE_POLICY_ALLOWED'],
    },
    {
      name: 'two policies of one priority that disagree: up to the implementation, unknown',
      policies: [
        cnp('a', 'Admin', 50).egress({ action: 'Deny', to: [ns('slytherin')] }),
        cnp('b', 'Admin', 50).egress({ action: 'Accept', to: [ns('slytherin')] }),
      ],
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'unknown',
      codes: ['ADMIN_POLICY_SAME_PRIORITY'],
    },
    {
      name: 'two policies of one priority that agree: their verdict',
      policies: [
        cnp('a', 'Admin', 50).egress({ action: 'Deny', to: [ns('slytherin')] }),
        cnp('b', 'Admin', 50).egress({ action: 'Deny', to: [{ networks: ['10.0.0.0/8'] }] }),
      ],
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'denied',
      codes: ['ADMIN_POLICY_DENIED', 'ADMIN_POLICY_DENIED'],
    },
    {
      name: 'one priority, only one of them matches: that one decides',
      policies: [
        cnp('a', 'Admin', 50).egress({ action: 'Deny', to: [ns('slytherin')] }),
        cnp('b', 'Admin', 50).egress({ action: 'Accept', to: [ns('ravenclaw')] }),
      ],
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'denied',
      codes: ['ADMIN_POLICY_DENIED'],
    },
  ]);
});

describe('Admin tier, then NetworkPolicy, then Baseline tier (standard-integration)', () => {
  table([
    {
      name: 'an Admin Deny overrides a NetworkPolicy allow',
      policies: [integration('Deny'), baselineDenySlytherin()],
      networkPolicies: [npAllowSlytherin()],
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'denied',
      codes: ['ADMIN_POLICY_DENIED'],
    },
    {
      name: 'Pass hands it to the NetworkPolicy, which allows it',
      policies: [integration('Pass'), baselineDenySlytherin()],
      networkPolicies: [npAllowSlytherin()],
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'allowed',
      codes: ['ADMIN_POLICY_PASSED', 'NETPOL_ALLOWED'],
    },
    {
      name: 'Pass and no NetworkPolicy: the Baseline Deny decides',
      policies: [integration('Pass'), baselineDenySlytherin()],
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'denied',
      codes: ['ADMIN_POLICY_PASSED', 'BASELINE_POLICY_DENIED'],
    },
    {
      name: 'a NetworkPolicy isolating the pod decides before the Baseline tier, even to deny',
      policies: [cnp('default', 'Baseline', 10).egress({ action: 'Accept', to: [ns('slytherin')] })],
      networkPolicies: [networkPolicy('deny-egress', 'gryffindor').types('Egress')],
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'denied',
      codes: ['NETPOL_DENIED'],
    },
  ]);
});

/** conformance/base/baseline_tier/standard-egress-tcp-rules.yaml, its first rules. */
const baselineTcp = () =>
  cnp('default', 'Baseline', 10)
    .subject(ns('gryffindor'))
    .egress({ name: 'allow-to-ravenclaw-everything', action: 'Accept', to: [ns('ravenclaw')] })
    .egress({ name: 'deny-to-ravenclaw-everything', action: 'Deny', to: [ns('ravenclaw')] })
    .egress({ name: 'deny-to-slytherin-at-port-80', action: 'Deny', to: [ns('slytherin')], protocols: [tcp(80)] });

describe('the Baseline tier: rules in order, for pods no NetworkPolicy isolates (baseline standard-egress-tcp-rules)', () => {
  table([
    {
      name: 'Accept before Deny to ravenclaw: allowed',
      policies: [baselineTcp()],
      to: to(IP['luna-lovegood-0']!, 80),
      verdict: 'allowed',
      codes: ['BASELINE_POLICY_ALLOWED'],
    },
    {
      name: 'slytherin at port 80: denied',
      policies: [baselineTcp()],
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'denied',
      codes: ['BASELINE_POLICY_DENIED'],
    },
    {
      name: 'slytherin at port 8080: nothing matches, let out',
      policies: [baselineTcp()],
      to: to(IP['draco-malfoy-0']!, 8080),
      verdict: 'allowed',
      codes: ['NETPOL_NOT_ISOLATED'],
    },
    {
      name: 'an Admin Pass in front of the baseline changes nothing for it',
      policies: [cnp('pass', 'Admin', 1).egress({ action: 'Pass', to: [ns('slytherin')] }), baselineTcp()],
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'denied',
      codes: ['ADMIN_POLICY_PASSED', 'BASELINE_POLICY_DENIED'],
    },
  ]);
});

describe('networks and nodes peers (standard-egress-inline-cidr-rules, experimental-egress-selector-rules)', () => {
  const nodes = [testNode('n1', '192.168.1.20', { 'kubernetes.io/os': 'linux' }), testNode('n2', '192.168.1.21')];
  const denyLinuxNodes = () =>
    cnp('nodes', 'Admin', 5).egress({
      action: 'Deny',
      to: [{ nodes: { matchLabels: { 'kubernetes.io/os': 'linux' } } }],
    });
  table([
    {
      name: '0.0.0.0/0 denies pods too',
      policies: [inlineCidr()],
      to: to(IP['luna-lovegood-0']!, 80),
      verdict: 'denied',
      codes: ['ADMIN_POLICY_DENIED'],
    },
    {
      name: '0.0.0.0/0 denies the internet',
      policies: [inlineCidr()],
      to: to('203.0.113.10', 443),
      verdict: 'denied',
      codes: ['ADMIN_POLICY_DENIED'],
    },
    {
      name: '::/0 denies IPv6',
      policies: [inlineCidr()],
      to: to('2001:db8::1', 443),
      verdict: 'denied',
      codes: ['ADMIN_POLICY_DENIED'],
    },
    {
      name: 'the pods Accept before it wins',
      policies: [inlineCidr()],
      to: to(IP['draco-malfoy-1']!, 9003),
      verdict: 'allowed',
      codes: ['ADMIN_POLICY_ALLOWED'],
    },
    {
      name: 'a pod IP /32 Accept inserted first allows that pod',
      policies: [inlineCidr(true)],
      to: to(IP['cedric-diggory-0']!, 53),
      verdict: 'allowed',
      codes: ['ADMIN_POLICY_ALLOWED'],
    },
    {
      name: 'and not its neighbour',
      policies: [inlineCidr(true)],
      to: to(IP['cedric-diggory-1']!, 53),
      verdict: 'denied',
      codes: ['ADMIN_POLICY_DENIED'],
    },
    {
      name: "a nodes peer matches a selected node's address",
      policies: [denyLinuxNodes()],
      view: adminView(nodes),
      to: to('192.168.1.20', 6443),
      verdict: 'denied',
      codes: ['ADMIN_POLICY_DENIED'],
    },
    {
      name: 'not a node it does not select',
      policies: [denyLinuxNodes()],
      view: adminView(nodes),
      to: to('192.168.1.21', 6443),
      verdict: 'allowed',
      codes: ['NETPOL_NOT_ISOLATED'],
    },
    {
      name: 'an address no node read has, when not every node was read: unknown',
      policies: [denyLinuxNodes()],
      view: adminView(nodes, false),
      to: to('192.168.1.30', 6443),
      verdict: 'unknown',
      codes: ['ADMIN_POLICY_NODE_UNKNOWN'],
    },
    {
      name: 'domainNames: the enforcer resolves them, unknown',
      policies: [
        cnp('fqdn', 'Admin', 5)
          .egress({ action: 'Accept', to: [{ domainNames: ['*.example.com'] }] })
          .egress({ action: 'Deny', to: [{ networks: ['0.0.0.0/0'] }] }),
      ],
      to: to('203.0.113.10', 443),
      verdict: 'unknown',
      codes: ['ADMIN_POLICY_DOMAIN_NAMES'],
    },
  ]);
});

describe('AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1)', () => {
  const ports = (...p: unknown[]) => p;
  table([
    {
      name: 'Allow at a lower priority number beats Deny',
      policies: [
        anp('deny', 20).egress({ action: 'Deny', to: [ns('slytherin')] }),
        anp('allow', 10).egress({
          action: 'Allow',
          to: [ns('slytherin')],
          ports: ports({ portNumber: { protocol: 'TCP', port: 80 } }),
        }),
      ],
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'allowed',
      codes: ['ADMIN_POLICY_ALLOWED'],
    },
    {
      name: 'a portRange includes its end',
      policies: [
        anp('deny', 10).egress({
          action: 'Deny',
          to: [ns('slytherin')],
          ports: ports({ portRange: { protocol: 'TCP', start: 8000, end: 9000 } }),
        }),
      ],
      to: to(IP['draco-malfoy-0']!, 9000),
      verdict: 'denied',
      codes: ['ADMIN_POLICY_DENIED'],
    },
    {
      name: 'without a port, a port rule cannot decide',
      policies: [
        anp('deny', 10).egress({ action: 'Deny', to: [ns('slytherin')], ports: ports({ portNumber: { port: 80 } }) }),
      ],
      to: to(IP['draco-malfoy-0']!),
      verdict: 'unknown',
      codes: ['NETPOL_PORT_NOT_GIVEN'],
    },
    {
      name: "a namedPort is the pod's container port: unknown as for NetworkPolicy",
      policies: [
        anp('deny', 10).egress({ action: 'Deny', to: [ns('slytherin')], ports: ports({ namedPort: 'http' }) }),
      ],
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'unknown',
      codes: ['NETPOL_NAMED_PORT'],
    },
    {
      name: 'the BaselineAdminNetworkPolicy denies where no NetworkPolicy isolates',
      policies: [banp().egress({ action: 'Deny', to: [ns('slytherin')] })],
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'denied',
      codes: ['BASELINE_POLICY_DENIED'],
    },
    {
      name: 'and not where one does',
      policies: [banp().egress({ action: 'Deny', to: [ns('slytherin')] })],
      networkPolicies: [npAllowSlytherin()],
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'allowed',
      codes: ['NETPOL_ALLOWED'],
    },
    {
      name: 'a BaselineAdminNetworkPolicy not named default is refused: unknown',
      policies: [banp('other').egress({ action: 'Deny', to: [ns('slytherin')] })],
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'unknown',
      codes: ['ADMIN_POLICY_INVALID'],
    },
    {
      name: 'a priority above 1000 is refused: unknown',
      policies: [anp('p', 1001).egress({ action: 'Deny', to: [ns('slytherin')] })],
      to: to(IP['draco-malfoy-0']!, 80),
      verdict: 'unknown',
      codes: ['ADMIN_POLICY_INVALID'],
    },
    {
      name: 'a host-networked pod is never a subject',
      from: 'x/host',
      policies: [anp('deny-all', 1).egress({ action: 'Deny', to: [{ networks: ['0.0.0.0/0'] }] })],
      to: to('203.0.113.10', 443),
      verdict: 'allowed',
      codes: ['NETPOL_NOT_ISOLATED'],
    },
    {
      name: 'a host-networked pod is never a pods peer',
      policies: [anp('deny', 1).egress({ action: 'Deny', to: [{ namespaces: {} }] })],
      view: adminView([], true, [...HOUSE_PODS, testPod('gryffindor/host', '192.168.1.5', { hostNetwork: true })]),
      to: to('192.168.1.5', 80),
      verdict: 'allowed',
      codes: ['NETPOL_NOT_ISOLATED'],
    },
    {
      name: 'whether the subject selects the pod is unknown when its namespace was not read',
      policies: [anp('deny', 1).egress({ action: 'Deny', to: [{ networks: ['0.0.0.0/0'] }] })],
      view: { ...adminView(), namespaceLabels: () => undefined },
      to: to('203.0.113.10', 443),
      verdict: 'unknown',
      codes: ['ADMIN_POLICY_SUBJECT_UNKNOWN'],
    },
  ]);
});

describe('which enforcers implement them', () => {
  const router: PolicyEnforcer = { id: 'kube-router', source: { kind: 'DaemonSet', name: 'kube-router' }, admin: {} };
  const calico: PolicyEnforcer = {
    id: 'calico',
    source: { kind: 'DaemonSet', name: 'calico-node' },
    admin: { AdminNetworkPolicy: 'unknown', BaselineAdminNetworkPolicy: 'unknown', ClusterNetworkPolicy: 'unknown' },
  };
  const denyAll = () => anp('deny-all', 1).egress({ action: 'Deny', to: [{ networks: ['0.0.0.0/0'] }] });
  table([
    {
      name: 'an enforcer that does not implement them: they change nothing, and the trace says so',
      enforcers: [router],
      policies: [denyAll()],
      to: to('203.0.113.10', 443),
      verdict: 'allowed',
      codes: ['NETPOL_NOT_ISOLATED', 'ADMIN_POLICY_NOT_ENFORCED'],
    },
    {
      name: 'one whose support is unknown, where it decides: unknown',
      enforcers: [calico],
      policies: [denyAll()],
      to: to('203.0.113.10', 443),
      verdict: 'unknown',
      codes: ['ADMIN_POLICY_ENFORCEMENT_UNKNOWN', 'ADMIN_POLICY_DENIED'],
    },
    {
      name: 'one whose support is unknown, where the verdict is the same either way: that verdict',
      enforcers: [calico],
      policies: [denyAll()],
      networkPolicies: [networkPolicy('deny-egress', 'gryffindor').types('Egress')],
      to: to('203.0.113.10', 443),
      verdict: 'denied',
      codes: ['ADMIN_POLICY_DENIED'],
    },
  ]);
});
