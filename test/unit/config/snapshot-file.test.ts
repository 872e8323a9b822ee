/**
 * What a snapshot keeps: the objects the tool consults, however it is later asked (any
 * --datapath), and nothing else of the namespaces the live read lists whole.
 */
import { describe, expect, it } from 'vitest';
import { snapshotList } from '../../../src/config/snapshot-file.ts';
import { DATAPATH_REGISTRY } from '../../../src/engine/registry/mechanisms.ts';
import type { KubeObject } from '../../../src/model/objects.ts';
import { configMap, daemonSet, ipMasqAgent, ipMasqConfig, node, pod } from '../../support/builders.ts';
import { ciliumAgent, ciliumConfig } from '../../support/cilium-builders.ts';
import { flannelConfig } from '../../support/datapath-builders.ts';
import { egressService, endpointSlice, loadBalancer, ovnkubeNode } from '../../support/ovn-builders.ts';

function kept(objects: KubeObject[]): string[] {
  const list = snapshotList(objects, [], DATAPATH_REGISTRY) as { items: KubeObject[] };
  return list.items.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
}

const cluster = [node('n1').internalIP('10.0.0.1').build(), pod('web-1', 'shop').on('n1').ip('10.4.0.7').build()];

describe('snapshot', () => {
  it('keeps cilium-config, which the Cilium agent reads without mounting it by that name', () => {
    expect(
      kept([...cluster, ciliumAgent().build(), ciliumConfig({ 'enable-bpf-masquerade': 'true' }).build()]),
    ).toContain('ConfigMap kube-system/cilium-config');
  });

  it('keeps an agent and the ConfigMap it mounts', () => {
    expect(kept([...cluster, ipMasqAgent().build(), ipMasqConfig('nonMasqueradeCIDRs: [10.0.0.0/8]').build()])).toEqual(
      expect.arrayContaining(['DaemonSet kube-system/ip-masq-agent', 'ConfigMap kube-system/ip-masq-agent']),
    );
  });

  it("keeps a ConfigMap only --datapath would read (flannel's, without its DaemonSet)", () => {
    expect(kept([...cluster, flannelConfig('10.244.0.0/16').build()])).toContain(
      'ConfigMap kube-flannel/kube-flannel-cfg',
    );
  });

  it('leaves out the ConfigMaps and DaemonSets of kube-system that no mechanism reads', () => {
    const other = [
      configMap('aws-auth').data('mapRoles', '- rolearn: arn:aws:iam::1:role/admin').build(),
      daemonSet('fluentd').env({ TOKEN: 'secret' }).build(),
    ];
    expect(kept([...cluster, ipMasqAgent().build(), ...other])).toEqual([
      'Pod shop/web-1',
      'Node /n1',
      'DaemonSet kube-system/ip-masq-agent',
    ]);
  });

  it('keeps the Service an EgressService names and its EndpointSlices, cut to what decides, and no other Service', () => {
    const objects = [
      ...cluster,
      ovnkubeNode(),
      egressService('web', 'shop', { sourceIPBy: 'LoadBalancerIP' }, 'n1'),
      loadBalancer('web', 'shop', ['5.5.5.5']),
      endpointSlice('web', 'shop', { '10.4.0.7': 'n1' }),
      loadBalancer('other', 'shop', ['6.6.6.6']),
      endpointSlice('other', 'shop', { '10.4.0.8': 'n1' }),
    ];
    const list = snapshotList(objects, [], DATAPATH_REGISTRY) as { items: KubeObject[] };
    const byKind = (kind: string) => list.items.filter((o) => o.kind === kind);
    expect(byKind('Service')).toEqual([
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { type: 'LoadBalancer' },
        status: { loadBalancer: { ingress: [{ ip: '5.5.5.5' }] } },
      },
    ]);
    expect(byKind('EndpointSlice')).toEqual([
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-abcde', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.4.0.7'], nodeName: 'n1' }],
      },
    ]);
  });
});
