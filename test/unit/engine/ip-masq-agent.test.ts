/**
 * Upstream ip-masq-agent on a plain (non-cloud) cluster: pod P 10.4.1.7 on node N 10.128.0.5,
 * as in reference/snat-mechanisms.md §9.
 */
import { describe, expect, it } from 'vitest';
import {
  build,
  configMap,
  ipMasqAgent,
  ipMasqConfig,
  node,
  pod,
  type DaemonSetBuilder,
  type ConfigMapBuilder,
} from '../../support/builders.ts';
import { codes, decide, decisionFor } from '../../support/predict.ts';

const cluster = (agent: DaemonSetBuilder, ...extra: ConfigMapBuilder[]) =>
  build(
    node('n1').internalIP('10.128.0.5').podCIDR('10.4.1.0/24'),
    node('n2').internalIP('10.128.0.6').podCIDR('10.4.2.0/24'),
    pod('p').on('n1').ip('10.4.1.7'),
    agent,
    ...extra,
  );

interface Case {
  name: string;
  to: string;
  sourceIP: string | null;
  identity: string;
  code: string;
}

function expectCases(objects: ReturnType<typeof cluster>, cases: Case[]) {
  const decisions = decide(
    objects,
    cases.map((c) => c.to),
  );
  for (const c of cases) {
    const d = decisionFor(decisions, 'p', c.to);
    expect({ to: c.to, sourceIP: d.sourceIP, identity: d.identity }).toEqual({
      to: c.to,
      sourceIP: c.sourceIP,
      identity: c.identity,
    });
    expect(codes(d)).toContain(c.code);
  }
}

describe('upstream ip-masq-agent with no ConfigMap (RFC 1918 defaults)', () => {
  it.each<Case>([
    {
      name: 'keeps the pod IP to an RFC 1918 address (scenario 1)',
      to: '172.20.3.4',
      sourceIP: '10.4.1.7',
      identity: 'pod-ip',
      code: 'DST_IN_NON_MASQ_CIDRS',
    },
    {
      name: 'masquerades CGNAT space, exempt only with the reserved-ranges flag (scenario 2)',
      to: '100.64.5.5',
      sourceIP: '10.128.0.5',
      identity: 'node-ip',
      code: 'DST_NOT_IN_NON_MASQ_CIDRS',
    },
    {
      name: 'keeps the pod IP to the metadata server (link-local is not masqueraded)',
      to: '169.254.169.254',
      sourceIP: '10.4.1.7',
      identity: 'pod-ip',
      code: 'DST_LINK_LOCAL_NOT_MASQUERADED',
    },
    {
      name: 'masquerades a TEST-NET address',
      to: '203.0.113.10',
      sourceIP: '10.128.0.5',
      identity: 'node-ip',
      code: 'DST_NOT_IN_NON_MASQ_CIDRS',
    },
    {
      name: "never masquerades traffic to the node's own address",
      to: '10.128.0.5',
      sourceIP: '10.4.1.7',
      identity: 'pod-ip',
      code: 'DST_IS_NODE_ADDRESS',
    },
    {
      name: 'keeps the pod IP for a CIDR wholly inside the defaults',
      to: '10.9.0.0/16',
      sourceIP: '10.4.1.7',
      identity: 'pod-ip',
      code: 'DST_IN_NON_MASQ_CIDRS',
    },
    {
      name: 'answers unknown for a CIDR only partly exempt',
      to: '8.0.0.0/6',
      sourceIP: null,
      identity: 'unknown',
      code: 'DST_RANGE_PARTIALLY_EXEMPT',
    },
    {
      name: 'writes no IPv6 rules without --enable-ipv6',
      to: 'fd00::9',
      sourceIP: null,
      identity: 'unknown',
      code: 'POD_HAS_NO_IP_OF_FAMILY',
    },
  ])('$name', (c) => expectCases(cluster(ipMasqAgent()), [c]));
});

describe('the --nomasq-all-reserved-ranges flag (scenario 3)', () => {
  it.each<Case>([
    {
      name: 'keeps the pod IP to CGNAT space',
      to: '100.64.5.5',
      sourceIP: '10.4.1.7',
      identity: 'pod-ip',
      code: 'DST_IN_NON_MASQ_CIDRS',
    },
    {
      name: 'keeps the pod IP to TEST-NET-3',
      to: '203.0.113.10',
      sourceIP: '10.4.1.7',
      identity: 'pod-ip',
      code: 'DST_IN_NON_MASQ_CIDRS',
    },
    {
      name: 'masquerades a public address',
      to: '8.8.8.8',
      sourceIP: '10.128.0.5',
      identity: 'node-ip',
      code: 'DST_NOT_IN_NON_MASQ_CIDRS',
    },
  ])('$name', (c) => expectCases(cluster(ipMasqAgent('--nomasq-all-reserved-ranges')), [c]));
});

describe('the ConfigMap overlays the defaults', () => {
  it('keeps the defaults and masquerades link-local when the config only sets masqLinkLocal (scenario 4)', () => {
    expectCases(cluster(ipMasqAgent(), ipMasqConfig('masqLinkLocal: true')), [
      { name: '', to: '10.9.9.9', sourceIP: '10.4.1.7', identity: 'pod-ip', code: 'DST_IN_NON_MASQ_CIDRS' },
      {
        name: '',
        to: '169.254.169.254',
        sourceIP: '10.128.0.5',
        identity: 'node-ip',
        code: 'DST_NOT_IN_NON_MASQ_CIDRS',
      },
    ]);
  });

  it('masquerades even pod-to-pod traffic across nodes with an explicit empty list (scenario 5)', () => {
    expectCases(cluster(ipMasqAgent(), ipMasqConfig('nonMasqueradeCIDRs: []')), [
      { name: '', to: '10.4.2.9', sourceIP: '10.128.0.5', identity: 'node-ip', code: 'DST_NOT_IN_NON_MASQ_CIDRS' },
      {
        name: '',
        to: '169.254.169.254',
        sourceIP: '10.4.1.7',
        identity: 'pod-ip',
        code: 'DST_LINK_LOCAL_NOT_MASQUERADED',
      },
    ]);
  });

  it.each([
    ['a misaligned CIDR (scenario 6)', 'nonMasqueradeCIDRs: [10.0.0.1/8]'],
    ['an IPv6 CIDR without --enable-ipv6 (scenario 7)', 'nonMasqueradeCIDRs: [10.0.0.0/8, fd00::/8]'],
    ['a list longer than cidrLimit', 'cidrLimit: 1\nnonMasqueradeCIDRs: [10.0.0.0/8, 172.16.0.0/12]'],
  ])('answers unknown, naming the config problem, for %s', (_name, config) => {
    const [d] = decide(cluster(ipMasqAgent(), ipMasqConfig(config)), ['172.16.1.1']);
    expect(d).toMatchObject({ identity: 'unknown', sourceIP: null });
    expect(codes(d!)).toContain('AGENT_CONFIG_INVALID');
  });

  it('uses the defaults when the ConfigMap has the config under the wrong key', () => {
    const wrongKey = configMap('ip-masq-agent').data('ip-masq-agent', 'nonMasqueradeCIDRs: []');
    const [d] = decide(cluster(ipMasqAgent(), wrongKey), ['10.4.2.9']);
    expect(d).toMatchObject({ identity: 'pod-ip', sourceIP: '10.4.1.7' });
    expect(d!.reasons[0]!.data['defaultsBecause']).toBe('AGENT_DEFAULTS_KEY_MISSING');
  });

  it('masquerades IPv6 outside the list with --enable-ipv6, keeping fe80::/10', () => {
    const objects = build(
      node('n1').internalIP('10.128.0.5').internalIP('fd00:10::5'),
      pod('p').on('n1').ip('10.4.1.7', 'fd00:44::7'),
      ipMasqAgent('--enable-ipv6'),
      ipMasqConfig('nonMasqueradeCIDRs: [10.0.0.0/8, fd00:44::/64]'),
    );
    const decisions = decide(objects, ['fd00:44::9', '2001:4860:4860::8888', 'fe80::1']);
    expect(decisionFor(decisions, 'p', 'fd00:44::9')).toMatchObject({ identity: 'pod-ip', sourceIP: 'fd00:44::7' });
    expect(decisionFor(decisions, 'p', '2001:4860:4860::8888')).toMatchObject({
      identity: 'node-ip',
      sourceIP: 'fd00:10::5',
    });
    expect(decisionFor(decisions, 'p', 'fe80::1')).toMatchObject({ identity: 'pod-ip', sourceIP: 'fd00:44::7' });
  });

  it('keeps the pod IP for IPv6 destinations when the agent has no IPv6 rules', () => {
    const objects = build(
      node('n1').internalIP('10.128.0.5').internalIP('fd00:10::5'),
      pod('p').on('n1').ip('10.4.1.7', 'fd00:44::7'),
      ipMasqAgent(),
    );
    const [d] = decide(objects, ['fd00:99::1']);
    expect(d).toMatchObject({ identity: 'pod-ip', sourceIP: 'fd00:44::7' });
    expect(codes(d!)).toEqual(['AGENT_IPV6_DISABLED']);
  });
});
