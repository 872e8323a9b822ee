/**
 * EKS Auto Mode (AWS EKS user guide: auto-networking, create-node-class, create-node-pool): each
 * Auto Mode node SNATs as its NodeClass's snatPolicy says, the NodeClass found by the node's
 * eks.amazonaws.com/nodeclass label or its NodePool's nodeClassRef; whatever of that cannot be
 * read or found makes the node's answer unknown with the reason.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/objects.ts';
import type { ReadGap } from '../../../src/model/gaps.ts';
import { buildSnapshot } from '../../../src/engine/snapshot.ts';
import { build, node, pod } from '../../support/builders.ts';
import { awsNode } from '../../support/datapath-builders.ts';
import { autoNode, nodeClass, nodePool } from '../../support/eks-builders.ts';
import { forbidden, notServed, unknownVersion } from '../../support/gaps.ts';
import { codes, decide, decisionFor, warningCodes, type PredictOptions } from '../../support/predict.ts';

const VPC = { vpcCIDRs: ['10.0.0.0/16'] };
const web = pod('web', 'shop').on('i-0a').ip('10.0.1.40');

function cluster(
  classes: KubeObject[],
  links: { nodeClass?: string; nodePool?: string } = { nodeClass: 'default' },
  pools: KubeObject[] = [],
): KubeObject[] {
  return [...build(autoNode('i-0a', '10.0.1.10', links), web), ...classes, ...pools];
}

const answer = (objects: KubeObject[], to: string, options: PredictOptions = VPC) =>
  decisionFor(decide(objects, [to], options), 'web', to);

describe('EKS Auto Mode: snatPolicy', () => {
  it.each([
    [
      'Random (written): the VPC keeps the pod IP',
      { snatPolicy: 'Random' },
      '10.0.5.5',
      '10.0.1.40',
      'pod-ip',
      'AWS_DST_IN_VPC',
    ],
    [
      "Random (written): a peered VPC sees the node's primary address",
      { snatPolicy: 'Random' },
      '172.31.0.5',
      '10.0.1.10',
      'node-ip',
      'AWS_SNAT_TO_PRIMARY_IP',
    ],
    ['Random by default when snatPolicy is absent', {}, '172.31.0.5', '10.0.1.10', 'node-ip', 'AWS_SNAT_TO_PRIMARY_IP'],
    [
      'Disabled: a peered VPC sees the pod IP',
      { snatPolicy: 'Disabled' },
      '172.31.0.5',
      '10.0.1.40',
      'pod-ip',
      'EKS_AUTO_SNAT_DISABLED',
    ],
    [
      'Disabled: the internet sees a NAT the cluster does not show',
      { snatPolicy: 'Disabled' },
      '8.8.8.8',
      null,
      'unknown',
      'NAT_IP_UNKNOWN',
    ],
    [
      'a value outside the enum (a -f file) is unknown',
      { snatPolicy: 'random' },
      '172.31.0.5',
      null,
      'unknown',
      'EKS_AUTO_SNAT_POLICY_UNKNOWN',
    ],
  ] as const)('%s', (_name, spec, to, sourceIP, identity, code) => {
    const d = answer(cluster([nodeClass('default', spec)]), to);
    expect(d).toMatchObject({ sourceIP, identity });
    expect(codes(d)).toContain(code);
  });

  it('does not translate IPv6: a dual-stack pod reaches an IPv6 destination with its own address', () => {
    const objects = [
      ...build(
        autoNode('i-0a', '10.0.1.10', { nodeClass: 'default' }).internalIP('2600:1f14::10'),
        pod('web', 'shop').on('i-0a').ip('10.0.1.40', '2600:1f14::40'),
      ),
      nodeClass('default'),
    ];
    const d = answer(objects, '2600:1f18::1');
    expect(d).toMatchObject({ sourceIP: '2600:1f14::40', identity: 'pod-ip' });
    expect(d.trace.find((s) => s.layer === 'eks-auto-mode')?.code).toBe('EKS_AUTO_NO_IPV6_SNAT');
  });

  it("answers the NAT given with --nat-ip for a Disabled node's internet traffic", () => {
    const d = answer(cluster([nodeClass('default', { snatPolicy: 'Disabled' })]), '8.8.8.8', {
      ...VPC,
      natIP: '3.5.7.9',
    });
    expect(d).toMatchObject({ sourceIP: '3.5.7.9', identity: 'nat' });
    expect(warningCodes(d)).toEqual([]);
  });

  it("warns that pods in subnets of their own may leave through another NAT than the node's", () => {
    const spec = { snatPolicy: 'Disabled', podSubnetSelectorTerms: [{ tags: { 'kubernetes.io/role/pod': '1' } }] };
    const objects = cluster([nodeClass('default', spec)]);
    expect(warningCodes(answer(objects, '8.8.8.8', { ...VPC, natIP: '3.5.7.9' }))).toEqual(['EKS_AUTO_POD_SUBNETS']);
    expect(warningCodes(answer(objects, '172.31.0.5'))).toEqual([]);
  });

  it('does not warn about pod subnets where the node SNATs anyway (Random)', () => {
    const objects = cluster([nodeClass('default', { podSubnetSelectorTerms: [{ id: 'subnet-0pod' }] })]);
    expect(answer(objects, '172.31.0.5')).toMatchObject({ sourceIP: '10.0.1.10', identity: 'node-ip' });
  });

  it('is unknown for the internet when the NodeClass asks for a public address the Node does not list', () => {
    const objects = cluster([nodeClass('default', { advancedNetworking: { associatePublicIPAddress: true } })]);
    expect(codes(answer(objects, '8.8.8.8', { ...VPC, natIP: '3.5.7.9' }))).toContain('EKS_AUTO_PUBLIC_IP_NOT_SHOWN');
    expect(answer(objects, '172.31.0.5')).toMatchObject({ sourceIP: '10.0.1.10', identity: 'node-ip' });
  });

  it('uses the ExternalIP a public node lists', () => {
    const objects = [
      ...build(autoNode('i-0a', '10.0.1.10', { nodeClass: 'default' }).externalIP('54.1.2.3'), web),
      nodeClass('default', { advancedNetworking: { associatePublicIPAddress: true } }),
    ];
    expect(answer(objects, '8.8.8.8')).toMatchObject({ sourceIP: '54.1.2.3', identity: 'node-ip' });
  });
});

describe('EKS Auto Mode: which NodeClass a node follows', () => {
  const disabled = nodeClass('private', { snatPolicy: 'Disabled' });
  const pool = (ref: Record<string, string>) => nodePool('batch', ref);

  it.each([
    ['its nodeclass label', { nodeClass: 'private' }, [], 'pod-ip', 'EKS_AUTO_SNAT_DISABLED'],
    [
      "the label over its NodePool's ref",
      { nodeClass: 'private', nodePool: 'batch' },
      [pool({ group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' })],
      'pod-ip',
      'EKS_AUTO_SNAT_DISABLED',
    ],
    [
      "its NodePool's nodeClassRef without the label",
      { nodePool: 'batch' },
      [pool({ group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'private' })],
      'pod-ip',
      'EKS_AUTO_SNAT_DISABLED',
    ],
    [
      'a NodePool of self-managed Karpenter names no EKS NodeClass',
      { nodePool: 'batch' },
      [pool({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'private' })],
      'unknown',
      'EKS_AUTO_NODE_NOT_LINKED',
    ],
    ['a NodePool not among the objects', { nodePool: 'batch' }, [], 'unknown', 'EKS_AUTO_NODE_NOT_LINKED'],
    ['no label at all', {}, [], 'unknown', 'EKS_AUTO_NODE_NOT_LINKED'],
    ['a NodeClass not among the objects', { nodeClass: 'gpu' }, [], 'unknown', 'EKS_AUTO_NODECLASS_NOT_FOUND'],
  ] as const)('%s', (_name, links, pools, identity, code) => {
    const d = answer(cluster([nodeClass('default'), disabled], links, [...pools]), '172.31.0.5');
    expect(d.identity).toBe(identity);
    expect(codes(d)).toContain(code);
  });

  it('names the missing NodeClass and how the node names it', () => {
    const d = answer(
      cluster([nodeClass('default')], { nodePool: 'gpu' }, [
        nodePool('gpu', { group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'gpu' }),
      ]),
      '8.8.8.8',
    );
    expect(d.reasons[0]).toMatchObject({
      code: 'EKS_AUTO_NODECLASS_NOT_FOUND',
      data: { node: 'i-0a', nodeClass: 'gpu' },
      source: { kind: 'NodePool', name: 'gpu' },
    });
  });
});

describe('EKS Auto Mode: an unread NodeClass or NodePool is unknown where the answer depends on it', () => {
  const NODE_CLASSES = 'nodeclasses.eks.amazonaws.com';
  const NODE_POOLS = 'nodepools.karpenter.sh';
  const linkedByPool = { nodePool: 'batch' };
  const batch = nodePool('batch', { group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' });

  it.each([
    [
      'NodeClasses refused',
      [forbidden(NODE_CLASSES)],
      [],
      { nodeClass: 'default' },
      [],
      'unknown',
      'EKS_AUTO_NODECLASSES_UNREADABLE',
    ],
    [
      'NodeClasses served only at v2',
      [unknownVersion(NODE_CLASSES, 'v2')],
      [],
      { nodeClass: 'default' },
      [],
      'unknown',
      'EKS_AUTO_NODECLASSES_UNREADABLE',
    ],
    [
      'NodeClasses not served: the node names one that cannot exist',
      [notServed(NODE_CLASSES)],
      [],
      { nodeClass: 'default' },
      [],
      'unknown',
      'EKS_AUTO_NODECLASS_NOT_FOUND',
    ],
    [
      'NodePools refused, the node linked by its pool only',
      [forbidden(NODE_POOLS)],
      [nodeClass('default')],
      linkedByPool,
      [],
      'unknown',
      'EKS_AUTO_NODEPOOLS_UNREADABLE',
    ],
    [
      'NodePools refused, the node labelled with its NodeClass',
      [forbidden(NODE_POOLS)],
      [nodeClass('default')],
      { nodeClass: 'default', nodePool: 'batch' },
      [],
      'node-ip',
      'AWS_SNAT_TO_PRIMARY_IP',
    ],
    ['NodePools read', [], [nodeClass('default')], linkedByPool, [batch], 'node-ip', 'AWS_SNAT_TO_PRIMARY_IP'],
  ] as const)('%s', (_name, gaps, classes, links, pools, identity, code) => {
    const d = answer(cluster([...classes], links, [...pools]), '172.31.0.5', { ...VPC, gaps: [...gaps] as ReadGap[] });
    expect(d.identity).toBe(identity);
    expect(codes(d)).toContain(code);
    if (identity === 'unknown') expect(d.sourceIP).toBeNull();
  });

  it('names the refused resource and why in the reason', () => {
    const d = answer(cluster([]), '8.8.8.8', { ...VPC, gaps: [forbidden(NODE_CLASSES)] });
    expect(d.reasons[0]).toMatchObject({
      code: 'EKS_AUTO_NODECLASSES_UNREADABLE',
      data: { resource: NODE_CLASSES, reason: 'forbidden', node: 'i-0a' },
    });
  });

  it("keeps answers that do not pass node SNAT: the node's own address", () => {
    expect(answer(cluster([]), '10.0.1.10', { ...VPC, gaps: [forbidden(NODE_CLASSES)] })).toMatchObject({
      sourceIP: '10.0.1.40',
      identity: 'pod-ip',
    });
  });
});

describe('EKS Auto Mode: detection', () => {
  it('is detected from Auto Mode nodes, without an aws-node DaemonSet', () => {
    expect(buildSnapshot(cluster([nodeClass('default')])).datapath.mechanisms).toEqual(['eks-auto-mode']);
  });

  it('is not detected from NodeClasses alone: a cluster without Auto Mode nodes answers as before', () => {
    const before = [...build(node('n1').aws().internalIP('10.0.1.10'), pod('web', 'shop').on('n1').ip('10.0.1.40'))];
    const after = [
      ...before,
      nodeClass('default', { snatPolicy: 'Disabled' }),
      nodePool('general-purpose', { group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' }),
    ];
    expect(buildSnapshot(after).datapath.mechanisms).toEqual(buildSnapshot(before).datapath.mechanisms);
    expect(decide(after, ['172.31.0.5', '8.8.8.8'], VPC)).toEqual(decide(before, ['172.31.0.5', '8.8.8.8'], VPC));
  });

  it('leaves managed node groups to aws-node and Auto Mode nodes to their NodeClass', () => {
    const objects = [
      ...build(
        awsNode(),
        node('mng').aws().internalIP('10.0.2.20'),
        pod('static', 'shop').on('mng').ip('10.0.2.41'),
        autoNode('i-0a', '10.0.1.10', { nodeClass: 'default' }),
        web,
      ),
      nodeClass('default', { snatPolicy: 'Disabled' }),
    ];
    const decisions = decide(objects, ['172.31.0.5'], VPC);
    expect(decisionFor(decisions, 'static', '172.31.0.5')).toMatchObject({ sourceIP: '10.0.2.20', via: 'aws-vpc-cni' });
    const auto = decisionFor(decisions, 'web', '172.31.0.5');
    expect(auto).toMatchObject({ sourceIP: '10.0.1.40', identity: 'pod-ip' });
    expect(auto.trace.find((s) => s.layer === 'aws-vpc-cni')?.code).toBe('AWS_NODE_NOT_ON_AUTO_MODE_NODE');
  });
});
