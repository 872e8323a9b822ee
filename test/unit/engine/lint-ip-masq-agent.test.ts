/**
 * lint's ip-masq-agent checks: the ConfigMap key the agent never reads, configs it rejects, and
 * nonMasqueradeCIDRs that leave the pod network out — for the upstream agent, Azure's v2 and Cilium's.
 */
import { describe, expect, it } from 'vitest';
import {
  build,
  configMap,
  daemonSet,
  ipMasqAgent,
  ipMasqConfig,
  node,
  pod,
  type DaemonSetBuilder,
} from '../../support/builders.ts';
import { ciliumAgent, ciliumConfig, clusterNode } from '../../support/cilium-builders.ts';
import { briefs, lintOf } from '../../support/lint.ts';

const nodes = [
  node('n1').internalIP('10.128.0.5').podCIDR('10.4.1.0/24'),
  node('n2').internalIP('10.128.0.6').podCIDR('10.4.2.0/24'),
];
const cluster = (...extra: Parameters<typeof build>) =>
  build(...nodes, pod('web-1', 'shop').on('n1').ip('10.4.1.7'), ...extra);
const CM = 'ConfigMap kube-system/ip-masq-agent';
/** Helm's mount of the ip-masq-agent ConfigMap into the Cilium agent (templates/cilium-agent/daemonset.yaml). */
const mountingConfig = (agent: DaemonSetBuilder) =>
  agent.configMapVolume('ip-masq-agent', '/etc/config', {
    items: [{ key: 'config', path: 'ip-masq-agent' }],
    optional: true,
  });

describe('the ConfigMap key the agent reads', () => {
  it.each([
    [
      'one other key: names it',
      [configMap('ip-masq-agent').data('config.yaml', 'nonMasqueradeCIDRs: [10.0.0.0/8]')],
      [`IP_MASQ_AGENT_CONFIGMAP_WRONG_KEY ${CM} config.yaml`],
    ],
    [
      'several other keys: names none',
      [configMap('ip-masq-agent').data('a', '').data('b', '')],
      [`IP_MASQ_AGENT_CONFIGMAP_WRONG_KEY ${CM}`],
    ],
    ['no ConfigMap: the defaults are meant', [], []],
    ['the key it reads', [ipMasqConfig('nonMasqueradeCIDRs: [10.0.0.0/8]')], []],
  ])('%s', (_name, configMaps, expected) => {
    expect(briefs(cluster(ipMasqAgent(), ...configMaps))).toEqual(expected);
  });

  it('says the agent cannot start when the volume is required and lists the key', () => {
    const ds = daemonSet('ip-masq-agent').configMapVolume('ip-masq-agent', '/etc/config', {
      items: [{ key: 'config', path: 'ip-masq-agent' }],
    });
    const [finding] = lintOf(cluster(ds, configMap('ip-masq-agent').data('ip-masq-agent', 'nonMasqueradeCIDRs: []')));
    expect(finding).toMatchObject({
      code: 'IP_MASQ_AGENT_CONFIGMAP_WRONG_KEY',
      severity: 'error',
      data: { expectedKey: 'config', effect: 'not-started' },
    });
  });

  it("finds the same mistake for Cilium's ip-masq-agent (cilium/cilium#35501)", () => {
    const objects = build(
      mountingConfig(ciliumAgent()),
      ciliumConfig({ 'enable-ip-masq-agent': 'true', 'enable-bpf-masquerade': 'true' }),
      configMap('ip-masq-agent').data('config.yaml', 'nonMasqueradeCIDRs: []'),
    );
    expect(lintOf(objects).map((f) => [f.code, f.data['agent'], f.object.key])).toEqual([
      ['IP_MASQ_AGENT_CONFIGMAP_WRONG_KEY', 'cilium', 'config.yaml'],
    ]);
  });
});

describe('a config the agent rejects', () => {
  it.each([
    [
      'a host bit set',
      'nonMasqueradeCIDRs: [10.0.0.1/8]',
      [],
      { issue: 'misaligned-cidr', cidr: '10.0.0.1/8', aligned: '10.0.0.0/8' },
    ],
    ['a prefix too long', 'nonMasqueradeCIDRs: [10.0.0.0/33]', [], { issue: 'unparsable-cidr', cidr: '10.0.0.0/33' }],
    [
      'more CIDRs than cidrLimit',
      'cidrLimit: 2\nnonMasqueradeCIDRs: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]',
      [],
      { issue: 'cidr-limit', count: '3', limit: '2' },
    ],
    [
      'IPv6 without --enable-ipv6',
      'nonMasqueradeCIDRs: [10.0.0.0/8, fd00::/8]',
      [],
      { issue: 'ipv6-disabled', cidr: 'fd00::/8' },
    ],
    ['a string where a list belongs', 'nonMasqueradeCIDRs: 10.0.0.0/8', [], { issue: 'syntax' }],
    [
      'a YAML flow mapping where the file starts with "{" (read as JSON)',
      '{nonMasqueradeCIDRs: [10.0.0.0/8]}',
      [],
      { issue: 'syntax' },
    ],
    [
      'a zero-padded prefix with a digit iptables cannot read in octal',
      'nonMasqueradeCIDRs: [10.0.0.0/08]',
      [],
      { issue: 'octal-prefix-rejected', cidr: '10.0.0.0/08', decimal: '10.0.0.0/8' },
    ],
    [
      'an IPv4-mapped IPv6 CIDR',
      'nonMasqueradeCIDRs: ["::ffff:10.0.0.0/104"]',
      [],
      { issue: 'ipv4-mapped-cidr', ipv4: '10.0.0.0/8' },
    ],
  ])('%s', (_name, config, args, data) => {
    const [finding, ...rest] = lintOf(cluster(ipMasqAgent(...args), ipMasqConfig(config)));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      code: 'IP_MASQ_AGENT_CONFIG_INVALID',
      severity: 'error',
      object: { kind: 'ConfigMap', name: 'ip-masq-agent', key: 'config' },
      data,
    });
  });

  it('accepts IPv6 with --enable-ipv6', () => {
    expect(
      briefs(cluster(ipMasqAgent('--enable-ipv6'), ipMasqConfig('nonMasqueradeCIDRs: [10.0.0.0/8, fd00::/8]'))),
    ).toEqual([]);
  });

  it('says nothing when the ConfigMap could not be read: that is a warning, not a mistake', () => {
    expect(
      briefs(cluster(ipMasqAgent()), {
        gaps: [{ resource: 'configmaps', namespace: 'kube-system', reason: 'forbidden' }],
      }),
    ).toEqual([]);
  });

  it("names Azure's agent for its crash-looping file", () => {
    const ds = daemonSet('azure-ip-masq-agent')
      .image('mcr.microsoft.com/aks/ip-masq-agent-v2:v0.1.15')
      .configMapVolume('azure-ip-masq-agent-config', '/etc/config');
    const cm = configMap('azure-ip-masq-agent-config').data('ip-masq-agent', 'nonMasqueradeCIDRs: [10.4.0.1/16]');
    expect(lintOf(cluster(ds, cm)).map((f) => [f.code, f.data['agent'], f.data['aligned']])).toEqual([
      ['IP_MASQ_AGENT_CONFIG_INVALID', 'azure-ip-masq-agent', '10.4.0.0/16'],
    ]);
  });
});

// kubernetes-sigs/ip-masq-agent cmd/ip-masq-agent/ip-masq-agent.go `Run`: time.Sleep(ResyncInterval)
// between syncs; Sleep returns at once for d <= 0.
describe('a resyncInterval that makes the agent spin', () => {
  it.each([
    ['zero seconds', '0s', true],
    ['a bare zero', '"0"', true],
    ['a negative duration', '-1m', true],
    ['less than a nanosecond', '0.5ns', true],
    ['the default', '60s', false],
    ['one nanosecond', '1ns', false],
  ])('%s (%s): %s', (_name, value, spins) => {
    const found = briefs(
      cluster(ipMasqAgent(), ipMasqConfig(`nonMasqueradeCIDRs: [10.0.0.0/8]\nresyncInterval: ${value}`)),
    );
    expect(found).toEqual(spins ? [`IP_MASQ_AGENT_RESYNC_TIGHT_LOOP ${CM} config`] : []);
  });

  it("says nothing for Azure's v2, which ignores the key", () => {
    const ds = daemonSet('azure-ip-masq-agent')
      .image('mcr.microsoft.com/aks/ip-masq-agent-v2:v0.1.15')
      .configMapVolume('azure-ip-masq-agent-config', '/etc/config');
    const cm = configMap('azure-ip-masq-agent-config').data(
      'ip-masq-agent',
      'nonMasqueradeCIDRs: [10.4.0.0/16]\nresyncInterval: 0s',
    );
    expect(lintOf(cluster(ds, cm)).map((f) => f.code)).not.toContain('IP_MASQ_AGENT_RESYNC_TIGHT_LOOP');
  });
});

describe('nonMasqueradeCIDRs and the pod network', () => {
  const kops = (config?: string, ...args: string[]) =>
    build(
      node('n1').internalIP('172.20.0.5').podCIDR('100.96.1.0/24'),
      node('n2').internalIP('172.20.0.6').podCIDR('100.96.2.0/24', 'fd00:1::/64'),
      pod('web-1', 'shop').on('n1').ip('100.96.1.7'),
      ipMasqAgent(...args),
      ...(config === undefined ? [] : [ipMasqConfig(config)]),
    );

  it.each([
    ['the defaults leave out 100.96.0.0/11', undefined, [], 'defaults', '100.96.1.0/24, 100.96.2.0/24'],
    ["a config that covers one node's CIDR only", 'nonMasqueradeCIDRs: [100.96.1.0/24]', [], 'file', '100.96.2.0/24'],
    [
      'a config that covers half of a CIDR',
      'nonMasqueradeCIDRs: [100.96.1.0/25, 100.96.2.0/24]',
      [],
      'file',
      '100.96.1.0/24',
    ],
    [
      '--enable-ipv6 and no IPv6 range',
      'nonMasqueradeCIDRs: [100.96.0.0/11]',
      ['--enable-ipv6'],
      'file',
      'fd00:1::/64',
    ],
  ])('reports %s', (_name, config, args, origin, podCIDRs) => {
    expect(lintOf(kops(config, ...args))).toMatchObject([
      {
        code: 'POD_CIDRS_NOT_IN_NON_MASQ_CIDRS',
        severity: 'error',
        data: { agent: 'ip-masq-agent', origin, podCIDRs },
      },
    ]);
  });

  it.each([
    [
      'a config that covers the pod range (IPv6 is not masqueraded without --enable-ipv6)',
      kops('nonMasqueradeCIDRs: [100.64.0.0/10]'),
    ],
    ['an invalid config (its own finding instead)', kops('nonMasqueradeCIDRs: [100.96.0.1/11]')],
    [
      'podCIDRs another IPAM leaves unused',
      build(
        node('n1').internalIP('10.0.0.5').podCIDR('100.96.1.0/24'),
        pod('web-1').on('n1').ip('10.0.8.7'),
        ipMasqAgent(),
      ),
    ],
    [
      'nodes without podCIDRs',
      build(node('n1').internalIP('10.0.0.5'), pod('web-1').on('n1').ip('100.96.1.7'), ipMasqAgent()),
    ],
    [
      'an agent whose nodeSelector matches no node',
      build(node('n1').internalIP('10.0.0.5').podCIDR('100.96.1.0/24'), ipMasqAgent().nodeSelector({ pool: 'none' })),
    ],
  ])('says nothing for %s', (_name, objects) => {
    expect(briefs(objects).filter((b) => b.startsWith('POD_CIDRS'))).toEqual([]);
  });

  describe("Cilium's BPF ip-masq-agent", () => {
    const a = clusterNode('a', '192.168.1.1', '10.0.1.0/24');
    const b = clusterNode('b', '192.168.1.2', '10.0.2.0/24');
    const objects = (config: Record<string, string>) => [
      ...build(
        mountingConfig(ciliumAgent()),
        ciliumConfig({ 'enable-bpf-masquerade': 'true', 'enable-ip-masq-agent': 'true', ...config }),
        a.node,
        b.node,
        ipMasqConfig('nonMasqueradeCIDRs: [172.16.0.0/12]'),
      ),
      a.ciliumNode,
      b.ciliumNode,
    ];

    it.each([
      [
        'native routing without a native-routing CIDR: remote pods are masqueraded',
        { 'routing-mode': 'native' },
        ['POD_CIDRS_NOT_IN_NON_MASQ_CIDRS ConfigMap kube-system/ip-masq-agent config'],
      ],
      [
        'native routing with a native-routing CIDR over the pods',
        { 'routing-mode': 'native', 'ipv4-native-routing-cidr': '10.0.0.0/16' },
        [],
      ],
      ['tunnel mode: pod-to-pod traffic takes the overlay', { 'routing-mode': 'tunnel' }, []],
    ])('%s', (_name, config, expected) => {
      expect(briefs(objects(config))).toEqual(expected);
    });
  });
});
