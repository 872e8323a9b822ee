/**
 * Cilium masquerading rules the E-scenarios do not cover: VPC-autodetected native-routing CIDRs,
 * pods outside the node's allocation CIDR in iptables mode, IPv6 without masquerading.
 */
import { describe, expect, it } from 'vitest';
import { build, pod } from '../../support/builders.ts';
import { ciliumAgent, ciliumConfig, clusterNode } from '../../support/cilium-builders.ts';
import { codes, decide } from '../../support/predict.ts';

function cluster(config: Record<string, string>, podIP = '10.244.1.7') {
  const n1 = clusterNode('n1', '10.0.0.5', '10.244.1.0/24');
  return [...build(ciliumAgent(), ciliumConfig(config), n1.node, pod('app').on('n1').ip(podIP)), n1.ciliumNode];
}

describe('Cilium masquerading', () => {
  const eni = { ipam: 'eni', 'routing-mode': 'native', 'enable-bpf-masquerade': 'true' };

  it('cannot know the VPC CIDR that ENI IPAM autodetects, and names --vpc-cidr', () => {
    const [d] = decide(cluster(eni), ['10.50.0.9']);
    expect(d).toMatchObject({ identity: 'unknown' });
    expect(d!.reasons[0]).toMatchObject({
      code: 'CILIUM_NATIVE_ROUTING_CIDR_AUTODETECTED',
      data: { missing: '--vpc-cidr' },
    });
  });

  it.each([
    [
      'keeps the pod IP inside the VPC given with --vpc-cidr',
      '10.50.0.9',
      '10.244.1.7',
      'CILIUM_DST_IN_EXCLUSION_CIDR',
    ],
    ['masquerades outside it', '172.31.0.9', '10.0.0.5', 'CILIUM_BPF_MASQUERADE'],
  ])('%s', (_name, to, sourceIP, code) => {
    const [d] = decide(cluster(eni), [to], { vpcCIDRs: ['10.0.0.0/8'] });
    expect(d).toMatchObject({ sourceIP });
    expect(codes(d!)).toContain(code);
  });

  it("leaves a pod whose IP is outside the node's allocation CIDR alone in iptables mode (the rule matches -s)", () => {
    const [d] = decide(cluster({}, '10.99.0.4'), ['8.8.8.8']);
    expect(d).toMatchObject({ sourceIP: '10.99.0.4', identity: 'pod-ip' });
    expect(codes(d!)).toEqual(['CILIUM_POD_IP_OUTSIDE_ALLOC_CIDR']);
  });

  it('masquerades nothing when enable-ipv4-masquerade is false', () => {
    const [d] = decide(cluster({ 'enable-ipv4-masquerade': 'false' }), ['8.8.8.8']);
    expect(d).toMatchObject({ sourceIP: '10.244.1.7', identity: 'pod-ip' });
    expect(codes(d!)).toEqual(['CILIUM_MASQUERADE_DISABLED']);
  });

  /**
   * cilium/cilium pkg/datapath/iptables/iptables.go `installMasqueradeRules` and iptables_test.go
   * `TestNodeIpsetNATCmds`: the node-ipset ACCEPT rule is `-s <alloc CIDR> -m set --match-set <ipset> dst`,
   * but with egress-masquerade-interfaces it is `-o eth+ -m set --match-set <ipset> dst` — no source
   * match, mirroring the masquerade rule, because the alloc CIDR may not hold the pod (ENI).
   */
  describe('the native-routing node ipset rule in iptables mode', () => {
    const native = { 'routing-mode': 'native', 'ipv4-native-routing-cidr': '10.244.0.0/16' };
    const twoNodes = (config: Record<string, string>) => {
      const n1 = clusterNode('n1', '10.0.0.5', '10.244.1.0/24');
      const n2 = clusterNode('n2', '10.0.0.6', '10.244.2.0/24');
      return [
        ...build(ciliumAgent(), ciliumConfig(config), n1.node, n2.node, pod('app').on('n1').ip('10.99.0.4')),
        n1.ciliumNode,
        n2.ciliumNode,
      ];
    };

    it.each([
      [
        'without interfaces, a pod outside the alloc CIDR matches neither rule (-s): its IP is kept',
        native,
        '10.0.0.6',
        '10.99.0.4',
        'CILIUM_POD_IP_OUTSIDE_ALLOC_CIDR',
      ],
      [
        "with egress-masquerade-interfaces, traffic to another node's InternalIP is accepted whatever its source",
        { ...native, 'egress-masquerade-interfaces': 'eth+' },
        '10.0.0.6',
        '10.99.0.4',
        'CILIUM_DST_NODE_INTERNAL_IP_NATIVE',
      ],
      [
        'with egress-masquerade-interfaces, traffic outside the cluster is still masqueraded',
        { ...native, 'egress-masquerade-interfaces': 'eth+' },
        '8.8.8.8',
        '10.0.0.5',
        'CILIUM_IPTABLES_MASQUERADE',
      ],
    ])('%s', (_name, config, to, sourceIP, code) => {
      const [d] = decide(twoNodes(config), [to]);
      expect(d).toMatchObject({ sourceIP });
      expect(codes(d!)).toContain(code);
    });
  });
});
