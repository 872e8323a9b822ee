/**
 * The lint registry's contract (each code's one severity, the order of findings) and what render
 * makes of findings: the table, the JSON envelope, and the hint `who` prints.
 */
import { describe, expect, it } from 'vitest';
import { atLeast, LINT_CODES, type LintCode } from '../../../src/engine/lint/index.ts';
import type { LintFinding, Severity } from '../../../src/model/lint.ts';
import { lintHint, lintReport, renderLint } from '../../../src/render/lint-view.ts';
import { build, pod } from '../../support/builders.ts';
import {
  ciliumAgent,
  ciliumConfig,
  clusterNode,
  EGRESS_GATEWAY_CONFIG,
  egressPolicy,
} from '../../support/cilium-builders.ts';
import { lintOf } from '../../support/lint.ts';

const finding = (code: LintCode, severity: Severity): LintFinding<LintCode> => ({
  code,
  severity,
  object: { kind: 'CiliumEgressGatewayPolicy', name: 'p' },
  data: { policy: 'p', pods: '1', workloads: 'Pod shop/web', policies: 'p, q', cidr: '0.0.0.0/0' },
});

describe('the codes', () => {
  it('gives each code one severity (README "lint" lists them)', () => {
    expect(LINT_CODES).toEqual({
      ADDRESS_INVALID: 'error',
      IP_MASQ_AGENT_CONFIGMAP_WRONG_KEY: 'error',
      IP_MASQ_AGENT_CONFIG_INVALID: 'error',
      IP_MASQ_AGENT_RESYNC_TIGHT_LOOP: 'warning',
      POD_CIDRS_NOT_IN_NON_MASQ_CIDRS: 'error',
      CILIUM_EGW_POLICIES_WHILE_DISABLED: 'error',
      CILIUM_CONFIG_CIDR_INVALID: 'error',
      CILIUM_EGW_EGRESS_IP_AND_INTERFACE: 'error',
      CILIUM_EGW_POLICY_INVALID: 'error',
      CILIUM_EGW_GATEWAY_MATCHES_NO_NODE: 'error',
      CILIUM_EGW_EGRESS_IP_NOT_ON_GATEWAY: 'error',
      CILIUM_EGW_DUPLICATE_MATCH: 'error',
      CILIUM_EGW_DUPLICATE_MATCH_SAME_GATEWAY: 'info',
      CILIUM_EGW_SELECTS_HOST_NETWORK_POD: 'warning',
      EKS_NODEPOOL_NODECLASS_MISSING: 'error',
      EKS_NODECLASS_SNAT_DISABLED_PUBLIC_IP: 'warning',
      ANTREA_EGRESS_NOT_ASSIGNED: 'warning',
      ANTREA_EGRESS_DUPLICATE_MATCH: 'error',
      ANTREA_EGRESS_DUPLICATE_MATCH_SAME_IP: 'info',
      ANTREA_EGRESS_POOL_NOT_FOUND: 'error',
      ANTREA_EXTERNAL_IP_POOL_MATCHES_NO_NODE: 'error',
      OVN_EGRESSIP_NOT_ASSIGNED: 'warning',
      OVN_EGRESSIP_OVERLAP: 'error',
      OVN_EGRESS_ASSIGNABLE_NO_NODE: 'error',
      AKS_SGW_CONFIGURATION_NOT_FOUND: 'error',
      AKS_SGW_NO_EGRESS_PREFIX: 'warning',
      AKS_SGW_HOST_NETWORK_ANNOTATED: 'warning',
      ALLOWLIST_MISSES_NODES: 'error',
      EGRESS_GATEWAY_POLICY_DENIED: 'warning',
      ALLOWLIST_POLICY_DENIED: 'warning',
      NETPOL_IPBLOCK_SNATED: 'warning',
      NETPOL_IPBLOCK_SERVICE_CIDR: 'warning',
      EFW_CIDR_IN_CLUSTER_SUBNET: 'warning',
    });
  });

  it.each([
    ['error', 'error', true],
    ['warning', 'error', false],
    ['error', 'warning', true],
    ['warning', 'warning', true],
    ['info', 'warning', false],
    ['info', 'info', true],
  ] as const)('counts %s at --fail-on %s: %s', (severity, threshold, fails) => {
    expect(atLeast(severity, threshold)).toBe(fails);
  });
});

describe('the order of findings', () => {
  // An error (no gateway node), a warning (a hostNetwork pod selected), an info (a copied policy).
  const gw = clusterNode('gw', '192.168.1.2', '10.0.2.0/24', { egress: 'true' });
  const policy = (name: string, egress = 'true', app = 'web') =>
    egressPolicy(name)
      .selectPods({ matchLabels: { app } })
      .to('0.0.0.0/0')
      .gateway({ matchLabels: { egress } })
      .build();
  const objects = [
    ...build(
      ciliumAgent(),
      ciliumConfig(EGRESS_GATEWAY_CONFIG),
      gw.node,
      pod('web').on('gw').ip('10.0.2.7').label('app', 'web'),
      pod('agent').on('gw').ip('192.168.1.2').label('app', 'web').hostNetwork(),
    ),
    gw.ciliumNode,
    policy('b'),
    policy('a'),
    policy('c', 'none', 'db'),
  ];

  it('is the same for any input order: most severe first, then by code and object', () => {
    const first = lintOf(objects);
    expect(lintOf([...objects].reverse())).toEqual(first);
    expect(first.map((f) => [f.severity, f.code, f.object.name, f.data['policy'] ?? f.data['policies']])).toEqual([
      ['error', 'CILIUM_EGW_GATEWAY_MATCHES_NO_NODE', 'c', 'c'],
      ['warning', 'CILIUM_EGW_SELECTS_HOST_NETWORK_POD', 'agent', 'a'],
      ['warning', 'CILIUM_EGW_SELECTS_HOST_NETWORK_POD', 'agent', 'b'],
      ['info', 'CILIUM_EGW_DUPLICATE_MATCH_SAME_GATEWAY', 'a', 'a, b'],
    ]);
  });
});

describe('rendering', () => {
  const findings = [
    finding('CILIUM_EGW_DUPLICATE_MATCH', 'error'),
    finding('CILIUM_EGW_SELECTS_HOST_NETWORK_POD', 'warning'),
    finding('CILIUM_EGW_DUPLICATE_MATCH_SAME_GATEWAY', 'info'),
  ];

  it('prints one row per finding and a summary line', () => {
    const lines = renderLint(findings).trimEnd().split('\n');
    expect(lines[0]!.split(/\s{2,}/)).toEqual(['SEVERITY', 'CODE', 'OBJECT', 'MESSAGE', 'FIX']);
    expect(lines[1]!.split(/\s{2,}/).slice(0, 3)).toEqual([
      'error',
      'CILIUM_EGW_DUPLICATE_MATCH',
      'CiliumEgressGatewayPolicy p',
    ]);
    expect(lines.at(-1)).toBe('3 findings: 1 error, 1 warning, 1 info');
    expect(renderLint([])).toBe('No findings.\n');
  });

  it('writes the EgressLintReport envelope with message, fix and data per item', () => {
    const report = lintReport(findings.slice(0, 1), []);
    expect(report).toMatchObject({
      apiVersion: 'kubectl-egress/v1alpha1',
      kind: 'EgressLintReport',
      summary: { error: 1, warning: 0, info: 0 },
      warnings: [],
    });
    expect(Object.keys((report['items'] as object[])[0]!)).toEqual([
      'code',
      'severity',
      'object',
      'message',
      'fix',
      'data',
    ]);
  });

  it.each([
    ['nothing to point at', [], undefined],
    ['one error', findings.slice(0, 1), '1 lint finding (1 error): run kubectl egress lint\n'],
    [
      'a mix, without the zeros',
      [findings[0]!, findings[0]!, findings[2]!],
      '3 lint findings (2 errors, 1 info): run kubectl egress lint\n',
    ],
  ])('hints for %s', (_name, list, hint) => {
    expect(lintHint(list)).toBe(hint);
  });
});
