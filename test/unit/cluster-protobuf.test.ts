/**
 * Pods and Nodes read from protobuf give the JSON the API server would have sent for the fields
 * the cut keeps — key order, omitempty and zero values as Go's encoding/json writes them — and
 * anything the reader cannot read exactly stops it, so the list is asked for in JSON. The real API
 * server's two answers are compared in test/integration/protobuf.test.ts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeList, decodeStatus, isProtobuf } from '../../src/cluster/protobuf/core-v1.ts';
import { NotExactError } from '../../src/cluster/protobuf/wire.ts';
import { kubeconfigFor } from '../support/plain-http-kubeconfig.ts';
import { ApiClient, ApiStatusError } from '../../src/cluster/http.ts';
import { bool, entry, envelope, int, list, msg, str } from '../support/protobuf-writer.ts';

const pod = (meta: Buffer[], spec: Buffer[] = [], status: Buffer[] = []) =>
  Buffer.concat([msg(1, ...meta), msg(2, ...spec), msg(3, ...status)]);
const node = (meta: Buffer[], spec: Buffer[] = [], status: Buffer[] = []) => pod(meta, spec, status);
/** The one item of a PodList holding this pod spec, as JSON text (so key order counts). */
const specOf = (...spec: Buffer[]) =>
  JSON.stringify((decodeList(list('PodList', [pod([], spec)]), 'v1', 'Pod') as Items).items[0]!.spec);
type Items = { items: Record<string, unknown>[]; metadata: Record<string, unknown> };

describe('a PodList read from protobuf', () => {
  it('gives the cut fields of each pod, the continue token, and nothing else', () => {
    const body = list(
      'PodList',
      [
        pod(
          [
            str(1, 'web-1'),
            str(2, 'web-'),
            str(3, 'shop'),
            str(5, 'uid-1'),
            entry(11, 'tier', 'web'),
            entry(11, 'app', 'shop'),
            entry(12, 'vpc.amazonaws.com/pod-eni', '[]'),
            msg(13, str(1, 'ReplicaSet'), str(3, 'web-5f7'), str(4, 'uid-rs'), str(5, 'apps/v1'), bool(6, true)),
            msg(17, str(1, 'kubelet')),
          ],
          [msg(2, str(1, 'app'), str(2, 'nginx')), str(10, 'n1'), bool(11, false), str(8, 'web')],
          [str(1, 'Running'), str(6, '10.0.0.5'), msg(12, str(1, '10.0.0.5')), msg(12, str(1, 'fd00::5'))],
        ),
      ],
      'next-page',
    );
    expect(isProtobuf(body)).toBe(true);
    const decoded = decodeList(body, 'v1', 'Pod') as Items;
    expect(decoded.metadata).toEqual({ resourceVersion: '42', continue: 'next-page' });
    expect(JSON.stringify(decoded.items[0])).toBe(
      JSON.stringify({
        metadata: {
          name: 'web-1',
          namespace: 'shop',
          labels: { app: 'shop', tier: 'web' },
          annotations: { 'vpc.amazonaws.com/pod-eni': '[]' },
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5f7', uid: 'uid-rs', controller: true },
          ],
        },
        spec: { serviceAccountName: 'web', nodeName: 'n1' },
        status: { phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }, { ip: 'fd00::5' }] },
      }),
    );
  });

  it.each([
    [
      'an empty string with omitempty is left out',
      [msg(22, str(1, ''), str(2, 'Exists'))],
      '{"tolerations":[{"operator":"Exists"}]}',
    ],
    [
      'a pointer is written even when zero',
      [msg(22, str(1, 'k'), int(5, 0))],
      '{"tolerations":[{"key":"k","tolerationSeconds":0}]}',
    ],
    [
      'an int64 beyond 2^53 becomes the number JSON.parse gives',
      [msg(22, int(5, 2n ** 62n + 1n))],
      `{"tolerations":[{"tolerationSeconds":${2 ** 62}}]}`,
    ],
    ['a negative int64 (ten bytes on the wire)', [msg(22, int(5, -1))], '{"tolerations":[{"tolerationSeconds":-1}]}'],
    [
      'an int64 of seven bytes on the wire, the largest read without BigInt',
      [msg(22, int(5, 2 ** 49 - 1))],
      `{"tolerations":[{"tolerationSeconds":${2 ** 49 - 1}}]}`,
    ],
    [
      'an int64 of eight bytes on the wire',
      [msg(22, int(5, 2 ** 49))],
      `{"tolerations":[{"tolerationSeconds":${2 ** 49}}]}`,
    ],
    [
      'map entries the marshaller did not sort are sorted',
      [entry(7, 'zone', 'a'), entry(7, 'disk', 'ssd'), entry(7, 'arch', 'amd64')],
      '{"nodeSelector":{"arch":"amd64","disk":"ssd","zone":"a"}}',
    ],
    [
      'a map key that came twice keeps its last value, in its sorted place',
      [entry(7, 'b', '1'), entry(7, 'a', 'x'), entry(7, 'b', '2')],
      '{"nodeSelector":{"a":"x","b":"2"}}',
    ],
    [
      'map keys beyond the Basic Multilingual Plane sort by their UTF-8 bytes, as Go sorts them',
      [entry(7, '\u{1F600}', 'emoji'), entry(7, '\uFF5E', 'tilde')],
      '{"nodeSelector":{"\uFF5E":"tilde","\u{1F600}":"emoji"}}',
    ],
    ['an empty affinity pointer is {}', [msg(18)], '{"affinity":{}}'],
    [
      'a list without omitempty and no items is null',
      [msg(18, msg(1, msg(1)))],
      '{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":null}}}}',
    ],
    [
      'a struct without omitempty that is unset is its zero value, with its own zero fields',
      [msg(18, msg(2, msg(2, int(1, -5))))],
      '{"affinity":{"podAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":-5,"podAffinityTerm":{"topologyKey":""}}]}}}',
    ],
    [
      'label selectors keep matchLabels sorted, expressions and keys in order',
      [
        msg(
          18,
          msg(
            3,
            msg(
              1,
              msg(1, entry(1, 'b', '2'), entry(1, 'a', '1'), msg(2, str(1, 'x'), str(2, 'In'), str(3, 'v'))),
              str(3, 'zone'),
              str(5, 'pod-template-hash'),
            ),
          ),
        ),
      ],
      '{"affinity":{"podAntiAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[{"labelSelector":{"matchLabels":{"a":"1","b":"2"},"matchExpressions":[{"key":"x","operator":"In","values":["v"]}]},"topologyKey":"zone","matchLabelKeys":["pod-template-hash"]}]}}}',
    ],
    [
      'hostNetwork false and an empty node name are left out; true is written',
      [bool(11, true), str(10, '')],
      '{"hostNetwork":true}',
    ],
  ])('%s', (_name, spec, json) => {
    expect(specOf(...spec)).toBe(json);
  });

  it('skips the fields the cut drops, whatever they hold', () => {
    const containers = msg(2, str(1, 'app'), msg(99, int(1, 7)), Buffer.from([0x0d, 1, 2, 3, 4]));
    expect(specOf(containers, str(10, 'n1'))).toBe('{"nodeName":"n1"}');
  });

  it('skips a dropped varint field of any length up to ten bytes', () => {
    expect(specOf(int(3, 5), int(4, -1), int(12, 2n ** 63n), str(10, 'n1'))).toBe('{"nodeName":"n1"}');
  });

  it.each([
    ['a field a kept-whole message does not know', [msg(22, str(1, 'k'), str(6, 'new'))]],
    ['a known field on an unexpected wire type', [msg(22, int(1, 3))]],
    ['a length past the end of its message', [Buffer.from([0x0a, 0x7f, 0x01])]],
    ['a dropped varint longer than ten bytes', [Buffer.from([0x18, ...Array(10).fill(0xff), 0x01])]],
    ['a varint cut off by the end of its message', [msg(22, Buffer.from([0x28, 0xff, 0xff]))]],
  ])('stops at %s', (_name, spec) => {
    expect(() => specOf(...spec)).toThrow(NotExactError);
  });

  it('stops at a list of another kind than the one asked for', () => {
    expect(() => decodeList(list('NodeList', []), 'v1', 'Pod')).toThrow(NotExactError);
  });
});

describe('a NodeList read from protobuf', () => {
  it('gives the addresses, pod CIDRs, taints and kubelet version', () => {
    const body = list('NodeList', [
      node(
        [str(1, 'n1'), entry(11, 'kubernetes.io/hostname', 'n1')],
        [
          str(1, '10.0.1.0/24'),
          str(7, '10.0.1.0/24'),
          str(7, 'fd00:1::/64'),
          str(3, 'aws:///eu-west-1a/i-1'),
          bool(4, false),
        ],
        [msg(5, str(1, 'InternalIP'), str(2, '192.168.0.1')), msg(7, str(1, 'machine'), str(7, 'v1.34.1'))],
      ),
      node(
        [str(1, 'n2')],
        [
          msg(5, str(1, 'gpu'), str(3, 'NoSchedule'), msg(4, int(1, 1_764_000_000), int(2, 5))),
          msg(5, str(1, 'old'), str(3, 'NoExecute'), msg(4)),
        ],
      ),
    ]);
    const items = (decodeList(body, 'v1', 'Node') as Items).items;
    expect(JSON.stringify(items)).toBe(
      JSON.stringify([
        {
          metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } },
          spec: {
            podCIDR: '10.0.1.0/24',
            podCIDRs: ['10.0.1.0/24', 'fd00:1::/64'],
            providerID: 'aws:///eu-west-1a/i-1',
          },
          status: {
            addresses: [{ type: 'InternalIP', address: '192.168.0.1' }],
            nodeInfo: { kubeletVersion: 'v1.34.1' },
          },
        },
        {
          metadata: { name: 'n2' },
          spec: {
            taints: [
              { key: 'gpu', effect: 'NoSchedule', timeAdded: '2025-11-24T16:00:00Z' },
              { key: 'old', effect: 'NoExecute', timeAdded: null },
            ],
          },
          status: { nodeInfo: { kubeletVersion: '' } },
        },
      ]),
    );
  });
});

describe('a Status read from protobuf', () => {
  it('gives its message and reason', () => {
    const status = envelope(
      'v1',
      'Status',
      str(2, 'Failure'),
      str(3, 'pods is forbidden'),
      str(4, 'Forbidden'),
      int(6, 403),
    );
    expect(decodeStatus(status)).toEqual({ message: 'pods is forbidden', reason: 'Forbidden' });
  });
});

describe('a list asked for in protobuf', () => {
  const servers: ReturnType<typeof createServer>[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  /** A server answering each request with `answer`, and the Accept headers it was sent. */
  async function serve(answer: (req: IncomingMessage, res: ServerResponse) => void) {
    const accepts: string[] = [];
    const server = createServer((req, res) => {
      accepts.push(String(req.headers.accept));
      answer(req, res);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const kc = kubeconfigFor(server);
    return { client: new ApiClient(kc, { timeoutMs: 0 }), accepts };
  }
  const POD = { apiVersion: 'v1', kind: 'Pod' };
  const jsonList = '{"items":[{"metadata":{"name":"from-json"}}]}';

  it('asks for protobuf first and reads it', async () => {
    const { client, accepts } = await serve((_req, res) => res.end(list('PodList', [pod([str(1, 'p')])])));
    const body = await client.list<Items>('/api/v1/pods', {}, POD);
    expect(body.items.map((i) => (i['metadata'] as { name: string }).name)).toEqual(['p']);
    expect(accepts).toEqual(['application/vnd.kubernetes.protobuf, application/json']);
  });

  it('reads JSON from a server that answers JSON', async () => {
    const { client } = await serve((_req, res) => res.end(jsonList));
    expect((await client.list<Items>('/api/v1/pods', {}, POD)).items).toEqual([{ metadata: { name: 'from-json' } }]);
  });

  it('asks again in JSON when the protobuf has a field it cannot read exactly', async () => {
    const newer = list('PodList', [pod([], [msg(22, str(6, 'new'))])]);
    const { client, accepts } = await serve((req, res) =>
      res.end(req.headers.accept?.startsWith('application/vnd.kubernetes.protobuf') ? newer : jsonList),
    );
    expect((await client.list<Items>('/api/v1/pods', {}, POD)).items).toEqual([{ metadata: { name: 'from-json' } }]);
    expect(accepts).toEqual(['application/vnd.kubernetes.protobuf, application/json', 'application/json']);
  });

  it('turns a refusal sent in protobuf into its status, reason and message', async () => {
    const { client } = await serve((_req, res) => {
      res.statusCode = 403;
      res.end(envelope('v1', 'Status', str(3, 'pods is forbidden'), str(4, 'Forbidden'), int(6, 403)));
    });
    const refusal = client.list('/api/v1/pods', {}, POD);
    await expect(refusal).rejects.toBeInstanceOf(ApiStatusError);
    await expect(refusal).rejects.toMatchObject({ status: 403, reason: 'Forbidden', message: 'pods is forbidden' });
  });

  it('asks for JSON only for lists it has no protobuf reader for', async () => {
    const { client, accepts } = await serve((_req, res) => res.end('{"items":[]}'));
    await client.list('/api/v1/configmaps', {}, { apiVersion: 'v1', kind: 'ConfigMap' });
    expect(accepts).toEqual(['application/json']);
  });
});
