/**
 * The egress gateway's own rules, beyond the E-scenarios: gateway node order, the FNV-1a hash,
 * longest-prefix matching, and what the API cannot show.
 */
import { describe, expect, it } from 'vitest';
import { fnv1a32 } from '../../../src/engine/gateways/fnv.ts';
import { longestPrefixMatch, entriesOf } from '../../../src/engine/gateways/cilium-match.ts';
import { parseEgressPolicy } from '../../../src/config/cilium-egress-policy.ts';
import { singleAddress, parseCidr } from '../../../src/net/ip.ts';
import { build, pod } from '../../support/builders.ts';
import {
  ciliumAgent,
  ciliumConfig,
  clusterNode,
  EGRESS_GATEWAY_CONFIG,
  egressPolicy,
} from '../../support/cilium-builders.ts';
import { codes, decide, warningCodes } from '../../support/predict.ts';

describe('FNV-1a 32 (Go hash/fnv New32a)', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('hashes %j to the published value', (text, hash) => {
    expect(fnv1a32(text)).toBe(hash);
  });
});

describe('longest-prefix match across policies', () => {
  const policy = parseEgressPolicy(
    egressPolicy('p').selectPods({}).to('10.0.0.0/8', '10.1.0.0/16').excluding('10.1.2.3/32').gateway({}).build(),
  );
  const entries = entriesOf(policy, 4);

  it.each([
    ['the longest containing prefix wins', '10.1.9.9', 'hit', '10.1.0.0/16'],
    ['an excluded /32 beats its cover', '10.1.2.3', 'hit', '10.1.2.3/32'],
    ['outside every entry, nothing matches', '11.0.0.1', 'none', undefined],
  ])('%s', (_name, ip, kind, cidr) => {
    const match = longestPrefixMatch(singleAddress(ip)!, entries);
    expect(match.kind).toBe(kind);
    if (match.kind === 'hit') expect(match.winners[0]!.cidr.text).toBe(cidr);
  });

  it('reports a CIDR destination that a more specific entry splits', () => {
    expect(longestPrefixMatch(parseCidr('10.1.0.0/16')!.cidr, entries).kind).toBe('split');
  });
});

describe('gateway selection', () => {
  const nodes = [
    clusterNode('b-node', '10.0.0.2', '10.244.2.0/24', { egress: 'yes' }),
    clusterNode('a-node', '10.0.0.1', '10.244.1.0/24', { egress: 'yes' }),
    clusterNode('c-node', '10.0.0.3', '10.244.3.0/24'),
  ];
  const objects = (policy: ReturnType<typeof egressPolicy>, config: Record<string, string> = EGRESS_GATEWAY_CONFIG) => [
    ...build(
      ciliumAgent(),
      ciliumConfig(config),
      ...nodes.map((n) => n.node),
      pod('web', 'default').on('c-node').ip('10.244.3.7').label('app', 'web'),
    ),
    ...nodes.map((n) => n.ciliumNode),
    policy.build(),
  ];
  const web = () =>
    egressPolicy('p')
      .selectPods({ matchLabels: { app: 'web' } })
      .to('0.0.0.0/0');

  it('takes the first matching CiliumNode in name order', () => {
    const [d] = decide(objects(web().gateway({ matchLabels: { egress: 'yes' } }, { egressIP: '203.0.113.50' })), [
      '8.8.8.8',
    ]);
    expect(d).toMatchObject({
      identity: 'egress-gateway',
      sourceIP: '203.0.113.50',
      gateway: { node: 'a-node', policy: 'p' },
    });
  });

  it("predicts the gateway's InternalIP for the default-route interface, with a warning", () => {
    const [d] = decide(objects(web().gateway({ matchLabels: { egress: 'yes' } })), ['8.8.8.8']);
    expect(d).toMatchObject({ identity: 'egress-gateway', sourceIP: '10.0.0.1' });
    expect(warningCodes(d!)).toContain('CILIUM_EGW_DEFAULT_ROUTE_ASSUMED');
  });

  it('supports matchExpressions in the gateway nodeSelector', () => {
    const policy = web().gateway(
      { matchExpressions: [{ key: 'egress', operator: 'DoesNotExist' }] },
      { egressIP: '198.51.100.9' },
    );
    expect(decide(objects(policy), ['8.8.8.8'])[0]).toMatchObject({
      sourceIP: '198.51.100.9',
      gateway: { node: 'c-node' },
    });
  });

  it('has no effect when the agent refuses to start (egress gateway without BPF masquerading)', () => {
    const [d] = decide(
      objects(web().gateway({ matchLabels: { egress: 'yes' } }), { 'enable-egress-gateway': 'true' }),
      ['8.8.8.8'],
    );
    expect(d).toMatchObject({ identity: 'unknown', sourceIP: null });
    expect(codes(d!)).toEqual(['CILIUM_AGENT_REFUSES_CONFIG']);
  });
});

/**
 * cilium/cilium pkg/egressgateway/policy.go `regenerateGatewayConfig`: for each node (sorted by name)
 * the selector matches, `addr, ok := netipx.FromStdIP(node.GetK8sNodeIP()); if !ok { continue }` —
 * a matching node without an IPv4 node address is skipped and the next match becomes the gateway;
 * with no match left the gateway stays GatewayNotFoundIPv4 and the source node drops the traffic.
 */
describe('gateway nodes without an IPv4 node address are skipped', () => {
  const v6Only = clusterNode('a-node', 'fd00::1', '10.244.1.0/24', { egress: 'yes' });
  const v4 = clusterNode('b-node', '10.0.0.2', '10.244.2.0/24', { egress: 'yes' });
  const client = clusterNode('c-node', '10.0.0.3', '10.244.3.0/24');
  const objects = (gatewayNodes: ReturnType<typeof clusterNode>[]) => {
    const nodes = [...gatewayNodes, client];
    return [
      ...build(
        ciliumAgent(),
        ciliumConfig(EGRESS_GATEWAY_CONFIG),
        ...nodes.map((n) => n.node),
        pod('web', 'default').on('c-node').ip('10.244.3.7').label('app', 'web'),
      ),
      ...nodes.map((n) => n.ciliumNode),
      egressPolicy('p')
        .selectPods({ matchLabels: { app: 'web' } })
        .to('0.0.0.0/0')
        .gateway({ matchLabels: { egress: 'yes' } }, { egressIP: '203.0.113.50' })
        .build(),
    ];
  };

  it.each([
    [
      'an IPv6-only first match gives way to the next node by name',
      [v6Only, v4],
      { identity: 'egress-gateway', sourceIP: '203.0.113.50', gateway: { node: 'b-node' } },
      'CILIUM_EGW_EGRESS_IP',
    ],
    [
      'only IPv6-only matches: no gateway, the traffic is dropped',
      [v6Only],
      { identity: 'dropped', sourceIP: null },
      'CILIUM_EGW_NO_GATEWAY_NODE',
    ],
  ])('%s', (_name, gatewayNodes, expected, code) => {
    const [d] = decide(objects(gatewayNodes), ['8.8.8.8']);
    expect(d).toMatchObject(expected);
    expect(codes(d!)).toContain(code);
  });
});
