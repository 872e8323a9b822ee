import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../../src/engine/snapshot.ts';
import type { KubeObject } from '../../../src/model/objects.ts';
import { readFields } from '../../../src/config/snapshot-file.ts';
import { build, pod } from '../../support/builders.ts';

function workloadOf(objects: KubeObject[], name: string) {
  return buildSnapshot(objects).pods.find((p) => p.name === name)?.workload;
}

const owned = (kind: string, name: string, owner?: { kind: string; name: string }): KubeObject => ({
  apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1',
  kind,
  metadata: { name, namespace: 'default', ...(owner ? { ownerReferences: [{ ...owner, controller: true }] } : {}) },
});

describe("resolving a pod's workload through owner references", () => {
  it('derives the Deployment from the ReplicaSet name and pod-template-hash when the ReplicaSet was not read', () => {
    const p = pod('web-5d8f7c9b4-abcde').ownedBy('ReplicaSet', 'web-5d8f7c9b4').label('pod-template-hash', '5d8f7c9b4');
    expect(workloadOf(build(p), 'web-5d8f7c9b4-abcde')).toEqual({ kind: 'Deployment', name: 'web' });
  });

  it('follows a ReplicaSet that was read to its controller', () => {
    const p = pod('api-1').ownedBy('ReplicaSet', 'api-rs');
    expect(
      workloadOf([...build(p), owned('ReplicaSet', 'api-rs', { kind: 'Deployment', name: 'api' })], 'api-1'),
    ).toEqual({ kind: 'Deployment', name: 'api' });
  });

  it('keeps a bare ReplicaSet as the workload', () => {
    expect(workloadOf(build(pod('x-1').ownedBy('ReplicaSet', 'x')), 'x-1')).toEqual({ kind: 'ReplicaSet', name: 'x' });
  });

  it('follows a Job that was read to its CronJob', () => {
    const p = pod('backup-29123-abc').ownedBy('Job', 'backup-29123');
    expect(
      workloadOf([...build(p), owned('Job', 'backup-29123', { kind: 'CronJob', name: 'backup' })], 'backup-29123-abc'),
    ).toEqual({ kind: 'CronJob', name: 'backup' });
  });

  it.each([
    ['a StatefulSet pod', pod('db-0').ownedBy('StatefulSet', 'db'), { kind: 'StatefulSet', name: 'db' }],
    ['a bare pod', pod('debug'), { kind: 'Pod', name: 'debug' }],
    ['a static (mirror) pod owned by its Node', pod('etcd-n1').ownedBy('Node', 'n1'), { kind: 'Pod', name: 'etcd-n1' }],
  ])('reports %s as its own workload kind', (_name, p, expected) => {
    expect(workloadOf(build(p), p.build().metadata.name)).toEqual(expected);
  });
});

describe('owner references a file may break (the API server would refuse them)', () => {
  const withOwners = (ownerReferences: unknown): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', ownerReferences } as KubeObject['metadata'],
    spec: {},
  });
  it.each([
    [
      'an entry without a name',
      [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', controller: true }],
      { kind: 'Pod', name: 'p' },
    ],
    ['an entry that is null', [null], { kind: 'Pod', name: 'p' }],
    ['an entry that is a string', ['web'], { kind: 'Pod', name: 'p' }],
    [
      'a nameless controller beside a named owner',
      [
        { kind: 'ReplicaSet', controller: true },
        { kind: 'StatefulSet', name: 'db' },
      ],
      { kind: 'StatefulSet', name: 'db' },
    ],
    ['a list that is null', null, { kind: 'Pod', name: 'p' }],
  ])('%s names no owner', (_name, refs, expected) => {
    expect(workloadOf([withOwners(refs)], 'p')).toEqual(expected);
  });
});

describe("a pod's service account (Cilium's io.cilium.k8s.policy.serviceaccount label)", () => {
  const withSpec = (name: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec,
  });
  const serviceAccountOf = (objects: KubeObject[], name: string) =>
    buildSnapshot(objects).pods.find((p) => p.name === name)?.serviceAccount;

  it('is spec.serviceAccountName, else the deprecated spec.serviceAccount, else default as admission sets it', () => {
    const objects = [
      withSpec('a', { serviceAccountName: 'robot', serviceAccount: 'old' }),
      withSpec('b', { serviceAccount: 'old' }),
      withSpec('c', {}),
    ];
    expect(['a', 'b', 'c'].map((n) => serviceAccountOf(objects, n))).toEqual(['robot', 'old', 'default']);
  });

  it('survives the snapshot file', () => {
    const cut = readFields(
      withSpec('a', {
        serviceAccountName: 'robot',
        containers: [{ name: 'c', env: [{ name: 'SECRET', value: 'x' }] }],
      }),
    );
    expect(cut.spec).toEqual({ serviceAccountName: 'robot' });
    expect(serviceAccountOf([cut], 'a')).toBe('robot');
  });
});
