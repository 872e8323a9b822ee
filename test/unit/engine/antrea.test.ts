/**
 * Antrea's behaviour, one table per question: what the agent's ANTREA-POSTROUTING masquerade does
 * in each traffic mode (antrea-io/antrea pkg/agent/route/route_linux.go, cmd/antrea-agent/options.go),
 * which Egresses select a pod and what the agent installs for them (docs/egress.md;
 * pkg/agent/controller/egress/egress_controller.go), and what is unknown when an input is unread.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/objects.ts';
import type { ReadGap } from '../../../src/model/gaps.ts';
import { buildSnapshot } from '../../../src/engine/snapshot.ts';
import { build, daemonSet, node, pod } from '../../support/builders.ts';
import { antreaAgent, antreaConfig, egress, namespace } from '../../support/antrea-builders.ts';
import { forbidden, notServed } from '../../support/gaps.ts';
import { codes, decide, warningCodes } from '../../support/predict.ts';

const EGRESSES = 'egresses.crd.antrea.io';

/** Three nodes as in docs/egress.md, web in prod on node-1, a hostNetwork agent pod, and these Egresses. */
function cluster(
  options: { settings?: Record<string, unknown>; egresses?: KubeObject[]; without?: string[] } = {},
): KubeObject[] {
  const objects = [
    ...build(
      node('node-1').internalIP('10.10.0.101').podCIDR('10.244.1.0/24'),
      node('node-4').internalIP('10.10.0.104').podCIDR('10.244.4.0/24'),
      antreaAgent(),
      antreaConfig(options.settings ?? {}),
      pod('web', 'prod').on('node-1').ip('10.244.1.7').label('app', 'web'),
      pod('db', 'prod').on('node-1').ip('10.244.1.8').label('app', 'db'),
      pod('web', 'staging').on('node-1').ip('10.244.1.9').label('app', 'web'),
      pod('host', 'prod').on('node-1').ip('10.10.0.101').label('app', 'web').hostNetwork(),
    ),
    namespace('prod', { env: 'prod' }),
    namespace('staging'),
    ...(options.egresses ?? []),
  ];
  const without = new Set(options.without ?? []);
  return objects.filter((o) => !without.has(o.kind));
}

const answer = (objects: KubeObject[], podName: string, to: string, gaps: ReadGap[] = []) => {
  const [name, ns] = podName.split('@') as [string, string | undefined];
  const d = decide(objects, [to], { gaps }).find((x) => x.pod === name && x.namespace === (ns ?? 'prod'));
  if (!d) throw new Error(`no decision for ${podName}`);
  return d;
};

describe('Antrea node SNAT, by traffic mode', () => {
  it.each([
    [
      'encap (the default) masquerades the internet to the node IP',
      {},
      '8.8.8.8',
      '10.10.0.101',
      'node-ip',
      'ANTREA_MASQUERADE',
    ],
    [
      "encap masquerades another node's address too (it is not in ANTREA-POD-IP)",
      {},
      '10.10.0.104',
      '10.10.0.101',
      'node-ip',
      'ANTREA_MASQUERADE',
    ],
    [
      "encap keeps the pod IP to any node's pod CIDR",
      {},
      '10.244.4.3',
      '10.244.1.7',
      'pod-ip',
      'ANTREA_DST_IN_POD_CIDRS',
    ],
    [
      'hybrid masquerades like encap',
      { trafficEncapMode: 'hybrid' },
      '8.8.8.8',
      '10.10.0.101',
      'node-ip',
      'ANTREA_MASQUERADE',
    ],
    [
      'noEncap without noSNAT masquerades',
      { trafficEncapMode: 'noEncap' },
      '8.8.8.8',
      '10.10.0.101',
      'node-ip',
      'ANTREA_MASQUERADE',
    ],
    [
      'noEncap with noSNAT keeps the pod IP',
      { trafficEncapMode: 'noEncap', noSNAT: true },
      '8.8.8.8',
      '10.244.1.7',
      'pod-ip',
      'ANTREA_NO_SNAT',
    ],
    [
      'the mode is read case-insensitively (strings.EqualFold)',
      { trafficEncapMode: 'NoEncap', noSNAT: true },
      '8.8.8.8',
      '10.244.1.7',
      'pod-ip',
      'ANTREA_NO_SNAT',
    ],
    [
      'noSNAT with encap: the agent exits, so the answer is unknown',
      { noSNAT: true },
      '8.8.8.8',
      null,
      'unknown',
      'ANTREA_AGENT_REFUSES_CONFIG',
    ],
    [
      'an unknown mode: the agent exits',
      { trafficEncapMode: 'vxlan' },
      '8.8.8.8',
      null,
      'unknown',
      'ANTREA_AGENT_REFUSES_CONFIG',
    ],
    [
      'multicast is masqueraded while multicast.enable is off (its default)',
      { trafficEncapMode: 'noEncap' },
      '239.1.1.1',
      '10.10.0.101',
      'node-ip',
      'ANTREA_MASQUERADE',
    ],
    [
      'multicast keeps the pod IP in noEncap with multicast enabled',
      { trafficEncapMode: 'noEncap', multicast: { enable: true } },
      '239.1.1.1',
      '10.244.1.7',
      'pod-ip',
      'ANTREA_DST_MULTICAST',
    ],
    [
      'multicast is masqueraded in encap even with multicast enabled (no RETURN there)',
      { multicast: { enable: true } },
      '239.1.1.1',
      '10.10.0.101',
      'node-ip',
      'ANTREA_MASQUERADE',
    ],
    [
      'the Multicast feature gate off leaves multicast masqueraded',
      { trafficEncapMode: 'hybrid', multicast: { enable: true }, featureGates: { Multicast: false } },
      '239.1.1.1',
      '10.10.0.101',
      'node-ip',
      'ANTREA_MASQUERADE',
    ],
  ])('%s', (_name, settings, to, sourceIP, identity, code) => {
    const d = answer(cluster({ settings }), 'web', to);
    expect({ sourceIP: d.sourceIP, identity: d.identity }).toEqual({ sourceIP, identity });
    expect(codes(d)).toContain(code);
  });

  it('adds no layer in networkPolicyOnly mode and says the primary CNI decides', () => {
    const snapshot = buildSnapshot(cluster({ settings: { trafficEncapMode: 'networkPolicyOnly' } }));
    expect(snapshot.datapath.layers.map((l) => l.mechanism)).toEqual(['assumed-default']);
    expect(snapshot.warnings.map((w) => w.code)).toEqual(
      expect.arrayContaining(['ANTREA_NETWORK_POLICY_ONLY', 'DATAPATH_NOT_RECOGNISED']),
    );
  });

  it('reads antrea-agent.conf from the ConfigMap key the DaemonSet mounts at --config', () => {
    const moved = cluster({ settings: { trafficEncapMode: 'noEncap', noSNAT: true } }).map((o) =>
      o.kind === 'ConfigMap' ? { ...o, metadata: { ...o.metadata, name: 'antrea-config-v2' } } : o,
    );
    const agent = antreaAgent()
      .mount(
        'antrea-config',
        { configMap: { name: 'antrea-config-v2' } },
        '/etc/antrea/antrea-agent.conf',
        'antrea-agent.conf',
      )
      .build();
    const objects = [...moved.filter((o) => o.kind !== 'DaemonSet'), { ...agent, spec: withOnlyLastVolume(agent) }];
    expect(answer(objects, 'web', '8.8.8.8').sourceIP).toBe('10.244.1.7');
  });

  it('answers unknown when antrea-config may not be listed, naming the RBAC rule', () => {
    const d = answer(cluster({ without: ['ConfigMap'] }), 'web', '8.8.8.8', [forbidden('configmaps', 'kube-system')]);
    expect(d.identity).toBe('unknown');
    expect(d.reasons.find((r) => r.code === 'ANTREA_CONFIG_UNREADABLE')?.data).toMatchObject({
      resource: 'configmaps',
      namespace: 'kube-system',
      reason: 'forbidden',
    });
  });
});

/** The builder mounts a second volume beside the first; keep only the one named last. */
function withOnlyLastVolume(ds: KubeObject): unknown {
  const spec = structuredClone(ds['spec']) as {
    template: { spec: { volumes: unknown[]; containers: { volumeMounts: unknown[] }[] } };
  };
  const pod = spec.template.spec;
  pod.volumes = pod.volumes.slice(-1);
  pod.containers[0]!.volumeMounts = pod.containers[0]!.volumeMounts.slice(-1);
  return spec;
}

describe('Antrea Egress: which pods an Egress selects (appliedTo)', () => {
  const heldBy4 = (e: ReturnType<typeof egress>) => e.ip('10.10.0.50').heldBy('node-4').build();
  it.each([
    [
      'podSelector alone selects across namespaces',
      heldBy4(egress('e').selectPods({ matchLabels: { app: 'web' } })),
      ['web@prod', 'web@staging'],
      ['db@prod', 'host@prod'],
    ],
    [
      'namespaceSelector alone selects every pod of the namespace',
      heldBy4(egress('e').selectNamespaces({ matchLabels: { env: 'prod' } })),
      ['web@prod', 'db@prod'],
      ['web@staging', 'host@prod'],
    ],
    [
      'both select the pods matching both',
      heldBy4(
        egress('e')
          .selectNamespace('prod')
          .selectPods({ matchLabels: { app: 'web' } }),
      ),
      ['web@prod'],
      ['db@prod', 'web@staging'],
    ],
    ['an empty appliedTo selects nothing', heldBy4(egress('e')), [], ['web@prod', 'db@prod', 'web@staging']],
    [
      'an empty podSelector selects every pod',
      heldBy4(egress('e').selectPods({})),
      ['web@prod', 'db@prod', 'web@staging'],
      ['host@prod'],
    ],
  ])('%s', (_name, e, selected, notSelected) => {
    const objects = cluster({ egresses: [e] });
    for (const p of selected)
      expect({ p, identity: answer(objects, p, '8.8.8.8').identity }).toEqual({ p, identity: 'egress-ip' });
    for (const p of notSelected)
      expect({ p, identity: answer(objects, p, '8.8.8.8').identity }).toEqual({ p, identity: 'node-ip' });
  });

  it('answers unknown where a ClusterGroup decides, which the tool does not resolve', () => {
    const d = answer(
      cluster({ egresses: [egress('e').group('web-group').ip('10.10.0.50').heldBy('node-4').build()] }),
      'db',
      '8.8.8.8',
    );
    expect(d.identity).toBe('unknown');
    expect(codes(d)).toEqual(['ANTREA_EGRESS_GROUP_UNMODELLED']);
  });

  it('answers unknown where a namespaceSelector needs a Namespace that was not read', () => {
    const objects = cluster({
      without: ['Namespace'],
      egresses: [egress('e').selectNamespace('prod').ip('10.10.0.50').heldBy('node-4').build()],
    });
    expect(codes(answer(objects, 'web', '8.8.8.8'))).toEqual(['ANTREA_EGRESS_NAMESPACE_UNKNOWN']);
    expect(codes(answer(objects, 'web', '8.8.8.8', [forbidden('namespaces')]))).toEqual(['NAMESPACES_UNREADABLE']);
  });
});

/** The status as agents before status.egressIP wrote it: egressNode alone. */
function withoutStatusIP(e: KubeObject): KubeObject {
  return { ...e, status: { egressNode: (e['status'] as { egressNode: string }).egressNode } };
}

describe('Antrea Egress: what the agent installs for a selected pod', () => {
  const web = (...egresses: KubeObject[]) => cluster({ egresses: egresses.map((e) => structuredClone(e)) });
  it.each([
    [
      'a static IP held by a node: that IP, through that node',
      [egress('e').selectNamespace('prod').ip('10.10.0.104').heldBy('node-4').build()],
      '8.8.8.8',
      '10.10.0.104',
      'egress-ip',
      ['ANTREA_EGRESS_IP'],
      [],
    ],
    [
      'a pool IP the scheduler placed on a node',
      [egress('e').selectNamespace('prod').pool('p').ip('10.10.0.11').heldBy('node-4').build()],
      '8.8.8.8',
      '10.10.0.11',
      'egress-ip',
      ['ANTREA_EGRESS_IP'],
      [],
    ],
    [
      'a status with egressNode only (agents before status.egressIP): the spec IP through that node',
      [egress('e').selectNamespace('prod').pool('p').ip('10.10.0.11').heldBy('node-4').build()].map(withoutStatusIP),
      '8.8.8.8',
      '10.10.0.11',
      'egress-ip',
      ['ANTREA_EGRESS_IP'],
      [],
    ],
    [
      'a crd.antrea.io/v1alpha2 Egress (Antrea 1.0 to 1.12) is read like v1beta1',
      [egress('e', 'crd.antrea.io/v1alpha2').selectNamespace('prod').ip('10.10.0.104').heldBy('node-4').build()],
      '8.8.8.8',
      '10.10.0.104',
      'egress-ip',
      ['ANTREA_EGRESS_IP'],
      [],
    ],
    [
      'a pool IP not yet placed: no flows, the node IP, warned',
      [egress('e').selectNamespace('prod').pool('p').ip('10.10.0.11').build()],
      '8.8.8.8',
      '10.10.0.101',
      'node-ip',
      ['ANTREA_MASQUERADE'],
      ['ANTREA_EGRESS_NOT_REALISED'],
    ],
    [
      'a pool with no IP allocated yet: the node IP, warned',
      [egress('e').selectNamespace('prod').pool('p').build()],
      '8.8.8.8',
      '10.10.0.101',
      'node-ip',
      ['ANTREA_MASQUERADE'],
      ['ANTREA_EGRESS_NOT_REALISED'],
    ],
    [
      'a static IP no node holds: tunnelled to nobody, unknown',
      [egress('e').selectNamespace('prod').ip('10.10.0.99').build()],
      '8.8.8.8',
      null,
      'unknown',
      ['ANTREA_EGRESS_IP_ON_NO_NODE'],
      [],
    ],
    [
      'a pod CIDR destination skips Egress',
      [egress('e').selectNamespace('prod').ip('10.10.0.104').heldBy('node-4').build()],
      '10.244.4.3',
      '10.244.1.7',
      'pod-ip',
      ['ANTREA_DST_IN_POD_CIDRS'],
      [],
    ],
    [
      'a node address skips Egress (snatSkipNodeFlow)',
      [egress('e').selectNamespace('prod').ip('10.10.0.104').heldBy('node-4').build()],
      '10.10.0.104',
      '10.10.0.101',
      'node-ip',
      ['ANTREA_MASQUERADE'],
      [],
    ],
    [
      'two Egresses with different IPs: unknown which one binds',
      [
        egress('a').selectNamespace('prod').ip('10.10.0.104').heldBy('node-4').build(),
        egress('b')
          .selectPods({ matchLabels: { app: 'web' } })
          .ip('10.10.0.105')
          .heldBy('node-1')
          .build(),
      ],
      '8.8.8.8',
      null,
      'unknown',
      ['ANTREA_EGRESS_SEVERAL'],
      [],
    ],
    [
      'two Egresses sharing one IP: that IP, warned',
      [
        egress('a').selectNamespace('prod').ip('10.10.0.104').heldBy('node-4').build(),
        egress('b')
          .selectPods({ matchLabels: { app: 'web' } })
          .ip('10.10.0.104')
          .heldBy('node-4')
          .build(),
      ],
      '8.8.8.8',
      '10.10.0.104',
      'egress-ip',
      ['ANTREA_EGRESS_IP'],
      ['ANTREA_EGRESS_SEVERAL_SAME_IP'],
    ],
    [
      'an unplaced pool Egress does not bind, so the other one decides',
      [
        egress('a').selectNamespace('prod').pool('p').build(),
        egress('b')
          .selectPods({ matchLabels: { app: 'web' } })
          .ip('10.10.0.105')
          .heldBy('node-1')
          .build(),
      ],
      '8.8.8.8',
      '10.10.0.105',
      'egress-ip',
      ['ANTREA_EGRESS_IP'],
      ['ANTREA_EGRESS_NOT_REALISED'],
    ],
    [
      'spec.egressIPs is rejected upstream and ignored by the agent',
      [egress('e').selectNamespace('prod').set('egressIPs', ['10.10.0.104']).build()],
      '8.8.8.8',
      '10.10.0.101',
      'node-ip',
      ['ANTREA_MASQUERADE'],
      ['ANTREA_EGRESS_IGNORED'],
    ],
    [
      'an egressIP that is not an address: unknown',
      [egress('e').selectNamespace('prod').ip('10.10.0.300').heldBy('node-4').build()],
      '8.8.8.8',
      null,
      'unknown',
      ['ANTREA_EGRESS_IP_INVALID'],
      [],
    ],
  ])('%s', (_name, egresses, to, sourceIP, identity, reasonCodes, warnings) => {
    const d = answer(web(...egresses), 'web', to);
    expect({ sourceIP: d.sourceIP, identity: d.identity, reasons: codes(d) }).toEqual({
      sourceIP,
      identity,
      reasons: reasonCodes,
    });
    expect(warningCodes(d).filter((c) => c.startsWith('ANTREA_'))).toEqual(warnings);
  });

  it("sends IPv6 traffic of a dual-stack pod the default way: the IPv4 Egress IP's SNAT flow matches IPv4 only", () => {
    const objects = [
      ...build(
        node('node-1').internalIP('10.10.0.101').internalIP('fd00:10::101').podCIDR('10.244.1.0/24', 'fd00:244:1::/64'),
        node('node-4').internalIP('10.10.0.104').internalIP('fd00:10::104').podCIDR('10.244.4.0/24', 'fd00:244:4::/64'),
        antreaAgent(),
        antreaConfig(),
        pod('web', 'prod').on('node-1').ip('10.244.1.7', 'fd00:244:1::7'),
      ),
      namespace('prod'),
      egress('e').selectNamespace('prod').ip('10.10.0.104').heldBy('node-4').build(),
    ];
    const [v4, v6] = decide(objects, ['8.8.8.8', '2001:4860:4860::8888']);
    expect({ sourceIP: v4!.sourceIP, identity: v4!.identity }).toEqual({
      sourceIP: '10.10.0.104',
      identity: 'egress-ip',
    });
    expect({ sourceIP: v6!.sourceIP, identity: v6!.identity, reasons: codes(v6!) }).toEqual({
      sourceIP: 'fd00:10::101',
      identity: 'node-ip',
      reasons: ['ANTREA_MASQUERADE'],
    });
  });

  it("gives a pod on a Windows node no Egress, and no guess: Antrea's Windows agent SNATs in OVS, not modelled", () => {
    const agentPod = (name: string, on: string, ip: string, ds: string) =>
      pod(name, 'kube-system').on(on).ip(ip).hostNetwork().ownedBy('DaemonSet', ds);
    const objects = [
      ...cluster({ egresses: [egress('e').selectNamespace('prod').ip('10.10.0.104').heldBy('node-4').build()] }),
      ...build(
        node('win-1').internalIP('10.10.0.150').podCIDR('10.244.9.0/24'),
        pod('iis', 'prod').on('win-1').ip('10.244.9.4'),
        daemonSet('antrea-agent-windows').image('antrea/antrea-windows:v2.5.0'),
        agentPod('antrea-agent-x1', 'node-1', '10.10.0.101', 'antrea-agent'),
        agentPod('antrea-agent-x4', 'node-4', '10.10.0.104', 'antrea-agent'),
        agentPod('antrea-agent-windows-w1', 'win-1', '10.10.0.150', 'antrea-agent-windows'),
      ),
    ];
    expect(answer(objects, 'web', '8.8.8.8').identity).toBe('egress-ip');
    const d = answer(objects, 'iis', '8.8.8.8');
    expect({ identity: d.identity, via: d.via, reasons: codes(d) }).toEqual({
      identity: 'unknown',
      via: 'antrea',
      reasons: ['ANTREA_WINDOWS_UNMODELLED', 'SNAT_LAYER_UNKNOWN'],
    });
  });

  it("sends the egress node as the gateway, so beyond-the-node NAT is that node's", () => {
    const d = answer(
      web(egress('e').selectNamespace('prod').ip('10.10.0.104').heldBy('node-4').build()),
      'web',
      '8.8.8.8',
    );
    expect(d.gateway).toEqual({ node: 'node-4', policy: 'e' });
    expect(d.via).toBe('antrea-egress');
  });

  it.each([
    ['the Egress feature gate is off', { featureGates: { Egress: false } }],
    ['the mode is noEncap', { trafficEncapMode: 'noEncap' }],
  ])('has no effect when %s, and warns', (_name, settings) => {
    const d = answer(
      cluster({ settings, egresses: [egress('e').selectNamespace('prod').ip('10.10.0.104').heldBy('node-4').build()] }),
      'web',
      '8.8.8.8',
    );
    expect({ sourceIP: d.sourceIP, identity: d.identity }).toEqual({ sourceIP: '10.10.0.101', identity: 'node-ip' });
    expect(warningCodes(d)).toContain('ANTREA_EGRESS_INACTIVE');
  });

  it('skips egress.exceptCIDRs, and a range only partly inside them is unknown', () => {
    const objects = cluster({
      settings: { egress: { exceptCIDRs: ['192.168.0.0/16'] } },
      egresses: [egress('e').selectNamespace('prod').ip('10.10.0.104').heldBy('node-4').build()],
    });
    expect(answer(objects, 'web', '192.168.3.3')).toMatchObject({ sourceIP: '10.10.0.101', identity: 'node-ip' });
    expect(codes(answer(objects, 'web', '192.168.0.0/15'))).toEqual(['ANTREA_EGRESS_RANGE_SPLIT']);
  });
});

describe('Antrea Egress: an unread Egress list', () => {
  const objects = cluster({ egresses: [] });
  it.each([
    [
      'refused: unknown for the internet',
      [forbidden(EGRESSES)],
      'web',
      '8.8.8.8',
      'unknown',
      'ANTREA_EGRESSES_UNREADABLE',
    ],
    [
      'refused: unknown for pods no known Egress selects too',
      [forbidden(EGRESSES)],
      'db',
      '8.8.8.8',
      'unknown',
      'ANTREA_EGRESSES_UNREADABLE',
    ],
    [
      'refused: pod CIDRs are never Egress traffic',
      [forbidden(EGRESSES)],
      'web',
      '10.244.4.3',
      'pod-ip',
      'ANTREA_DST_IN_POD_CIDRS',
    ],
    [
      'refused: hostNetwork pods have no Egress',
      [forbidden(EGRESSES)],
      'host',
      '8.8.8.8',
      'node-ip',
      'HOST_NETWORK_NODE_IP',
    ],
    ['not served: no Egress exists', [notServed(EGRESSES)], 'web', '8.8.8.8', 'node-ip', 'ANTREA_MASQUERADE'],
  ] as const)('%s', (_name, gaps, podName, to, identity, code) => {
    const d = answer(objects, podName, to, [...gaps]);
    expect(d.identity).toBe(identity);
    expect(codes(d)).toContain(code);
  });

  it('names the refused resource and the rule to add in the reason', () => {
    const d = answer(objects, 'web', '8.8.8.8', [forbidden(EGRESSES)]);
    expect(d.reasons[0]?.data).toMatchObject({ resource: EGRESSES, reason: 'forbidden' });
  });
});
