/**
 * Client behaviour against the real API server, kubectl's way: merged KUBECONFIG files, --context,
 * --cluster and --user, exec credential plugins, HTTPS_PROXY/NO_PROXY, in-cluster config,
 * --request-timeout, expired continue tokens, one clear line for 401 and TLS failures, and
 * aggregated discovery.
 */
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadKubeconfig } from '../../src/cluster/kubeconfig.ts';
import { specIn } from '../../src/cluster/access.ts';
import { aggregatedDiscovery, indexGroups } from '../../src/cluster/discovery.ts';
import { ApiClient, FORBIDDEN, getIfVisible } from '../../src/cluster/http.ts';
import { POLICY_RESOURCES } from '../../src/config/policy-resources.ts';
import { SERVICE_CIDRS } from '../../src/config/service-cidrs.ts';
import { CUSTOM_RESOURCES } from '../../src/engine/registry/mechanisms.ts';
import { listAll } from '../../src/cluster/list.ts';
import { readCluster } from '../../src/cluster/read.ts';
import { PODS } from '../../src/cluster/resources.ts';
import { writeKubeconfig } from '../support/lab.ts';
import { PLUGIN, runPlugin } from '../support/plugin.ts';
import { PAGINATED_PODS } from './fixtures.ts';

const lab = inject('lab');
const servers: Server[] = [];
afterAll(() => servers.forEach((s) => s.close()));

const file = (name: string, text: string) => {
  const path = join(lab.dir, name);
  writeFileSync(path, text);
  return path;
};

function kubeconfigYaml(
  entries: { cluster: string; server: string; user: string; userBody: string; context: string }[],
  current: string,
): string {
  return (
    [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${current}`,
      `clusters: [${entries.map((e) => `{name: ${e.cluster}, cluster: {certificate-authority: ${lab.caFile}, server: "${e.server}"}}`).join(', ')}]`,
      `users: [${entries.map((e) => `{name: ${e.user}, user: ${e.userBody}}`).join(', ')}]`,
      `contexts: [${entries.map((e) => `{name: ${e.context}, context: {cluster: ${e.cluster}, user: ${e.user}}}`).join(', ')}]`,
    ].join('\n') + '\n'
  );
}

const whoArgs = ['who', '-n', 'shop', '--to', '203.0.113.10', '-o', 'json'];
const pods = (stdout: string) => (JSON.parse(stdout) as { items: { pod: string }[] }).items.map((i) => i.pod);
const env = (extra: NodeJS.ProcessEnv) => ({
  ...process.env,
  HOME: lab.dir,
  KUBECONFIG: '',
  HTTPS_PROXY: '',
  https_proxy: '',
  NO_PROXY: '',
  no_proxy: '',
  ...extra,
});

const closedPort = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as AddressInfo;
    probe.close(() => resolve(port));
  });
});
const nowhere = `https://127.0.0.1:${closedPort}`;

describe('kubeconfig like kubectl', () => {
  const good = file(
    'merge-a.kubeconfig',
    kubeconfigYaml(
      [{ cluster: 'shared', server: lab.server, user: 'me', userBody: `{token: "${lab.tokens.admin}"}`, context: 'a' }],
      'a',
    ),
  );
  const shadow = file(
    'merge-b.kubeconfig',
    kubeconfigYaml([{ cluster: 'shared', server: nowhere, user: 'me', userBody: '{token: nope}', context: 'b' }], 'b'),
  );

  it('merges KUBECONFIG files with the first occurrence of a name and the first current-context winning', async () => {
    const result = await runPlugin(whoArgs, { env: env({ KUBECONFIG: [good, shadow].join(delimiter) }) });
    expect(result.stderr).toBe('');
    expect(pods(result.stdout)).toContain('web-5f7d8c9b6-aaaaa');
  });

  it("follows the order of KUBECONFIG: the other order picks the other file's cluster", async () => {
    const result = await runPlugin(whoArgs, { env: env({ KUBECONFIG: [shadow, good].join(delimiter) }) });
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      `error: cannot reach the API server at ${nowhere}: connection refused: nothing is listening at that address and port (ECONNREFUSED)\n`,
    );
  });

  it('switches user with --user and cluster with --cluster', async () => {
    const both = file(
      'both.kubeconfig',
      kubeconfigYaml(
        [
          {
            cluster: 'lab',
            server: lab.server,
            user: 'admin',
            userBody: `{token: "${lab.tokens.admin}"}`,
            context: 'main',
          },
          {
            cluster: 'nowhere',
            server: nowhere,
            user: 'nocm',
            userBody: `{token: "${lab.tokens['nocm-user']}"}`,
            context: 'other',
          },
        ],
        'main',
      ),
    );
    const asNocm = await runPlugin([...whoArgs, '--kubeconfig', both, '--user', 'nocm']);
    expect(JSON.parse(asNocm.stdout).warnings).toEqual([
      'cannot list configmaps in kube-system: results may be incomplete',
    ]);
    const elsewhere = await runPlugin([...whoArgs, '--kubeconfig', both, '--cluster', 'nowhere']);
    expect(elsewhere.stderr).toBe(
      `error: cannot reach the API server at ${nowhere}: connection refused: nothing is listening at that address and port (ECONNREFUSED)\n`,
    );
    const unknownUser = await runPlugin([...whoArgs, '--kubeconfig', both, '--user', 'ghost']);
    expect(unknownUser).toMatchObject({ code: 4, stderr: 'error: user "ghost" does not exist in the kubeconfig\n' });
  });

  it('uses the in-cluster service account when there is no kubeconfig', async () => {
    const root = join(lab.dir, 'in-cluster');
    const sa = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), lab.tokens.admin);
    copyFileSync(lab.caFile, join(sa, 'ca.crt'));
    const saved = { host: process.env['KUBERNETES_SERVICE_HOST'], port: process.env['KUBERNETES_SERVICE_PORT'] };
    const url = new URL(lab.server);
    Object.assign(process.env, { KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port });
    try {
      const kc = loadKubeconfig({}, { env: process.env, home: root, pathDelimiter: delimiter, inClusterRoot: root });
      const read = await readCluster(new ApiClient(kc, { timeoutMs: 0 }), { namespace: 'shop', chunkSize: 500 });
      expect(read.objects.filter((o) => o.kind === 'Pod' && o.metadata.namespace === 'shop')).toHaveLength(4);
    } finally {
      for (const [key, value] of [
        ['KUBERNETES_SERVICE_HOST', saved.host],
        ['KUBERNETES_SERVICE_PORT', saved.port],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});

describe('exec credential plugins', () => {
  it('runs the plugin and uses the token it prints', async () => {
    const plugin = file(
      'fake-auth-plugin',
      `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${lab.tokens.admin}"}}'\n`,
    );
    chmodSync(plugin, 0o755);
    const kubeconfig = file(
      'exec.kubeconfig',
      kubeconfigYaml(
        [
          {
            cluster: 'lab',
            server: lab.server,
            user: 'gke',
            userBody: `{exec: {apiVersion: client.authentication.k8s.io/v1, command: ${plugin}, interactiveMode: Never}}`,
            context: 'lab',
          },
        ],
        'lab',
      ),
    );
    const result = await runPlugin([...whoArgs, '--kubeconfig', kubeconfig]);
    expect(result.stderr).toBe('');
    expect(pods(result.stdout)).toHaveLength(4);
  });

  it('says, as kubectl does, when the plugin is not installed', async () => {
    const kubeconfig = file(
      'missing-exec.kubeconfig',
      kubeconfigYaml(
        [
          {
            cluster: 'lab',
            server: lab.server,
            user: 'gke',
            userBody:
              '{exec: {apiVersion: client.authentication.k8s.io/v1, command: egress-test-auth-plugin, installHint: "Install egress-test-auth-plugin for use with kubectl by following https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin", interactiveMode: IfAvailable}}',
            context: 'lab',
          },
        ],
        'lab',
      ),
    );
    const result = await runPlugin([...whoArgs, '--kubeconfig', kubeconfig]);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      'error: exec credential plugin "egress-test-auth-plugin" not found: it looks like you are trying to use a client-go credential plugin that is not installed. Install egress-test-auth-plugin for use with kubectl by following https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin\n',
    );
  });
});

/** A CONNECT proxy on loopback that resolves the lab's name itself, as a corporate proxy would. */
async function startProxy(seen: string[]): Promise<string> {
  const proxy = createHttpServer();
  proxy.on('connect', (req, socket, head) => {
    seen.push(req.url ?? '');
    const port = Number((req.url ?? '').split(':')[1]);
    const upstream = connect(port, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  servers.push(proxy as unknown as Server);
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

describe('HTTPS_PROXY and NO_PROXY', () => {
  it('reaches a server only the proxy can resolve, and skips the proxy for NO_PROXY hosts', async () => {
    const seen: string[] = [];
    const proxyURL = await startProxy(seen);
    const port = new URL(lab.server).port;
    const kubeconfig = writeKubeconfig(lab, 'admin', { server: `https://kubernetes.lab:${port}`, name: 'via-proxy' });
    const proxied = await runPlugin([...whoArgs, '--kubeconfig', kubeconfig], { env: env({ HTTPS_PROXY: proxyURL }) });
    expect(proxied.stderr).toBe('');
    expect(pods(proxied.stdout)).toHaveLength(4);
    expect(seen).toContain(`kubernetes.lab:${port}`);
    // Direct, the name must be looked up: in a network namespace of its own, so no DNS query leaves
    // the machine (and the proxy, outside it, could not be reached either: the error shows which was tried).
    const direct = await runPlugin(['-rn', PLUGIN, ...whoArgs, '--kubeconfig', kubeconfig], {
      command: 'unshare',
      env: env({ HTTPS_PROXY: proxyURL, NO_PROXY: '.example.com,kubernetes.lab' }),
    });
    expect(direct.code).toBe(4);
    expect(direct.stderr).toMatch(/: host not found.*\((ENOTFOUND|EAI_AGAIN)\)\n$/);
  });
});

describe('failures get one line and exit code 4', () => {
  it('rejected credentials (401)', async () => {
    const kubeconfig = writeKubeconfig(lab, { name: 'bad-token', token: 'not-a-token' });
    const result = await runPlugin([...whoArgs, '--kubeconfig', kubeconfig]);
    expect(result).toMatchObject({ code: 4, stdout: '' });
    expect(result.stderr).toBe(`error: the API server at ${lab.server} rejected the credentials (401 Unauthorized)\n`);
  });

  it('a server certificate from an unknown authority', async () => {
    const kubeconfig = writeKubeconfig(lab, 'admin', { name: 'no-ca', withCA: false });
    const result = await runPlugin([...whoArgs, '--kubeconfig', kubeconfig]);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(
      new RegExp(
        `^error: TLS error talking to ${lab.server.replace(/\./g, '\\.')}: certificate signed by unknown authority \\(\\w+\\)\\n$`,
      ),
    );
  });

  it('a server that never answers, with --request-timeout', async () => {
    const silent = createServer(() => undefined);
    servers.push(silent);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const server = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const kubeconfig = writeKubeconfig(lab, 'admin', { name: 'silent', server });
    const result = await runPlugin([...whoArgs, '--kubeconfig', kubeconfig, '--request-timeout', '1s']);
    expect(result).toMatchObject({
      code: 4,
      stderr: `error: the API server at ${server} did not answer within 1s (--request-timeout)\n`,
    });
  });
});

describe('pagination', () => {
  it('restarts a list whose continue token expired (410 Gone after an etcd compaction)', async () => {
    const kc = loadKubeconfig(
      { kubeconfig: writeKubeconfig(lab, 'admin') },
      { env: {}, home: lab.dir, pathDelimiter: delimiter },
    );
    const pages: number[] = [];
    let compacted = false;
    const items = await listAll(new ApiClient(kc, { timeoutMs: 0 }), PODS, 'v1', {
      namespace: 'many',
      chunkSize: 5,
      onPage: async (page) => {
        pages.push(page);
        if (compacted) return;
        compacted = true;
        await compactEtcd(lab.etcdURL);
      },
    });
    expect(items).toHaveLength(PAGINATED_PODS);
    expect(pages).toEqual([1, 1, 2, 3, 4, 5]);
  });
});

/** etcd's JSON gateway: compact everything up to the current revision (and write once so it moves). */
async function compactEtcd(etcdURL: string): Promise<void> {
  const key = Buffer.from('/kubectl-egress-test').toString('base64');
  const put = (await (
    await fetch(`${etcdURL}/v3/kv/put`, { method: 'POST', body: JSON.stringify({ key, value: key }) })
  ).json()) as { header: { revision: string } };
  const response = await fetch(`${etcdURL}/v3/kv/compaction`, {
    method: 'POST',
    body: JSON.stringify({ revision: put.header.revision, physical: true }),
  });
  if (!response.ok) throw new Error(`etcd compaction failed: ${await response.text()}`);
}

describe('API discovery', () => {
  const adminClient = () =>
    new ApiClient(
      loadKubeconfig(
        { kubeconfig: writeKubeconfig(lab, 'admin') },
        { env: {}, home: lab.dir, pathDelimiter: delimiter },
      ),
      { timeoutMs: 0 },
    );

  it('reads the aggregated document, and it says what asking each group version says', async () => {
    const client = adminClient();
    const discovery = await aggregatedDiscovery(client);
    expect(discovery).toBeDefined();
    for (const spec of [...CUSTOM_RESOURCES, ...POLICY_RESOURCES, SERVICE_CIDRS]) {
      const byGroupVersion = specIn(await groupVersionsOf(client, spec.group), spec);
      expect({ spec: spec.plural, found: specIn(discovery!, spec) }).toEqual({
        spec: spec.plural,
        found: byGroupVersion,
      });
    }
    expect(specIn(discovery!, SERVICE_CIDRS)).toEqual({ served: 'v1' });
  });
});

/** The group as the per-group endpoints describe it, in the aggregated document's shape. */
async function groupVersionsOf(client: ApiClient, group: string) {
  const found = await getIfVisible<{ versions: { version: string }[] }>(client, `/apis/${group}`);
  if (found === undefined || found === FORBIDDEN) return indexGroups({ kind: 'APIGroupDiscoveryList', items: [] });
  const versions = await Promise.all(
    found.versions.map(async ({ version }) => {
      const list = await client.get<{ resources: { name: string }[] }>(`/apis/${group}/${version}`);
      return { version, resources: list.resources.map((r) => ({ resource: r.name })) };
    }),
  );
  return indexGroups({ kind: 'APIGroupDiscoveryList', items: [{ metadata: { name: group }, versions }] });
}
