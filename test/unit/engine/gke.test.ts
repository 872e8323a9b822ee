/**
 * GKE: default SNAT without an agent, GKE's own agent owning the IP-MASQ chain, a user agent in a
 * second chain (the intersection rule), and --no-default-snat (reference/snat-mechanisms.md §2, §9).
 */
import { describe, expect, it } from 'vitest';
import { build, daemonSet, ipMasqAgent, ipMasqConfig, node, pod } from '../../support/builders.ts';
import { ciliumConfig } from '../../support/cilium-builders.ts';
import { egressNatPolicy } from '../../support/datapath-builders.ts';
import { codes, decide, decisionFor, warningCodes } from '../../support/predict.ts';

const publicNode = node('gke-1').gce().internalIP('10.128.0.5').externalIP('34.66.1.2').podCIDR('10.4.1.0/24');
const privateNode = node('gke-2').gce().internalIP('10.128.0.6').podCIDR('10.4.2.0/24');
const pods = [pod('p').on('gke-1').ip('10.4.1.7'), pod('q').on('gke-2').ip('10.4.2.7')];

describe('GKE Standard without an ip-masq-agent DaemonSet (default SNAT, scenario 10)', () => {
  const decisions = decide(build(publicNode, privateNode, ...pods), [
    '240.0.0.9',
    '192.0.2.4',
    '8.8.8.8',
    '169.254.169.254',
    '172.16.0.9',
  ]);

  it.each([
    ['keeps the pod IP to the former class E range', 'p', '240.0.0.9', '10.4.1.7', 'pod-ip'],
    ['keeps the pod IP to TEST-NET-1', 'p', '192.0.2.4', '10.4.1.7', 'pod-ip'],
    ['keeps the pod IP to the metadata server', 'p', '169.254.169.254', '10.4.1.7', 'pod-ip'],
    ['keeps the pod IP to RFC 1918 space', 'p', '172.16.0.9', '10.4.1.7', 'pod-ip'],
    ["sends internet traffic with the node's ExternalIP, not Cloud NAT", 'p', '8.8.8.8', '34.66.1.2', 'node-ip'],
    ['answers unknown for internet traffic from a node without an ExternalIP', 'q', '8.8.8.8', null, 'unknown'],
  ])('%s', (_name, podName, to, sourceIP, identity) => {
    expect(decisionFor(decisions, podName, to)).toMatchObject({ sourceIP, identity });
  });

  it('says the internet answer rests on default SNAT being enabled', () => {
    expect(warningCodes(decisionFor(decisions, 'p', '8.8.8.8'))).toContain('GKE_DEFAULT_SNAT_ASSUMED');
  });

  it("names --nat-ip as what would make the private node's answer known", () => {
    const d = decisionFor(decisions, 'q', '8.8.8.8');
    expect(d.reasons.at(-1)).toMatchObject({ code: 'NAT_IP_UNKNOWN', data: { missing: '--nat-ip' } });
  });
});

describe('GKE with --no-default-snat and no DaemonSet (scenario 12)', () => {
  const decisions = decide(build(privateNode, pod('q').on('gke-2').ip('10.4.2.7')), ['172.31.0.10', '8.8.8.8'], {
    noDefaultSnat: true,
    natIP: '35.200.0.1',
  });

  it('keeps the pod IP to an on-prem address', () => {
    expect(decisionFor(decisions, 'q', '172.31.0.10')).toMatchObject({ sourceIP: '10.4.2.7', identity: 'pod-ip' });
    expect(codes(decisionFor(decisions, 'q', '172.31.0.10'))).toContain('GKE_DEFAULT_SNAT_DISABLED');
  });

  it('sends internet traffic through the Cloud NAT address given with --nat-ip', () => {
    expect(decisionFor(decisions, 'q', '8.8.8.8')).toMatchObject({ sourceIP: '35.200.0.1', identity: 'nat' });
  });
});

describe("GKE's own agent (--masq-chain=IP-MASQ --nomasq-all-reserved-ranges)", () => {
  const gkeAgent = () => ipMasqAgent('--masq-chain=IP-MASQ', '--nomasq-all-reserved-ranges');

  it('owns the IP-MASQ chain, so its ConfigMap alone decides', () => {
    const objects = build(publicNode, pods[0]!, gkeAgent(), ipMasqConfig('nonMasqueradeCIDRs: [10.0.0.0/8]'));
    const d = decisionFor(decide(objects, ['172.16.1.1']), 'p', '172.16.1.1');
    expect(d).toMatchObject({ sourceIP: '10.128.0.5', identity: 'node-ip', via: 'ip-masq-agent' });
    expect(d.trace.find((s) => s.layer === 'gke-default-snat')?.code).toBe('GKE_DEFAULT_SNAT_CHAIN_OWNED_BY_AGENT');
  });

  it('sends pod-IP internet traffic through Cloud NAT when 0.0.0.0/0 is exempt (scenario 11)', () => {
    const objects = build(publicNode, pods[0]!, gkeAgent(), ipMasqConfig('nonMasqueradeCIDRs: [0.0.0.0/0]'));
    const d = decisionFor(decide(objects, ['8.8.8.8'], { natIP: '35.200.0.1' }), 'p', '8.8.8.8');
    expect(d).toMatchObject({ sourceIP: '35.200.0.1', identity: 'nat' });
  });
});

describe('a user-deployed agent beside GKE default SNAT (two chains, scenario 13)', () => {
  it('masquerades what either chain masquerades: the exemptions intersect', () => {
    const objects = build(publicNode, pods[0]!, ipMasqAgent(), ipMasqConfig('nonMasqueradeCIDRs: [10.0.0.0/8]'));
    const decisions = decide(objects, ['172.16.1.1', '10.9.9.9']);
    expect(decisionFor(decisions, 'p', '172.16.1.1')).toMatchObject({
      sourceIP: '10.128.0.5',
      identity: 'node-ip',
      via: 'ip-masq-agent',
    });
    expect(decisionFor(decisions, 'p', '10.9.9.9')).toMatchObject({
      sourceIP: '10.4.1.7',
      identity: 'pod-ip',
      via: 'gke-default-snat+ip-masq-agent',
    });
  });

  it('still answers the node IP when the user agent is unknown but default SNAT masquerades', () => {
    const objects = build(publicNode, pods[0]!, ipMasqAgent(), ipMasqConfig('nonMasqueradeCIDRs: [10.0.0.1/8]'));
    const d = decisionFor(decide(objects, ['100.100.1.1']), 'p', '100.100.1.1');
    expect(d).toMatchObject({ sourceIP: null, identity: 'unknown' });
    const e = decisionFor(decide(objects, ['8.8.8.8']), 'p', '8.8.8.8');
    expect(e).toMatchObject({ sourceIP: '34.66.1.2', identity: 'node-ip' });
  });
});

/**
 * GKE Dataplane V2 runs Cilium as `anetd` in kube-system; GKE documents masquerading there by
 * EgressNATPolicy (Autopilot) and by the ip-masq-agent table (Standard), never by cilium-config
 * (cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2, …/concepts/ip-masquerade-agent).
 */
describe('GKE Dataplane V2 (anetd)', () => {
  const anetd = () => daemonSet('anetd').image('gke.gcr.io/cilium/cilium:v1.14.4-gke.100');
  // cilium-config as vanilla Cilium reads it: iptables masquerading outside the native-routing CIDR.
  const config = () => ciliumConfig({ 'routing-mode': 'native', 'ipv4-native-routing-cidr': '10.4.0.0/14' });
  const policies = [
    egressNatPolicy('default', ['172.16.0.0/12']),
    egressNatPolicy('gke-abc-1', ['10.4.0.0/14', '34.118.224.0/20', '10.128.0.0/20']),
  ];
  const withPolicies = [...build(publicNode, pods[0]!, anetd(), config()), ...policies];

  it.each([
    [
      'keeps the pod IP to a destination an EgressNATPolicy lists as NoSNAT',
      '172.16.5.5',
      '10.4.1.7',
      'pod-ip',
      'gke-egress-nat-policy',
    ],
    ["keeps the pod IP to the cluster's own pod range", '10.4.2.9', '10.4.1.7', 'pod-ip', 'gke-egress-nat-policy'],
    [
      'SNATs a destination no policy lists to the node IP',
      '192.168.7.7',
      '10.128.0.5',
      'node-ip',
      'gke-egress-nat-policy',
    ],
    ["sends internet traffic with the node's ExternalIP", '8.8.8.8', '34.66.1.2', 'node-ip', 'gke-egress-nat-policy'],
  ])('%s', (_name, to, sourceIP, identity, via) => {
    expect(decisionFor(decide(withPolicies, [to]), 'p', to)).toMatchObject({ sourceIP, identity, via });
  });

  it("says in the trace that GKE's rules, not cilium-config, decide", () => {
    const d = decisionFor(decide(withPolicies, ['172.16.5.5']), 'p', '172.16.5.5');
    expect(d.trace.find((s) => s.layer === 'cilium')).toMatchObject({
      outcome: 'not-applicable',
      code: 'CILIUM_GKE_DATAPLANE_V2',
    });
  });

  it('follows GKE default SNAT on a Standard cluster with no policy and no ip-masq-agent', () => {
    const d = decisionFor(decide(build(publicNode, pods[0]!, anetd(), config()), ['172.16.5.5']), 'p', '172.16.5.5');
    expect(d).toMatchObject({ sourceIP: '10.4.1.7', identity: 'pod-ip', via: 'gke-default-snat' });
  });

  it('answers unknown where no GKE rule is visible (anetd on a node that is not gce://)', () => {
    const d = decisionFor(
      decide(build(node('gke-1').internalIP('10.128.0.5').podCIDR('10.4.1.0/24'), pods[0]!, anetd(), config()), [
        '172.16.5.5',
      ]),
      'p',
      '172.16.5.5',
    );
    expect(d).toMatchObject({ sourceIP: null, identity: 'unknown' });
    expect(codes(d)).toContain('CILIUM_GKE_DATAPLANE_V2_UNDOCUMENTED');
  });

  it("keeps vanilla Cilium's iptables masquerade for an agent not named anetd", () => {
    const vanilla = [
      ...build(publicNode, pods[0]!, daemonSet('cilium').image('quay.io/cilium/cilium:v1.18.2'), config()),
      ...policies,
    ];
    expect(decisionFor(decide(vanilla, ['172.16.5.5']), 'p', '172.16.5.5')).toMatchObject({
      sourceIP: '10.128.0.5',
      identity: 'node-ip',
      via: 'cilium',
    });
  });
});
