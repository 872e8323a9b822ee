/**
 * The Cilium verdict, case by case from Cilium's own policy documentation
 * (Documentation/security/policy/language.rst and intro.rst examples: to-world, cidr-rule,
 * l4-rule, port ranges, DNS-based rules, deny policies, default deny, enableDefaultDeny) and its
 * rule semantics (pkg/policy/api rule_validation.go Sanitize; repository.go default deny), plus
 * how it composes with the Kubernetes NetworkPolicies Cilium enforces beside it, and what this
 * tool answers `unknown` for.
 */
import { describe, expect, it } from 'vitest';
import { fqdnMatches } from '../../../../src/engine/policy/cilium-destination.ts';
import type { KubeObject } from '../../../../src/model/objects.ts';
import { ccnp, ciliumCluster, cnp, IPS, type CiliumPolicyBuilder } from '../../../support/cilium-policy-builders.ts';
import { networkPolicy, type NetworkPolicyBuilder } from '../../../support/policy-builders.ts';
import { decide, decisionFor } from '../../../support/predict.ts';

const frontend = { matchLabels: { role: 'frontend' } };
const myService = { matchLabels: { app: 'myService' } };
const WORLD = '203.0.113.10';

interface Case {
  name: string;
  policies: (CiliumPolicyBuilder | NetworkPolicyBuilder)[];
  to: string;
  verdict: 'allowed' | 'denied' | 'unknown';
  codes: string[];
  /** decidedBy as `Kind namespace/name rule`. */
  decidedBy?: string[];
  config?: Record<string, string>;
  from?: string;
  extra?: KubeObject[];
  allPods?: boolean;
}

function answer(c: Case) {
  const objects = [...ciliumCluster(c.config), ...(c.extra ?? []), ...c.policies.map((p) => p.build())];
  const d = decisionFor(decide(objects, [c.to], { allPods: c.allPods ?? true }), c.from ?? 'frontend', c.to);
  const refs = d.policy!.decidedBy.map((r) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name} ${r.rule}`);
  return {
    verdict: d.policy!.verdict,
    codes: d.policy!.reasons.map((r) => r.code),
    refs,
    sourceIP: d.sourceIP,
    identity: d.identity,
  };
}

function table(cases: Case[]) {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const got = answer(c);
    expect([got.verdict, got.codes]).toEqual([c.verdict, c.codes]);
    if (c.decidedBy) expect(got.refs).toEqual(c.decidedBy);
  });
}

describe('the Cilium documentation examples', () => {
  const toWorld = cnp('to-world')
    .selecting({ matchLabels: { env: 'dev' } })
    .egress({ toEntities: ['world'] });
  const cidrRule = cnp('cidr-rule')
    .selecting(myService)
    .egress({ toCIDR: ['20.1.1.1/32'] })
    .egress({ toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] }] });
  const l4Rule = cnp('l4-rule')
    .selecting(myService)
    .egress({ toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] });
  const l4Range = cnp('l4-port-range-rule')
    .selecting(myService)
    .egress({ toPorts: [{ ports: [{ port: '80', endPort: 444, protocol: 'TCP' }] }] });
  const labelsL4 = cnp('l4-rule')
    .selecting(frontend)
    .egress({
      toEndpoints: [{ matchLabels: { role: 'backend' } }],
      toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }],
    });
  const cidrL4 = cnp('cidr-l4-rule')
    .selecting(myService)
    .egress({ toCIDR: ['192.0.2.0/24'], toPorts: [{ ports: [{ port: '443' }] }] });
  const defaultDeny = cnp('deny-all-egress').selecting({}).egress({});
  table([
    {
      name: 'to-world: env=dev may reach the internet',
      policies: [toWorld],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CNP_ALLOWED'],
      decidedBy: ['CiliumNetworkPolicy shop/to-world spec.egress[0]'],
    },
    {
      name: "to-world: and nothing in the cluster, its own namespace's pods included (default deny)",
      policies: [toWorld],
      to: `${IPS.backend}:80`,
      verdict: 'denied',
      codes: ['CNP_DEFAULT_DENY'],
      decidedBy: ['CiliumNetworkPolicy shop/to-world spec default deny'],
    },
    {
      name: 'to-world: nor the nodes (host, remote-node are not world)',
      policies: [toWorld],
      to: IPS.n2,
      verdict: 'denied',
      codes: ['CNP_DEFAULT_DENY'],
    },
    {
      name: 'cidr-rule: the /32 allows 20.1.1.1',
      policies: [cidrRule],
      to: '20.1.1.1',
      verdict: 'allowed',
      codes: ['CNP_ALLOWED'],
      decidedBy: ['CiliumNetworkPolicy shop/cidr-rule spec.egress[0]'],
    },
    {
      name: 'cidr-rule: toCIDRSet allows 10.0.0.0/8 outside the cluster',
      policies: [cidrRule],
      to: '10.200.0.1',
      verdict: 'allowed',
      codes: ['CNP_ALLOWED'],
      decidedBy: ['CiliumNetworkPolicy shop/cidr-rule spec.egress[1]'],
    },
    {
      name: 'cidr-rule: but not its except 10.96.0.0/12',
      policies: [cidrRule],
      to: '10.96.0.10',
      verdict: 'denied',
      codes: ['CNP_DEFAULT_DENY'],
    },
    {
      name: 'cidr-rule: CIDR rules do not select pods, even inside the CIDR',
      policies: [cidrRule],
      to: IPS.backend,
      verdict: 'denied',
      codes: ['CNP_DEFAULT_DENY'],
    },
    {
      name: 'cidr-rule: nor node addresses, unless policy-cidr-match-mode is nodes',
      policies: [
        cnp('c')
          .selecting(myService)
          .egress({ toCIDR: ['192.168.0.0/16'] }),
      ],
      to: IPS.n2,
      verdict: 'denied',
      codes: ['CNP_DEFAULT_DENY'],
    },
    {
      name: 'cidr-rule: with policy-cidr-match-mode nodes, a CIDR selects node addresses',
      policies: [
        cnp('c')
          .selecting(myService)
          .egress({ toCIDR: ['192.168.0.0/16'] }),
      ],
      to: IPS.n2,
      config: { 'policy-cidr-match-mode': 'nodes' },
      verdict: 'allowed',
      codes: ['CNP_ALLOWED'],
    },
    {
      name: 'l4-rule: TCP 80 to any destination',
      policies: [l4Rule],
      to: `${WORLD}:80`,
      verdict: 'allowed',
      codes: ['CNP_ALLOWED'],
    },
    {
      name: 'l4-rule: UDP 80 is another protocol',
      policies: [l4Rule],
      to: `${WORLD}:80/UDP`,
      verdict: 'denied',
      codes: ['CNP_DEFAULT_DENY'],
    },
    {
      name: 'l4-rule: without a port it cannot decide',
      policies: [l4Rule],
      to: WORLD,
      verdict: 'unknown',
      codes: ['CNP_PORT_NOT_GIVEN'],
    },
    {
      name: 'port range: 443 is inside 80-444',
      policies: [l4Range],
      to: `${WORLD}:443`,
      verdict: 'allowed',
      codes: ['CNP_ALLOWED'],
    },
    {
      name: 'port range: 445 is outside',
      policies: [l4Range],
      to: `${WORLD}:445`,
      verdict: 'denied',
      codes: ['CNP_DEFAULT_DENY'],
    },
    {
      name: 'labels-dependent L4: frontend to backend on 80',
      policies: [labelsL4],
      to: `${IPS.backend}:80`,
      verdict: 'allowed',
      codes: ['CNP_ALLOWED'],
    },
    {
      name: 'labels-dependent L4: not to backend on 8080',
      policies: [labelsL4],
      to: `${IPS.backend}:8080`,
      verdict: 'denied',
      codes: ['CNP_DEFAULT_DENY'],
    },
    {
      name: 'labels-dependent L4: toEndpoints in a CNP is limited to its own namespace',
      policies: [
        cnp('p')
          .selecting(frontend)
          .egress({ toEndpoints: [{ matchLabels: { 'k8s-app': 'kube-dns' } }] }),
      ],
      to: `${IPS.dns}:53`,
      verdict: 'denied',
      codes: ['CNP_DEFAULT_DENY'],
    },
    {
      name: 'toEndpoints naming the namespace label reaches another namespace',
      policies: [
        cnp('p')
          .selecting(frontend)
          .egress({
            toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s-app': 'kube-dns' } }],
          }),
      ],
      to: `${IPS.dns}:53/UDP`,
      verdict: 'allowed',
      codes: ['CNP_ALLOWED'],
    },
    {
      name: 'cidr-l4: 192.0.2.0/24 on 443 (any protocol)',
      policies: [cidrL4],
      to: '192.0.2.7:443/UDP',
      verdict: 'allowed',
      codes: ['CNP_ALLOWED'],
    },
    {
      name: 'default deny: an empty egress rule allows nothing',
      policies: [defaultDeny],
      to: `${WORLD}:443`,
      verdict: 'denied',
      codes: ['CNP_DEFAULT_DENY'],
    },
  ]);
});

describe('deny policies, default deny and enforcement modes', () => {
  const allowAll = cnp('allow-all')
    .selecting({})
    .egress({ toEntities: ['all'] });
  table([
    {
      name: 'an egressDeny wins over an allow-all',
      policies: [
        allowAll,
        cnp('deny-8')
          .selecting(frontend)
          .egressDeny({ toCIDR: ['8.8.8.0/24'] }),
      ],
      to: '8.8.8.8:53/UDP',
      verdict: 'denied',
      codes: ['CNP_DENIED_BY_RULE'],
      decidedBy: ['CiliumNetworkPolicy shop/deny-8 spec.egressDeny[0]'],
    },
    {
      name: 'a deny-only rule still puts the pod into default deny (Sanitize counts egressDeny)',
      policies: [
        cnp('deny-8')
          .selecting(frontend)
          .egressDeny({ toCIDR: ['8.8.8.0/24'] }),
      ],
      to: '1.1.1.1:53/UDP',
      verdict: 'denied',
      codes: ['CNP_DEFAULT_DENY'],
    },
    {
      name: 'a deny rule with enableDefaultDeny.egress false denies only what it names',
      policies: [
        cnp('deny-8')
          .selecting(frontend)
          .egressDeny({ toCIDR: ['8.8.8.0/24'] })
          .set('enableDefaultDeny', { egress: false }),
      ],
      to: '1.1.1.1:53/UDP',
      verdict: 'allowed',
      codes: ['CNP_NOT_ISOLATED'],
    },
    {
      name: 'enable-non-default-deny-policies false ignores enableDefaultDeny',
      policies: [
        cnp('deny-8')
          .selecting(frontend)
          .egressDeny({ toCIDR: ['8.8.8.0/24'] })
          .set('enableDefaultDeny', { egress: false }),
      ],
      config: { 'enable-non-default-deny-policies': 'false' },
      to: '1.1.1.1:53/UDP',
      verdict: 'denied',
      codes: ['CNP_DEFAULT_DENY'],
    },
    {
      name: 'a deny on ports: egressDeny of TCP 25 to the world',
      policies: [
        allowAll,
        cnp('no-smtp')
          .selecting({})
          .egressDeny({ toEntities: ['world'], toPorts: [{ ports: [{ port: '25', protocol: 'TCP' }] }] }),
      ],
      to: `${WORLD}:25`,
      verdict: 'denied',
      codes: ['CNP_DENIED_BY_RULE'],
    },
    {
      name: 'which does not touch port 587',
      policies: [
        allowAll,
        cnp('no-smtp')
          .selecting({})
          .egressDeny({ toEntities: ['world'], toPorts: [{ ports: [{ port: '25', protocol: 'TCP' }] }] }),
      ],
      to: `${WORLD}:587`,
      verdict: 'allowed',
      codes: ['CNP_ALLOWED'],
    },
    {
      name: 'a pod no rule selects may send anything',
      policies: [
        cnp('other')
          .selecting({ matchLabels: { role: 'backend' } })
          .egress({}),
      ],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CNP_NOT_ISOLATED'],
    },
    {
      name: 'a rule with only an ingress section leaves egress open',
      policies: [cnp('in').selecting(frontend).set('ingress', [{}])],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CNP_NOT_ISOLATED'],
    },
    {
      name: 'enable-policy always: no rule selects the pod, and nothing is allowed',
      policies: [],
      config: { 'enable-policy': 'always' },
      to: WORLD,
      verdict: 'denied',
      codes: ['CNP_DEFAULT_DENY'],
    },
    {
      name: 'enable-policy never: nothing is enforced, NetworkPolicies included',
      policies: [cnp('deny-all-egress').selecting({}).egress({}), networkPolicy('np-deny', 'shop').types('Egress')],
      config: { 'enable-policy': 'never' },
      to: WORLD,
      verdict: 'allowed',
      codes: ['CNP_ENFORCEMENT_NEVER'],
    },
    {
      name: 'policy-audit-mode: what a rule would drop leaves',
      policies: [cnp('deny-all-egress').selecting({}).egress({})],
      config: { 'policy-audit-mode': 'true' },
      to: WORLD,
      verdict: 'allowed',
      codes: ['CNP_AUDIT_MODE', 'CNP_DEFAULT_DENY'],
    },
    {
      name: 'an enable-policy value the agent refuses is unknown',
      policies: [],
      config: { 'enable-policy': 'sometimes' },
      to: WORLD,
      verdict: 'unknown',
      codes: ['CNP_ENFORCEMENT_INVALID'],
    },
  ]);
});

describe('NetworkPolicy and Cilium rules together: allows add up, deny wins', () => {
  const npDeny = networkPolicy('np-deny', 'shop').types('Egress');
  const npAllow443 = networkPolicy('np-443', 'shop')
    .types('Egress')
    .egress({ ports: [{ port: 443 }] });
  table([
    {
      name: 'a NetworkPolicy default deny with a CNP allow lets the packet out',
      policies: [
        npDeny,
        cnp('to-world')
          .selecting({})
          .egress({ toEntities: ['world'] }),
      ],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CNP_ALLOWED'],
    },
    {
      name: 'a CNP default deny with a NetworkPolicy allow lets it out',
      policies: [npAllow443, cnp('deny-all-egress').selecting({}).egress({})],
      to: `${WORLD}:443`,
      verdict: 'allowed',
      codes: ['NETPOL_ALLOWED'],
    },
    {
      name: 'a CNP egressDeny wins over a NetworkPolicy allow',
      policies: [
        npAllow443,
        cnp('deny')
          .selecting({})
          .egressDeny({ toEntities: ['world'] }),
      ],
      to: `${WORLD}:443`,
      verdict: 'denied',
      codes: ['CNP_DENIED_BY_RULE'],
    },
    {
      name: 'a NetworkPolicy alone isolates under Cilium as under any enforcer',
      policies: [npDeny],
      to: WORLD,
      verdict: 'denied',
      codes: ['NETPOL_DENIED'],
      decidedBy: ['NetworkPolicy shop/np-deny isolation'],
    },
    {
      name: "a NetworkPolicy isolating beside an unrelated CNP is Cilium's default deny",
      policies: [
        npDeny,
        cnp('other')
          .selecting({ matchLabels: { role: 'backend' } })
          .egress({}),
      ],
      to: WORLD,
      verdict: 'denied',
      codes: ['CNP_DEFAULT_DENY'],
      decidedBy: ['NetworkPolicy shop/np-deny isolation'],
    },
  ]);
});

describe('entities, FQDNs, L7 and the clusterwide kind', () => {
  table([
    {
      name: 'toEntities cluster reaches the pods and nodes',
      policies: [
        cnp('c')
          .selecting({})
          .egress({ toEntities: ['cluster'] }),
      ],
      to: IPS.dns,
      verdict: 'allowed',
      codes: ['CNP_ALLOWED'],
    },
    {
      name: "toEntities host is the pod's own node",
      policies: [
        cnp('h')
          .selecting({})
          .egress({ toEntities: ['host'] }),
      ],
      to: IPS.n1,
      verdict: 'allowed',
      codes: ['CNP_ALLOWED'],
    },
    {
      name: 'and not the other node (remote-node)',
      policies: [
        cnp('h')
          .selecting({})
          .egress({ toEntities: ['host'] }),
      ],
      to: IPS.n2,
      verdict: 'denied',
      codes: ['CNP_DEFAULT_DENY'],
    },
    {
      name: 'toEntities remote-node is the other node',
      policies: [
        cnp('r')
          .selecting({})
          .egress({ toEntities: ['remote-node'] }),
      ],
      to: IPS.n2,
      verdict: 'allowed',
      codes: ['CNP_ALLOWED'],
    },
    {
      name: 'kube-apiserver: its addresses are not read',
      policies: [
        cnp('api')
          .selecting({})
          .egress({ toEntities: ['kube-apiserver'] }),
      ],
      to: `${WORLD}:443`,
      verdict: 'unknown',
      codes: ['CNP_KUBE_APISERVER'],
    },
    {
      name: 'kube-apiserver is no pod',
      policies: [
        cnp('api')
          .selecting({})
          .egress({ toEntities: ['kube-apiserver'] }),
      ],
      to: IPS.backend,
      verdict: 'denied',
      codes: ['CNP_DEFAULT_DENY'],
    },
    {
      name: "toFQDNs: an address may be that name's",
      policies: [
        cnp('fqdn')
          .selecting({})
          .egress({ toFQDNs: [{ matchName: 'my-remote-service.com' }] }),
      ],
      to: WORLD,
      verdict: 'unknown',
      codes: ['CNP_FQDN_RULE'],
    },
    {
      name: 'L7 rules: the proxy decides per request',
      policies: [
        cnp('dns')
          .selecting({})
          .egress({
            toEndpoints: [
              { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } },
            ],
            toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }], rules: { dns: [{ matchPattern: '*' }] } }],
          }),
      ],
      to: `${IPS.dns}:53/UDP`,
      verdict: 'unknown',
      codes: ['CNP_L7_RULES'],
    },
    {
      name: 'intercept-all-dns (intro.rst): enableDefaultDeny false leaves other egress open',
      policies: [
        ccnp('intercept-all-dns')
          .selecting({
            matchExpressions: [{ key: 'io.kubernetes.pod.namespace', operator: 'NotIn', values: ['kube-system'] }],
          })
          .set('enableDefaultDeny', { egress: false, ingress: false })
          .egress({
            toEndpoints: [{ matchLabels: { 'io.kubernetes.pod.namespace': 'kube-system', 'k8s-app': 'kube-dns' } }],
            toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }], rules: { dns: [{ matchPattern: '*' }] } }],
          }),
      ],
      to: `${WORLD}:443`,
      verdict: 'allowed',
      codes: ['CNP_NOT_ISOLATED'],
    },
    {
      name: 'a CCNP selects pods of every namespace',
      policies: [
        ccnp('deny-world')
          .selecting({})
          .egressDeny({ toEntities: ['world'] }),
      ],
      to: WORLD,
      from: 'coredns',
      verdict: 'denied',
      codes: ['CNP_DENIED_BY_RULE'],
      decidedBy: ['CiliumClusterwideNetworkPolicy deny-world spec.egressDeny[0]'],
    },
    {
      name: 'a CNP selects pods of its own namespace only',
      policies: [
        cnp('deny-world')
          .selecting({})
          .egressDeny({ toEntities: ['world'] }),
      ],
      to: WORLD,
      from: 'coredns',
      verdict: 'allowed',
      codes: ['NETPOL_NOT_ISOLATED'],
    },
    {
      name: 'namespace labels select through io.cilium.k8s.namespace.labels',
      policies: [
        ccnp('team')
          .selecting({ matchLabels: { 'io.cilium.k8s.namespace.labels.team': 'shop' } })
          .egress({}),
      ],
      to: WORLD,
      verdict: 'denied',
      codes: ['CNP_DEFAULT_DENY'],
    },
    {
      name: 'a label the identity leaves out (pod-template-hash) selects nothing',
      policies: [
        cnp('hash')
          .selecting({ matchLabels: { 'pod-template-hash': 'abc' } })
          .egress({}),
      ],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CNP_NOT_ISOLATED'],
    },
    {
      name: "an address in a node's pod range that no pod read has is unknown without -A",
      policies: [
        cnp('to-world')
          .selecting({})
          .egress({ toEntities: ['world'] }),
      ],
      to: '10.0.2.99',
      allPods: false,
      verdict: 'unknown',
      codes: ['CNP_DESTINATION_POD_UNKNOWN'],
    },
  ]);
});

describe('what the API server or agent refuses, and what is not modelled', () => {
  table([
    {
      name: 'a rule with both endpointSelector and nodeSelector is refused: unknown',
      policies: [ccnp('both').set('nodeSelector', {}).egress({})],
      to: WORLD,
      verdict: 'unknown',
      codes: ['CNP_POLICY_INVALID'],
    },
    {
      name: 'a toCIDR that is no CIDR is refused: unknown',
      policies: [
        cnp('bad')
          .selecting({})
          .egress({ toCIDR: ['not-a-cidr'] }),
      ],
      to: WORLD,
      verdict: 'unknown',
      codes: ['CNP_POLICY_INVALID'],
    },
    {
      name: 'toServices is not worked out',
      policies: [
        cnp('svc')
          .selecting({})
          .egress({ toServices: [{ k8sService: { serviceName: 'x', namespace: 'shop' } }] }),
      ],
      to: WORLD,
      verdict: 'unknown',
      codes: ['CNP_PEER_NOT_MODELLED'],
    },
    {
      name: 'a host policy (nodeSelector) selects no pod endpoint',
      policies: [ccnp('host').set('endpointSelector', undefined).set('nodeSelector', {}).egress({})],
      to: WORLD,
      verdict: 'allowed',
      codes: ['CNP_NOT_ISOLATED'],
    },
  ]);

  it('a hostNetwork pod under a host policy is unknown: host policies are not worked out', () => {
    const objects = [
      ...ciliumCluster(),
      ccnp('host').set('endpointSelector', undefined).set('nodeSelector', {}).egress({}).build(),
    ];
    const hostPod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'agent', namespace: 'shop' },
      spec: { nodeName: 'n1', hostNetwork: true },
      status: { phase: 'Running', podIP: IPS.n1, podIPs: [{ ip: IPS.n1 }] },
    };
    const d = decisionFor(decide([...objects, hostPod], [WORLD], { allPods: true }), 'agent', WORLD);
    expect([d.policy!.verdict, d.policy!.reasons.map((r) => r.code)]).toEqual(['unknown', ['CNP_HOST_POLICY']]);
  });
});

describe('the answer beside the source IP', () => {
  it('a denied packet claims no source IP', () => {
    const got = answer({
      name: '',
      policies: [
        cnp('deny')
          .selecting({})
          .egressDeny({ toEntities: ['world'] }),
      ],
      to: WORLD,
      verdict: 'denied',
      codes: [],
    });
    expect([got.sourceIP, got.identity]).toEqual([null, 'denied']);
  });

  it('without Cilium as the enforcer, a CNP still makes the verdict unknown', () => {
    const objects = ciliumCluster().filter((o) => o.kind !== 'DaemonSet');
    const d = decisionFor(
      decide(
        [
          ...objects,
          cnp('deny')
            .selecting({})
            .egressDeny({ toEntities: ['world'] })
            .build(),
        ],
        [WORLD],
        { allPods: true },
      ),
      'frontend',
      WORLD,
    );
    expect(d.policy!.verdict).toBe('unknown');
    expect(d.policy!.reasons.map((r) => r.code)).toContain('POLICY_KINDS_NOT_EVALUATED');
  });
});

describe('toFQDNs against the name --to gave', () => {
  it.each([
    [
      'matchName is the name, case and a trailing dot aside',
      ['my-remote-service.com'],
      'My-Remote-Service.com.',
      'yes',
    ],
    ['matchPattern `*.cilium.io` is one label under cilium.io', ['*.cilium.io'], 'docs.cilium.io', 'yes'],
    ['and not two', ['*.cilium.io'], 'a.docs.cilium.io', 'unknown'],
    ['a lone `*` is every name', ['*'], 'anything.example', 'yes'],
    [
      "another name leaves it unknown: the address may be that name's too",
      ['api.example.com'],
      'www.example.com',
      'unknown',
    ],
    ['an address given as such leaves it unknown', ['api.example.com'], undefined, 'unknown'],
  ])('%s', (_, patterns, name, match) => {
    expect(fqdnMatches(patterns, name).match).toBe(match);
  });
});
