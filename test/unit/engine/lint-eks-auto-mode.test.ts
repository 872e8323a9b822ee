/**
 * lint's EKS Auto Mode check: a NodePool naming an EKS NodeClass that does not exist, and a NodeClass
 * with SNAT off whose nodes get public addresses. Nothing is reported where the NodeClasses could not
 * be read, nor for self-managed Karpenter's pools.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/objects.ts';
import { build } from '../../support/builders.ts';
import { autoNode, nodeClass, nodePool } from '../../support/eks-builders.ts';
import { forbidden } from '../../support/gaps.ts';
import { briefs } from '../../support/lint.ts';

const EKS_REF = { group: 'eks.amazonaws.com', kind: 'NodeClass' };
const cluster = (...objects: KubeObject[]) => [
  ...build(autoNode('i-0a', '10.0.1.10', { nodeClass: 'default' })),
  nodeClass('default'),
  ...objects,
];

describe('EKS Auto Mode NodePools and NodeClasses', () => {
  it.each([
    ['a NodePool naming a NodeClass that exists', [nodePool('general-purpose', { ...EKS_REF, name: 'default' })], []],
    [
      'a NodePool naming a NodeClass that does not exist',
      [nodePool('gpu', { ...EKS_REF, name: 'gpu' })],
      ['EKS_NODEPOOL_NODECLASS_MISSING NodePool gpu'],
    ],
    [
      "a self-managed Karpenter NodePool (EC2NodeClass) is not Auto Mode's",
      [nodePool('gpu', { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'gpu' })],
      [],
    ],
    [
      'snatPolicy Disabled with public node addresses',
      [nodeClass('edge', { snatPolicy: 'Disabled', advancedNetworking: { associatePublicIPAddress: true } })],
      ['EKS_NODECLASS_SNAT_DISABLED_PUBLIC_IP NodeClass edge'],
    ],
    [
      'snatPolicy Disabled without public node addresses',
      [nodeClass('edge', { snatPolicy: 'Disabled', advancedNetworking: { associatePublicIPAddress: false } })],
      [],
    ],
    [
      'snatPolicy Random with public node addresses',
      [nodeClass('edge', { advancedNetworking: { associatePublicIPAddress: true } })],
      [],
    ],
  ] as const)('%s', (_name, objects, expected) => {
    expect(briefs(cluster(...objects))).toEqual(expected);
  });

  it('reports no missing NodeClass when the NodeClasses could not be read', () => {
    const objects = [
      ...build(autoNode('i-0a', '10.0.1.10', { nodeClass: 'default' })),
      nodePool('gpu', { ...EKS_REF, name: 'gpu' }),
    ];
    expect(briefs(objects, { gaps: [forbidden('nodeclasses.eks.amazonaws.com')] })).toEqual([]);
  });
});
