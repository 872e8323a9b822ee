/**
 * The other datapaths' rules, one table per mechanism, beyond the reference scenarios.
 */
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../../src/engine/snapshot.ts';
import { parseCalicoSelector } from '../../../src/engine/gateways/calico-selector.ts';
import { matchesSelector } from '../../../src/engine/core/label-selector.ts';
import { build, node, pod } from '../../support/builders.ts';
import {
  awsNode,
  calicoNode,
  egressNatPolicy,
  felixConfiguration,
  flannelAgent,
  flannelConfig,
  ipPool,
} from '../../support/datapath-builders.ts';
import { codes, decide, warningCodes } from '../../support/predict.ts';

const awsCluster = (env: Record<string, string> = {}, p = pod('web').on('n1').ip('10.0.1.77')) =>
  build(node('n1').aws().internalIP('10.0.1.20'), p, awsNode().env(env));

describe('Amazon VPC CNI', () => {
  it.each([
    [
      'EXTERNALSNAT keeps the pod IP',
      { AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' },
      '10.50.0.9',
      '10.0.1.77',
      'AWS_EXTERNAL_SNAT',
    ],
    [
      'EXCLUDE_SNAT_CIDRS keeps the pod IP',
      { AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '10.50.0.0/16, 172.16.0.0/12' },
      '172.16.3.3',
      '10.0.1.77',
      'AWS_DST_IN_EXCLUDE_SNAT_CIDRS',
    ],
    ['a node address is inside the VPC even without --vpc-cidr', {}, '10.0.1.20', '10.0.1.77', 'DST_IS_NODE_ADDRESS'],
    [
      'a pod address is inside the VPC even without --vpc-cidr',
      {},
      '10.0.1.77',
      '10.0.1.77',
      'AWS_DST_IN_VPC_INFERRED',
    ],
  ])('%s', (_name, env, to, sourceIP, code) => {
    const [d] = decide(awsCluster(env), [to]);
    expect(d).toMatchObject({ sourceIP });
    expect(codes(d!)).toContain(code);
  });

  it('answers unknown for a private destination without --vpc-cidr, naming the flag', () => {
    const [d] = decide(awsCluster(), ['10.50.0.9']);
    expect(d!.reasons[0]).toMatchObject({ code: 'AWS_VPC_CIDRS_UNKNOWN', data: { missing: '--vpc-cidr' } });
  });

  it('does not translate IPv6 (ENABLE_IPv6)', () => {
    const objects = build(
      node('n1').aws().internalIP('10.0.1.20').internalIP('2600:1f14::20'),
      pod('web').on('n1').ip('2600:1f14::77'),
      awsNode().env({ ENABLE_IPv6: 'true' }),
    );
    expect(codes(decide(objects, ['2001:4860:4860::8888'])[0]!)).toContain('AWS_NO_IPV6_SNAT');
  });
});

/**
 * EKS IPv6 clusters: the egress-v4 CNI plugin gives each IPv6 pod an address from 169.254.172.0/22
 * and SNATs its IPv4 traffic to the node's primary IPv4 (aws/amazon-vpc-cni-k8s @b5218838:
 * cmd/egress-cni-plugin/snat/snat_test.go `TestAddV4` — `-d 224.0.0.0/4 -j ACCEPT`, `-j SNAT
 * --to-source 192.168.1.123`, `POSTROUTING -s 169.254.172.10`; main_test.go `TestCmdAddV4` — IPAM
 * subnet 169.254.172.0/22, route 0.0.0.0, nodeIP 192.168.1.123; cmd/aws-vpc-cni/main.go —
 * ENABLE_V4_EGRESS defaults to true). IPv6 is never translated.
 */
describe('EKS IPv6 clusters (the egress-v4 plugin)', () => {
  const ipv6Cluster = (env: Record<string, string> = {}, p = pod('web').on('n1').ip('2600:1f14:abc:1::77')) =>
    build(
      node('n1').aws().internalIP('192.168.1.123').internalIP('2600:1f14:abc:1::10').externalIP('54.1.2.3'),
      p,
      awsNode().env({ ENABLE_IPv6: 'true', ...env }),
    );

  it.each([
    [
      "SNATs an IPv4 destination outside the VPC to the node's primary IPv4",
      {},
      '192.0.2.10',
      '192.168.1.123',
      'node-ip',
      'AWS_V4_EGRESS_SNAT_TO_NODE_IPV4',
    ],
    [
      'SNATs an IPv4 destination inside the VPC too (the chain has no VPC exemption)',
      {},
      '192.168.7.7',
      '192.168.1.123',
      'node-ip',
      'AWS_V4_EGRESS_SNAT_TO_NODE_IPV4',
    ],
    [
      'ignores AWS_VPC_K8S_CNI_EXTERNALSNAT, which only IPv4 clusters read',
      { AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' },
      '192.168.7.7',
      '192.168.1.123',
      'node-ip',
      'AWS_V4_EGRESS_SNAT_TO_NODE_IPV4',
    ],
    [
      "sends IPv4 internet traffic with the node's ExternalIP, the 1:1 NAT of its primary IPv4",
      {},
      '8.8.8.8',
      '54.1.2.3',
      'node-ip',
      'NODE_EXTERNAL_IP',
    ],
    [
      'answers unknown for multicast, which the chain ACCEPTs with the unseen 169.254.172.x source',
      {},
      '224.0.0.251',
      null,
      'unknown',
      'AWS_V4_EGRESS_MULTICAST',
    ],
    [
      "answers unknown for the node's own IPv4, reached with the unseen 169.254.172.x source",
      {},
      '192.168.1.123',
      null,
      'unknown',
      'POD_SOURCE_ADDRESS_NOT_VISIBLE',
    ],
    [
      'answers unknown for IPv4 when ENABLE_V4_EGRESS is false: the pod has no IPv4 interface',
      { ENABLE_V4_EGRESS: 'false' },
      '192.0.2.10',
      null,
      'unknown',
      'POD_HAS_NO_IP_OF_FAMILY',
    ],
    [
      'reads ENABLE_IPv6 as strconv.ParseBool does ("1" is true)',
      { ENABLE_IPv6: '1' },
      '192.0.2.10',
      '192.168.1.123',
      'node-ip',
      'AWS_V4_EGRESS_SNAT_TO_NODE_IPV4',
    ],
    [
      'keeps the default (on) for a value strconv.ParseBool rejects',
      { ENABLE_V4_EGRESS: 'yes' },
      '192.0.2.10',
      '192.168.1.123',
      'node-ip',
      'AWS_V4_EGRESS_SNAT_TO_NODE_IPV4',
    ],
    [
      "keeps the pod's own address to an IPv6 destination",
      {},
      'fd00:10::9',
      '2600:1f14:abc:1::77',
      'pod-ip',
      'AWS_NO_IPV6_SNAT',
    ],
  ])('%s', (_name, env, to, sourceIP, identity, code) => {
    const d = decide(ipv6Cluster(env), [to])[0]!;
    expect(d).toMatchObject({ sourceIP, identity });
    expect(codes(d)).toContain(code);
  });

  it("says where the pod's IPv4 packet starts: the egress-v4 interface", () => {
    expect(codes(decide(ipv6Cluster(), ['192.0.2.10'])[0]!)[0]).toBe('AWS_V4_EGRESS_INTERFACE');
  });

  it("answers unknown for a branch-ENI pod's IPv4 egress, which is not modelled", () => {
    const p = pod('web')
      .on('n1')
      .ip('2600:1f14:abc:1::77')
      .annotate('vpc.amazonaws.com/pod-eni', '[{"eniId":"eni-1"}]');
    expect(decide(ipv6Cluster({}, p), ['192.0.2.10'])[0]).toMatchObject({ sourceIP: null, identity: 'unknown' });
  });

  it('answers unknown when ENABLE_V4_EGRESS comes from valueFrom, whose value is not visible', () => {
    const objects = build(
      node('n1').aws().internalIP('192.168.1.123'),
      pod('web').on('n1').ip('2600:1f14:abc:1::77'),
      awsNode().env({ ENABLE_IPv6: 'true' }).envFromConfigMap('ENABLE_V4_EGRESS', 'cni-settings', 'v4egress'),
    );
    const d = decide(objects, ['192.0.2.10'])[0]!;
    expect(d).toMatchObject({ sourceIP: null, identity: 'unknown' });
    expect(codes(d)).toContain('AWS_V4_EGRESS_NOT_VISIBLE');
  });

  it("leaves hostNetwork pods on the node's IPv4", () => {
    const p = pod('agent').on('n1').hostNetwork();
    expect(decide(ipv6Cluster({}, p), ['192.0.2.10'])[0]).toMatchObject({
      sourceIP: '192.168.1.123',
      identity: 'node-ip',
    });
  });
});

describe('Calico natOutgoing', () => {
  const cluster = (...extra: ReturnType<typeof ipPool>[]) => [
    ...build(
      node('n1').internalIP('10.128.0.5'),
      node('n2').internalIP('10.128.0.6'),
      pod('web').on('n1').ip('192.168.3.4'),
      calicoNode(),
    ),
    ...extra,
  ];

  it('answers unknown when calico-node runs but no pool was read', () => {
    expect(codes(decide(cluster(), ['8.8.8.8'])[0]!)).toEqual(['CALICO_POOLS_UNKNOWN', 'SNAT_LAYER_UNKNOWN']);
  });

  it('leaves pods outside every pool to the rest of the datapath (policy-only Calico)', () => {
    const [d] = decide(cluster(ipPool('other', '172.20.0.0/16', { natOutgoing: true })), ['8.8.8.8']);
    expect(codes(d!)).toContain('CALICO_POD_IP_NOT_IN_POOL');
  });

  it('does not exempt LoadBalancer-only pools as destinations', () => {
    const [d] = decide(
      cluster(
        ipPool('pods', '192.168.0.0/16', { natOutgoing: true }),
        ipPool('lb', '10.96.200.0/24', { allowedUses: ['LoadBalancer'] }),
      ),
      ['10.96.200.7'],
    );
    expect(d).toMatchObject({ sourceIP: '10.128.0.5', identity: 'node-ip' });
  });

  it('lets FelixConfiguration node.<name> override natOutgoingAddress for one node', () => {
    const [d] = decide(
      cluster(
        ipPool('pods', '192.168.0.0/16', { natOutgoing: true }),
        felixConfiguration('default', { natOutgoingAddress: '203.0.113.1' }),
        felixConfiguration('node.n1', { natOutgoingAddress: '203.0.113.2' }),
      ),
      ['8.8.8.8'],
    );
    expect(d).toMatchObject({ sourceIP: '203.0.113.2', identity: 'node-ip' });
  });

  it.each([
    ['not an address', 'banana'],
    ['of the other family', 'fd00::1'],
  ])('does not claim a natOutgoingAddress that is %s', (_name, address) => {
    const [d] = decide(
      cluster(
        ipPool('pods', '192.168.0.0/16', { natOutgoing: true }),
        felixConfiguration('default', { natOutgoingAddress: address }),
      ),
      ['8.8.8.8'],
    );
    expect({ identity: d!.identity, sourceIP: d!.sourceIP, codes: codes(d!) }).toEqual({
      identity: 'unknown',
      sourceIP: null,
      codes: ['CALICO_NAT_OUTGOING_ADDRESS_UNUSABLE', 'SNAT_LAYER_UNKNOWN'],
    });
  });

  it('does not decide natOutgoing beside a pool whose cidr does not parse', () => {
    const [d] = decide(
      cluster(ipPool('pods', '192.168.0.0/16', { natOutgoing: true }), ipPool('typo', '10.0.0.0/88')),
      ['8.8.8.8'],
    );
    expect(codes(d!)).toEqual(['CALICO_POOL_CIDR_INVALID', 'SNAT_LAYER_UNKNOWN']);
  });
});

describe('flannel', () => {
  const cluster = (args: string[], p = pod('web').on('n1').ip('10.244.1.7'), withConfig = true) =>
    build(
      node('n1').internalIP('192.168.1.20').podCIDR('10.244.1.0/24'),
      p,
      flannelAgent(...args),
      ...(withConfig ? [flannelConfig('10.244.0.0/16')] : []),
    );

  it('answers unknown with --ip-masq when net-conf.json was not read', () => {
    expect(codes(decide(cluster(['--ip-masq'], undefined, false), ['8.8.8.8'])[0]!)).toContain(
      'FLANNEL_NETWORK_UNKNOWN',
    );
  });

  it.each(['10.244.0.0/166', 'fd00::/64'])(
    'answers unknown when the Network is %s, which flanneld does not start with',
    (network) => {
      const objects = build(
        node('n1').internalIP('192.168.1.20').podCIDR('10.244.1.0/24'),
        pod('web').on('n1').ip('10.244.1.7'),
        flannelAgent('--ip-masq'),
        flannelConfig(network),
      );
      expect(codes(decide(objects, ['8.8.8.8'])[0]!)).toEqual(['FLANNEL_NETWORK_INVALID', 'SNAT_LAYER_UNKNOWN']);
    },
  );

  it('leaves a source outside the flannel network alone', () => {
    expect(codes(decide(cluster(['--ip-masq'], pod('web').on('n1').ip('172.30.0.5')), ['8.8.8.8'])[0]!)).toContain(
      'FLANNEL_SOURCE_OUTSIDE_NETWORK',
    );
  });

  it('reads --ip-masq=false as off, falling back to the bridge plugin', () => {
    expect(decide(cluster(['--ip-masq=false']), ['10.244.3.9'])[0]).toMatchObject({
      sourceIP: '192.168.1.20',
      via: 'flannel',
    });
  });
});

describe('detection and --datapath', () => {
  const gke = () =>
    build(node('n1').gce().internalIP('10.128.0.5').podCIDR('10.4.1.0/24'), pod('web').on('n1').ip('10.4.1.7'));

  it('lets EgressNATPolicy replace GKE default SNAT', () => {
    const snapshot = buildSnapshot([...gke(), egressNatPolicy('default', ['10.0.0.0/8'])]);
    expect(snapshot.datapath.mechanisms).toEqual(['gke-egress-nat-policy']);
  });

  it('assumes kubenet only for clusters whose kubelets are older than 1.24, with a warning', () => {
    const old = buildSnapshot(
      build(node('n1').internalIP('10.128.0.5').kubelet('v1.23.17'), pod('web').on('n1').ip('10.4.1.7')),
    );
    const current = buildSnapshot(
      build(
        node('n1').internalIP('10.128.0.5').kubelet('v1.30.2').podCIDR('10.4.1.0/24'),
        pod('web').on('n1').ip('10.4.1.7'),
      ),
    );
    expect([old.datapath.mechanisms, old.warnings.map((w) => w.code)]).toEqual([['kubenet'], ['KUBENET_ASSUMED']]);
    expect(current.datapath.mechanisms).toEqual(['assumed-default']);
  });

  it('uses the mechanisms --datapath names on every node, with their defaults when their objects are not visible', () => {
    const decisions = decide(gke(), ['172.16.0.1', '10.0.0.1'], {
      datapath: ['aws-vpc-cni'],
      vpcCIDRs: ['10.0.0.0/8'],
    });
    expect(decisions.map((d) => [d.destination.text, d.sourceIP, d.via])).toEqual([
      ['10.0.0.1', '10.4.1.7', 'aws-vpc-cni'],
      ['172.16.0.1', '10.128.0.5', 'aws-vpc-cni'],
    ]);
    expect(warningCodes(decisions[0]!)).toEqual([]);
  });

  it('says so when --datapath overrides detection', () => {
    expect(buildSnapshot(gke(), { datapath: ['none'] }).warnings.map((w) => w.code)).toEqual(['DATAPATH_OVERRIDDEN']);
  });
});

describe('Calico selectors in egress gateway annotations', () => {
  it.each([
    ["egress-code == 'red'", { 'egress-code': 'red' }, true],
    ["egress-code == 'red' && has(gateway)", { 'egress-code': 'red' }, false],
    ["zone in {'a', 'b'} && tier != 'db'", { zone: 'b' }, true],
    ['all()', {}, true],
    ['!has(canary)', { canary: 'x' }, false],
  ])('%s matches %j: %s', (text, labels, expected) => {
    expect(matchesSelector(labels, parseCalicoSelector(text)!)).toBe(expected);
  });

  it('reports syntax it does not evaluate instead of guessing', () => {
    expect(parseCalicoSelector("a == 'x' || b == 'y'")).toBeUndefined();
  });
});
