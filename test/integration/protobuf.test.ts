/**
 * Pods and Nodes read in protobuf against the real kube-apiserver: the cut objects are the same,
 * key for key and in the same order, as the ones read in JSON — for objects with every field the
 * cut keeps set, zero or left out (fixtures/protobuf-read.yaml).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiClient, type ListItems } from '../../src/cluster/http.ts';
import { loadKubeconfig } from '../../src/cluster/kubeconfig.ts';
import { listAll } from '../../src/cluster/list.ts';
import { decodeList, isProtobuf } from '../../src/cluster/protobuf/core-v1.ts';
import { NODES, PODS } from '../../src/cluster/resources.ts';
import { readFields } from '../../src/config/snapshot-file.ts';
import type { KubeObject } from '../../src/model/objects.ts';
import { kubectl, writeKubeconfig } from '../support/lab.ts';

const lab = inject('lab');
const FIXTURE = join(import.meta.dirname, 'fixtures', 'protobuf-read.yaml');
const STATUS = {
  status: {
    phase: 'Running',
    podIP: '10.9.0.5',
    podIPs: [{ ip: '10.9.0.5' }, { ip: 'fd00:9::5' }],
    hostIP: '192.168.9.1',
    hostIPs: [{ ip: '192.168.9.1' }, { ip: 'fd00::9:1' }],
  },
};

/** Every list in JSON: the client as it was before protobuf. */
class JsonClient extends ApiClient {
  override list<T>(path: string, query: Record<string, string | undefined> = {}, _items?: ListItems): Promise<T> {
    return super.list<T>(path, query);
  }
}

const kc = () =>
  loadKubeconfig({ kubeconfig: writeKubeconfig(lab, 'admin') }, { env: {}, home: homedir(), pathDelimiter: delimiter });

beforeAll(() => {
  kubectl(lab, ['apply', '-f', '-'], readFileSync(FIXTURE, 'utf8'));
  kubectl(lab, [
    'patch',
    'pod',
    'everything',
    '-n',
    'pb-read',
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify(STATUS),
  ]);
});
afterAll(() => {
  kubectl(lab, ['delete', '--wait=false', 'namespace', 'pb-read']);
  kubectl(lab, ['delete', 'node', 'pb-node-a', 'pb-node-b']);
});

describe('a list read in protobuf', () => {
  it.each([
    ['pods', PODS, 'pb-read', ['everything', 'host-network', 'bare']],
    ['nodes', NODES, undefined, ['pb-node-a', 'pb-node-b']],
  ])('gives the same cut %s as JSON', async (_name, spec, namespace, names) => {
    const options = { namespace, chunkSize: 2 };
    const [fromProtobuf, fromJson] = await Promise.all([
      listAll(new ApiClient(kc(), { timeoutMs: 0 }), spec, 'v1', options),
      listAll(new JsonClient(kc(), { timeoutMs: 0 }), spec, 'v1', options),
    ]);
    expect(fromProtobuf.map((o) => o.metadata.name)).toEqual(expect.arrayContaining(names));
    if (spec === NODES) {
      const nodeA = fromProtobuf.find((o) => o.metadata.name === 'pb-node-a') as unknown as {
        spec: { taints: unknown[] };
      };
      // Admission (TaintNodesByCondition) adds a not-ready taint beside these.
      expect(nodeA.spec.taints).toEqual(
        expect.arrayContaining([
          { key: 'dedicated', value: 'egress', effect: 'NoSchedule' },
          { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-12-01T10:20:30Z' },
        ]),
      );
    }
    expect(JSON.stringify(fromProtobuf)).toBe(JSON.stringify(fromJson));
  });

  it('is what the API server sends when asked for protobuf, and reads into the same objects', async () => {
    const answer = await request(`${lab.server}/api/v1/namespaces/pb-read/pods`, {
      headers: { accept: 'application/vnd.kubernetes.protobuf', authorization: `Bearer ${lab.tokens.admin}` },
      dispatcher: new Agent({ connect: { ca: readFileSync(lab.caFile) } }),
    });
    const body = Buffer.from(await answer.body.arrayBuffer());
    expect(answer.headers['content-type']).toBe('application/vnd.kubernetes.protobuf');
    expect(isProtobuf(body)).toBe(true);
    const items = (decodeList(body, 'v1', 'Pod') as { items: KubeObject[] }).items.map((item) =>
      readFields({ ...item, apiVersion: 'v1', kind: 'Pod' }),
    );
    const fromJson = await listAll(new JsonClient(kc(), { timeoutMs: 0 }), PODS, 'v1', {
      namespace: 'pb-read',
      chunkSize: 0,
    });
    expect(items.map((i) => i.metadata.name)).toEqual(['bare', 'everything', 'host-network']);
    // The fixture's fields all made it through the API server, so the comparison covers them.
    const everything = items[1] as unknown as { spec: Record<string, unknown[]>; status: Record<string, unknown[]> };
    expect(Object.keys(everything.spec['affinity']!)).toEqual(['nodeAffinity', 'podAffinity', 'podAntiAffinity']);
    expect(everything.spec['tolerations']).toHaveLength(4);
    expect(everything.status['podIPs']).toHaveLength(2);
    expect(everything.status['hostIPs']).toHaveLength(2);
    expect(JSON.stringify(items)).toBe(JSON.stringify(fromJson));
  });
});
