/**
 * cilium-config with the agent's defaults, and CiliumEgressGatewayPolicy parsing as ParseCEGP does.
 */
import { describe, expect, it } from 'vitest';
import { parseCiliumConfig } from '../../../src/config/cilium.ts';
import { parseEgressPolicy } from '../../../src/config/cilium-egress-policy.ts';
import { ciliumConfig, egressPolicy } from '../../support/cilium-builders.ts';

const parse = (data: Record<string, string>) => parseCiliumConfig(ciliumConfig(data).build(), 'kube-system');

describe("cilium-config with the agent's defaults", () => {
  it('defaults to iptables masquerading in tunnel mode, no ip-masq-agent, no egress gateway', () => {
    expect(parse({})).toMatchObject({
      enableIPv4Masquerade: true,
      enableBPFMasquerade: false,
      routingMode: 'tunnel',
      enableIPMasqAgent: false,
      enableRemoteNodeMasquerade: false,
      enableEgressGateway: false,
      egressMasqueradeInterfaces: [],
      ipam: 'cluster-pool',
    });
  });

  it.each([
    ['enable-ipv4 false turns IPv4 masquerading off', { 'enable-ipv4': 'false' }, { enableIPv4Masquerade: false }],
    ['the legacy tunnel: disabled means native routing', { tunnel: 'disabled' }, { routingMode: 'native' }],
    [
      'routing-mode wins over the legacy key',
      { tunnel: 'disabled', 'routing-mode': 'tunnel' },
      { routingMode: 'tunnel' },
    ],
    [
      'the legacy enable-ipv4-egress-gateway still enables it',
      { 'enable-ipv4-egress-gateway': 'true', 'enable-bpf-masquerade': 'true' },
      { enableEgressGateway: true },
    ],
    [
      'an unparsable boolean is false, as viper reads it',
      { 'enable-ipv4-masquerade': 'yes' },
      { enableIPv4Masquerade: false },
    ],
    [
      'egress-masquerade-interfaces is a list',
      { 'egress-masquerade-interfaces': 'eth+ ens+' },
      { egressMasqueradeInterfaces: ['eth+', 'ens+'] },
    ],
  ])('%s', (_name, data, expected) => {
    expect(parse(data)).toMatchObject(expected);
  });

  it.each([
    ['the egress gateway without BPF masquerading', { 'enable-egress-gateway': 'true' }, /egress gateway needs/],
    [
      'remote-node masquerade without BPF masquerading',
      { 'enable-remote-node-masquerade': 'true' },
      /needs enable-bpf-masquerade/,
    ],
    ['native routing without a native-routing CIDR', { 'routing-mode': 'native' }, /needs ipv4-native-routing-cidr/],
  ])('knows the agent refuses %s', (_name, data, refusal) => {
    expect(parse(data).agentRefuses).toMatch(refusal);
  });

  it('accepts native routing without a CIDR when ip-masq-agent is on or IPAM is ENI', () => {
    expect(
      parse({ 'routing-mode': 'native', 'enable-ip-masq-agent': 'true', 'enable-bpf-masquerade': 'true' }).agentRefuses,
    ).toBeUndefined();
    expect(parse({ 'routing-mode': 'native', ipam: 'eni' }).agentRefuses).toBeUndefined();
  });
});

describe('CiliumEgressGatewayPolicy parsing', () => {
  const valid = () =>
    egressPolicy('p')
      .selectPods({ matchLabels: { app: 'web' } })
      .to('0.0.0.0/0')
      .gateway({ matchLabels: { egress: 'yes' } });

  it('reads a valid policy, rewriting namespaceSelector keys to identity labels', () => {
    const policy = parseEgressPolicy(
      valid()
        .selectNamespaces({ matchLabels: { env: 'prod' } })
        .build(),
    );
    expect(policy.invalid).toBeUndefined();
    expect(policy.selectors[1]).toEqual([{ key: 'io.cilium.k8s.namespace.labels.env', op: 'in', values: ['prod'] }]);
  });

  it('pools the nodeSelectors of every selector entry', () => {
    const policy = parseEgressPolicy(
      valid()
        .selectPods({}, { nodeSelector: { matchLabels: { zone: 'a' } } })
        .build(),
    );
    expect(policy.nodeSelectors).toEqual([[{ key: 'zone', op: 'in', values: ['a'] }]]);
  });

  it('uses egressGateways and ignores egressGateway when both are set', () => {
    const policy = parseEgressPolicy(
      valid()
        .gateways({ nodeSelector: { matchLabels: { a: '1' } } }, { nodeSelector: { matchLabels: { b: '2' } } })
        .build(),
    );
    expect(policy.gateways).toHaveLength(2);
    expect(policy.multiGateway).toBe(true);
  });

  it.each([
    [
      'egressIP and interface together',
      valid().gateway({ matchLabels: { egress: 'yes' } }, { interface: 'eth1', egressIP: '10.1.1.1' }),
      'egressIP and interface are both set',
    ],
    [
      'a selector with neither pod nor namespace selector',
      valid().selectPods(undefined as never),
      'neither podSelector nor namespaceSelector',
    ],
    ['an unparsable destination CIDR', valid().to('1.1.1.0/33'), 'cannot parse CIDR'],
    ['no gateway at all', egressPolicy('p').selectPods({}).to('0.0.0.0/0'), 'neither egressGateway nor egressGateways'],
  ])('rejects a policy with %s (Cilium ignores it)', (_name, builder, problem) => {
    expect(parseEgressPolicy(builder.build()).invalid).toContain(problem);
  });
});
