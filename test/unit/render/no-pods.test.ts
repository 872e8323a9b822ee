/**
 * who with no pod to answer for says where it looked and why nothing is there, as kubectl's "No
 * resources found in NS namespace." does: never a bare "No pods found.".
 */
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../../src/engine/snapshot.ts';
import type { KubeObject } from '../../../src/model/objects.ts';
import { noPodsMessage } from '../../../src/render/who-view.ts';
import { build, node, pod } from '../../support/builders.ts';

const namespace = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const pods = build(node('n1'), pod('web-0', 'shop').on('n1'), pod('api-0', 'backend').on('n1'));

describe('who with no pods', () => {
  it.each([
    ['an input with no pods', [], { namespace: 'default', fromFiles: true }, 'No pods in the input.\n'],
    [
      'a namespace the input has no pods in',
      pods,
      { namespace: 'default', fromFiles: true },
      'No pods in namespace "default" in the input (its pods are in namespaces backend, shop).\n',
    ],
    [
      'a selector that matches no pod of the input',
      pods,
      { selectorText: 'app=nope', fromFiles: true },
      'No pods match -l app=nope in the input (its pods are in namespaces backend, shop).\n',
    ],
    [
      'a namespace the cluster does not have',
      [namespace('shop')],
      { namespace: 'nosuch', fromFiles: false },
      'No pods found: namespace "nosuch" does not exist.\n',
    ],
    [
      'a namespace the cluster has, empty',
      [namespace('shop')],
      { namespace: 'shop', fromFiles: false },
      'No pods found in namespace "shop".\n',
    ],
    ['a cluster with no pods at all', [namespace('shop')], { fromFiles: false }, 'No pods found in any namespace.\n'],
  ])('%s', (_name, objects, scope, message) => {
    expect(noPodsMessage(buildSnapshot(objects), scope)).toBe(message);
  });

  it('does not claim a namespace is missing when the Namespace list could not be read', () => {
    const snapshot = buildSnapshot([], { gaps: [{ resource: 'namespaces', reason: 'forbidden' }] });
    expect(noPodsMessage(snapshot, { namespace: 'shop', fromFiles: false })).toBe(
      'No pods found in namespace "shop".\n',
    );
  });
});
