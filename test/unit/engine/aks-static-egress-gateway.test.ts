/**
 * AKS Static Egress Gateway (Azure/kube-egress-gateway): which destinations an annotated pod's
 * routes send into the tunnel (pkg/cni/routes/routes.go SetPodRoutes), what the far side sees
 * (docs/design.md public and private IP mode), what the CNI manager refuses
 * (controllers/cnimanager/server.go NicAdd), how the add-on is found, and unread configurations.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/objects.ts';
import type { ReadGap } from '../../../src/model/gaps.ts';
import { buildSnapshot } from '../../../src/engine/snapshot.ts';
import { build, ipMasqAgent, ipMasqConfig, node, pod } from '../../support/builders.ts';
import {
  egressGatewayCniManager,
  gatewayVMConfiguration,
  staticGatewayConfiguration,
} from '../../support/datapath-builders.ts';
import { forbidden, notServed, unknownVersion } from '../../support/gaps.ts';
import { codes, decide, decisionFor } from '../../support/predict.ts';

const ANNOTATION = 'kubernetes.azure.com/static-gateway-configuration';
const RESOURCE = 'staticgatewayconfigurations.egressgateway.kubernetes.azure.com';
const AZURE =
  'azure:///subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/aks/virtualMachines/0';
const NAT = { natIP: '20.50.0.1' };

/** One AKS node with the upstream ip-masq-agent keeping the pod CIDR; shop/web names `sgw1`, shop/api names nothing. */
function cluster(extra: KubeObject[], options: { annotation?: string; hostNetwork?: boolean } = {}): KubeObject[] {
  const web = pod('web', 'shop')
    .on('aks-1')
    .ip('10.244.0.7')
    .annotate(ANNOTATION, options.annotation ?? 'sgw1');
  return [
    ...build(
      node('aks-1').internalIP('10.224.0.4').podCIDR('10.244.0.0/24').providerID(AZURE),
      ipMasqAgent(),
      ipMasqConfig('nonMasqueradeCIDRs: [10.244.0.0/16]\n'),
      options.hostNetwork ? web.hostNetwork() : web,
      pod('api', 'shop').on('aks-1').ip('10.244.0.8'),
    ),
    ...extra,
  ];
}

const answer = (objects: KubeObject[], to: string, podName = 'web', gaps: ReadGap[] = []) =>
  decisionFor(decide(objects, [to], { ...NAT, gaps }), podName, to);
/** `prefix` null: not reconciled yet, no status. */
const sgw = (
  spec: Record<string, unknown> = {},
  prefix: string | null = '20.65.41.84/31',
  name = 'sgw1',
  namespace = 'shop',
) => staticGatewayConfiguration(name, namespace, spec, prefix ?? undefined);

describe('AKS static egress gateway: which destinations go through the gateway', () => {
  it.each([
    [
      'defaultRoute staticEgressGateway (the default) sends the internet through it',
      {},
      [],
      '8.8.8.8',
      'egress-ip',
      'AKS_SGW_GATEWAY',
    ],
    [
      "an excludeCidrs destination takes the pod's own path",
      { excludeCidrs: ['10.244.0.0/16'] },
      [],
      '10.244.1.9',
      'pod-ip',
      'DST_IN_NON_MASQ_CIDRS',
    ],
    [
      "the chart's default --exception-cidrs (IMDS) bypass it without a CNI manager read",
      {},
      [],
      '169.254.169.254',
      'pod-ip',
      'DST_LINK_LOCAL_NOT_MASQUERADED',
    ],
    [
      "the CNI manager's own --exception-cidrs replace the chart's",
      {},
      [egressGatewayCniManager('--exception-cidrs=52.10.0.0/16').build()],
      '52.10.3.4',
      'nat',
      'NAT_IP_GIVEN',
    ],
    [
      "without the chart's default, IMDS goes into the tunnel too (a private destination)",
      {},
      [egressGatewayCniManager('--exception-cidrs=52.10.0.0/16').build()],
      '169.254.169.254',
      'unknown',
      'AKS_SGW_SECONDARY_IPS_UNKNOWN',
    ],
    [
      'defaultRoute azureNetworking sends only its excludeCidrs through it',
      { defaultRoute: 'azureNetworking', excludeCidrs: ['52.10.0.0/16'] },
      [],
      '52.10.3.4',
      'egress-ip',
      'AKS_SGW_GATEWAY',
    ],
    [
      'defaultRoute azureNetworking leaves other destinations alone',
      { defaultRoute: 'azureNetworking', excludeCidrs: ['52.10.0.0/16'] },
      [],
      '8.8.8.8',
      'nat',
      'NAT_IP_GIVEN',
    ],
    [
      "defaultRoute azureNetworking ignores the CNI manager's exceptions",
      { defaultRoute: 'azureNetworking', excludeCidrs: ['169.254.0.0/16'] },
      [],
      '169.254.169.254',
      'unknown',
      'AKS_SGW_SECONDARY_IPS_UNKNOWN',
    ],
    [
      'a destination range partly excluded is unknown',
      { excludeCidrs: ['10.244.0.0/16'] },
      [],
      '10.0.0.0/8',
      'unknown',
      'AKS_SGW_ROUTE_MIXED',
    ],
    [
      'an excludeCidrs entry that is not a CIDR makes the routes unknown',
      { excludeCidrs: ['10.244.0.0/33'] },
      [],
      '8.8.8.8',
      'unknown',
      'AKS_SGW_EXCLUDE_CIDR_INVALID',
    ],
    [
      'so does a CNI manager --exception-cidrs entry that is not one',
      {},
      [egressGatewayCniManager('--exception-cidrs=169.254.169.254').build()],
      '8.8.8.8',
      'unknown',
      'AKS_SGW_EXCLUDE_CIDR_INVALID',
    ],
    [
      'which defaultRoute azureNetworking does not use',
      { defaultRoute: 'azureNetworking', excludeCidrs: ['52.10.0.0/16'] },
      [egressGatewayCniManager('--exception-cidrs=169.254.169.254').build()],
      '52.10.3.4',
      'egress-ip',
      'AKS_SGW_GATEWAY',
    ],
  ] as const)('%s', (_name, spec, extra, to, identity, code) => {
    const d = answer(cluster([sgw(spec), ...extra]), to);
    expect(d.identity).toBe(identity);
    expect(codes(d)).toContain(code);
    if (identity === 'unknown') expect(d.sourceIPs).toEqual([]);
  });

  it("never routes IPv6 (a dual-stack pod, which AKS does not support with the gateway): the pod's own path decides", () => {
    const objects = cluster([sgw()]).map((o) =>
      o.metadata.name === 'web'
        ? {
            ...o,
            status: { phase: 'Running', podIP: '10.244.0.7', podIPs: [{ ip: '10.244.0.7' }, { ip: 'fd00:10:244::7' }] },
          }
        : o,
    );
    const d = decisionFor(
      decide(objects, ['2001:4860:4860::8888'], { natIP: '2001:db8::1' }),
      'web',
      '2001:4860:4860::8888',
    );
    expect(d.trace.map((t) => t.code)).toContain('AKS_SGW_IPV6_NOT_ROUTED');
    expect(d.via).not.toBe('aks-static-egress-gateway');
  });
});

describe('AKS static egress gateway: what the destination sees', () => {
  it('is every address of a public prefix, with the configuration named', () => {
    const d = answer(cluster([sgw({}, '20.65.41.84/30')]), '8.8.8.8');
    expect([d.sourceIP, d.sourceIPs]).toEqual([null, ['20.65.41.84', '20.65.41.85', '20.65.41.86', '20.65.41.87']]);
    expect(d.egressFrom).toEqual({ kind: 'StaticGatewayConfiguration', namespace: 'shop', name: 'sgw1' });
    expect(d.via).toBe('aks-static-egress-gateway');
  });

  it("leaves from the VMSS the upstream README's configuration names when it names no node pool", () => {
    const readme = staticGatewayConfiguration(
      'sgw1',
      'shop',
      {
        gatewayNodepoolName: '',
        gatewayVmssProfile: { vmssResourceGroup: 'myResourceGroup', vmssName: 'myGatewayVMSS', publicIpPrefixSize: 31 },
        provisionPublicIps: true,
        defaultRoute: 'staticEgressGateway',
        excludeCidrs: ['10.244.0.0/16', '10.245.0.0/16'],
      },
      '20.65.41.84/31',
    );
    const d = answer(cluster([readme]), '8.8.8.8');
    expect([d.gateway, d.sourceIPs]).toEqual([
      { node: 'myGatewayVMSS', policy: 'shop/sgw1' },
      ['20.65.41.84', '20.65.41.85'],
    ]);
  });

  it('is the one address of a /32 prefix as an ordinary sourceIP', () => {
    const d = answer(cluster([sgw({}, '20.65.41.84/32')]), '8.8.8.8');
    expect([d.sourceIP, d.sourceIPs, d.identity]).toEqual(['20.65.41.84', ['20.65.41.84'], 'egress-ip']);
  });

  it('is unknown for a prefix larger than the listing limit', () => {
    expect(codes(answer(cluster([sgw({}, '20.65.40.0/23')]), '8.8.8.8'))).toContain('EGRESS_PREFIX_NOT_LISTED');
  });

  it.each([
    [
      'its GatewayVMConfiguration lists them: any of them',
      [gatewayVMConfiguration('sgw1', 'shop', ['10.224.0.10', '10.224.0.11'])],
      [],
      'egress-ip',
      'AKS_SGW_GATEWAY',
    ],
    [
      "another configuration's GatewayVMConfiguration says nothing of this one",
      [gatewayVMConfiguration('sgw2', 'shop', ['10.224.0.10'])],
      [],
      'unknown',
      'AKS_SGW_SECONDARY_IPS_UNKNOWN',
    ],
    [
      'one that does not parse might be the one',
      [gatewayVMConfiguration('sgw1', 'shop', ['10.224.0.10', '10.224.0.300'])],
      [],
      'unknown',
      'AKS_SGW_SECONDARY_IPS_UNKNOWN',
    ],
    [
      'GatewayVMConfigurations refused',
      [],
      [forbidden('gatewayvmconfigurations.egressgateway.kubernetes.azure.com')],
      'unknown',
      'AKS_SGW_GATEWAY_ADDRESSES_UNREADABLE',
    ],
    [
      'a GatewayVMConfiguration of a version the tool does not read',
      [gatewayVMConfiguration('sgw1', 'shop', ['10.224.0.10'], 'egressgateway.kubernetes.azure.com/v1beta1')],
      [],
      'unknown',
      'AKS_SGW_GATEWAY_ADDRESSES_UNREADABLE',
    ],
  ] as const)(
    "public IP mode, a private destination sees a gateway node's secondary IP: %s",
    (_name, extra, gaps, identity, code) => {
      const d = answer(cluster([sgw(), ...extra]), '10.30.0.5', 'web', [...gaps]);
      expect([d.identity, codes(d)]).toEqual([identity, [code]]);
      if (identity === 'egress-ip') expect(d.sourceIPs).toEqual(['10.224.0.10', '10.224.0.11']);
    },
  );

  it.each([
    ['a private destination sees the private IPs of status', '10.50.1.1', 'egress-ip', ['10.224.0.10', '10.224.0.11']],
    ['an internet destination sees what NATs them beyond the gateway (--nat-ip)', '8.8.8.8', 'nat', ['20.50.0.1']],
  ] as const)('private IP mode: %s', (_name, to, identity, sourceIPs) => {
    const d = answer(cluster([sgw({ provisionPublicIps: false }, '10.224.0.10,10.224.0.11')]), to);
    expect([d.identity, d.sourceIPs]).toEqual([identity, sourceIPs]);
  });

  it('private IP mode: a status that is not a list of IPv4 addresses is unknown', () => {
    expect(codes(answer(cluster([sgw({ provisionPublicIps: false }, '10.224.0.10,fd00::1')]), '10.50.1.1'))).toContain(
      'AKS_SGW_EGRESS_IPS_INVALID',
    );
  });
});

describe('AKS static egress gateway: configurations the CNI manager refuses', () => {
  it.each([
    ['no status.egressIpPrefix yet', [sgw({}, null)], 'sgw1', 'AKS_SGW_NO_EGRESS_PREFIX', {}],
    ['a name no configuration has', [sgw()], 'sgw-typo', 'AKS_SGW_CONFIGURATION_NOT_FOUND', { elsewhere: '' }],
    [
      'a configuration of another namespace',
      [sgw({}, '20.65.41.84/31', 'shared', 'egress')],
      'shared',
      'AKS_SGW_CONFIGURATION_NOT_FOUND',
      { elsewhere: 'egress' },
    ],
  ] as const)('%s: unknown, and says which', (_name, extra, annotation, code, data) => {
    const d = answer(cluster([...extra], { annotation }), '8.8.8.8');
    expect(d.identity).toBe('unknown');
    expect(d.reasons.find((r) => r.code === code)?.data).toMatchObject(data);
  });

  it("a hostNetwork pod's annotation does nothing: the CNI plugin never runs for it", () => {
    expect(answer(cluster([sgw()], { hostNetwork: true }), '8.8.8.8').via).toBe('host-network');
  });
});

describe('AKS static egress gateway: an unread configuration is unknown where a pod names one', () => {
  it.each([
    [
      'listing refused: the annotated pod',
      [forbidden(RESOURCE)],
      'web',
      'unknown',
      'AKS_SGW_CONFIGURATIONS_UNREADABLE',
    ],
    [
      'listing refused: a pod without the annotation answers as before',
      [forbidden(RESOURCE)],
      'api',
      'nat',
      'NAT_IP_GIVEN',
    ],
    [
      'served only at another version',
      [unknownVersion(RESOURCE, 'v1beta1')],
      'web',
      'unknown',
      'AKS_SGW_CONFIGURATIONS_UNREADABLE',
    ],
    [
      'the API is not served: the add-on is not installed and the annotation does nothing',
      [notServed(RESOURCE)],
      'web',
      'nat',
      'NAT_IP_GIVEN',
    ],
  ] as const)('%s', (_name, gaps, podName, identity, code) => {
    const d = answer(cluster([]), '8.8.8.8', podName, [...gaps]);
    expect(d.identity).toBe(identity);
    expect(codes(d)).toContain(code);
  });

  it('names the refused resource and the configuration in the reason', () => {
    const d = answer(cluster([]), '8.8.8.8', 'web', [forbidden(RESOURCE)]);
    expect(d.reasons[0]?.data).toMatchObject({ resource: RESOURCE, reason: 'forbidden', configuration: 'shop/sgw1' });
  });
});

describe('AKS static egress gateway: detection', () => {
  const plain = build(
    node('aks-1').internalIP('10.224.0.4').providerID(AZURE),
    pod('api', 'shop').on('aks-1').ip('10.244.0.8'),
  );
  const hasGateway = (objects: KubeObject[], gaps: ReadGap[] = []) =>
    buildSnapshot(objects, { gaps }).datapath.gateways.some((g) => g.mechanism === 'aks-static-egress-gateway');

  it.each([
    ['a StaticGatewayConfiguration', [sgw()], true],
    ['the CNI manager DaemonSet', build(egressGatewayCniManager()), true],
    ["a gateway node pool's label", build(node('aks-gw-0').label('kubeegressgateway.azure.com/mode', 'true')), true],
    ['a pod carrying the annotation', build(pod('web', 'shop').annotate(ANNOTATION, 'sgw1')), true],
    ['none of these', [], false],
  ] as const)('is found by %s', (_name, extra, found) => {
    expect(hasGateway([...plain, ...extra])).toBe(found);
  });

  it('is not found from an annotation alone when its API is not served', () => {
    expect(
      hasGateway([...plain, ...build(pod('web', 'shop').annotate(ANNOTATION, 'sgw1'))], [notServed(RESOURCE)]),
    ).toBe(false);
  });

  it('is found whatever --datapath names: it is not a node agent, and its objects are read', () => {
    const d = decisionFor(
      decide(cluster([sgw()]), ['8.8.8.8'], { ...NAT, datapath: ['ip-masq-agent'] }),
      'web',
      '8.8.8.8',
    );
    expect([d.identity, d.via]).toEqual(['egress-ip', 'aks-static-egress-gateway']);
  });

  it('changes nothing for a cluster without it', () => {
    const before = decide(
      cluster([]).filter((o) => o.kind !== 'Pod' || o.metadata.name === 'api'),
      ['8.8.8.8', '10.1.2.3'],
      NAT,
    );
    expect(before.map((d) => [d.identity, d.sourceIP, d.via])).toEqual([
      ['nat', '20.50.0.1', 'ip-masq-agent'],
      ['node-ip', '10.224.0.4', 'ip-masq-agent'],
    ]);
    expect(buildSnapshot(cluster([]).filter((o) => o.kind !== 'Pod')).datapath.gateways).toEqual([]);
  });
});
