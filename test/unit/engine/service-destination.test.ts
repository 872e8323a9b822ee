/**
 * A Service's virtual IP as the destination (KEP-1880 ServiceCIDRs): kube-proxy and Cilium
 * translate it to an endpoint before policy and SNAT see the packet, so neither the source IP nor
 * the policy verdict follows from the virtual address.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/objects.ts';
import { build, ipMasqAgent, node, pod, serviceCIDR } from '../../support/builders.ts';
import { forbidden, notServed, unknownVersion } from '../../support/gaps.ts';
import { codes, decide, decisionFor } from '../../support/predict.ts';

const cluster = (...extra: KubeObject[]) => [
  ...build(
    node('n1').internalIP('10.128.0.5').podCIDR('10.4.1.0/24'),
    pod('web').on('n1').ip('10.4.1.7', 'fd00:10:4:1::7'),
    ipMasqAgent(),
  ),
  ...extra,
];
const services = build(serviceCIDR('kubernetes', '10.96.0.0/12', 'fd00:10:96::/108'))[0]!;

describe('a destination in a ServiceCIDR', () => {
  it.each([
    ['a ClusterIP', '10.96.0.10', 'true'],
    ['the whole Service range', '10.96.0.0/12', 'true'],
    ['a range that only partly holds Service addresses', '10.0.0.0/8', 'false'],
    ['an IPv6 ClusterIP', 'fd00:10:96::a', 'true'],
  ])('answers %s unknown, source IP and policy verdict alike', (_name, to, whole) => {
    const decision = decisionFor(decide(cluster(services), [to]), 'web', to);
    expect(decision).toMatchObject({ sourceIP: null, identity: 'unknown' });
    expect(codes(decision)).toEqual(['DST_IS_SERVICE_ADDRESS']);
    expect(decision.reasons[0]!.data).toEqual({
      serviceCIDR: expect.stringMatching(/^(10\.96\.0\.0\/12|fd00:10:96::\/108)$/),
      whole,
    });
    expect(decision.policy).toMatchObject({ verdict: 'unknown', reasons: [{ code: 'DST_IS_SERVICE_ADDRESS' }] });
  });

  it.each([
    ['a pod address', '10.4.1.20'],
    ['a private address outside every ServiceCIDR', '10.200.0.1'],
    ['a public address', '8.8.8.8'],
  ])('leaves %s to the other layers', (_name, to) => {
    const decision = decisionFor(decide(cluster(services), [to]), 'web', to);
    expect(codes(decision)).not.toContain('DST_IS_SERVICE_ADDRESS');
    expect(decision.identity).not.toBe('unknown');
  });
});

describe('ServiceCIDRs that could not be read', () => {
  it.each([
    ['refused', forbidden('servicecidrs.networking.k8s.io')],
    [
      'served only at a version the tool does not read',
      unknownVersion('servicecidrs.networking.k8s.io', 'networking.k8s.io/v2'),
    ],
  ])('make a private destination unknown when %s: it may be a Service address', (_name, gap) => {
    const decision = decisionFor(decide(cluster(), ['10.96.0.10'], { gaps: [gap] }), 'web', '10.96.0.10');
    expect(decision).toMatchObject({ sourceIP: null, identity: 'unknown' });
    expect(codes(decision)).toEqual(['SERVICE_CIDRS_UNREADABLE']);
  });

  it.each([['8.8.8.8'], ['169.254.169.254']])('leave the non-private destination %s answered', (to) => {
    const decision = decisionFor(
      decide(cluster(), [to], { gaps: [forbidden('servicecidrs.networking.k8s.io')] }),
      'web',
      to,
    );
    expect(codes(decision)).not.toContain('SERVICE_CIDRS_UNREADABLE');
  });

  it('leave every destination answered where the API is not served (clusters before the API): nothing to read', () => {
    const decision = decisionFor(
      decide(cluster(), ['10.96.0.10'], { gaps: [notServed('servicecidrs.networking.k8s.io')] }),
      'web',
      '10.96.0.10',
    );
    expect(decision.identity).toBe('pod-ip');
  });

  it('treat a ServiceCIDR object at an unknown version (from -f) as unreadable, never read as v1', () => {
    const v2 = { ...services, apiVersion: 'networking.k8s.io/v2' };
    const decision = decisionFor(decide(cluster(v2), ['10.200.0.1']), 'web', '10.200.0.1');
    expect(codes(decision)).toEqual(['SERVICE_CIDRS_UNREADABLE']);
  });
});
