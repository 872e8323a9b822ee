/**
 * A real control plane on loopback for integration tests: etcd + kube-apiserver built from their
 * Go modules (test/lab/build-k8s.sh), certificates made with openssl at start, static-token users,
 * RBAC on. Everything lives in one temporary directory and is removed by stop(). The scale
 * benchmark (scripts/bench/scale-cluster.ts) starts the same lab with LabOptions.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LAB_USERS = ['admin', 'who-user', 'nocm-user'] as const;
export type LabUser = (typeof LAB_USERS)[number];

export interface LabInfo {
  dir: string;
  server: string;
  etcdURL: string;
  caFile: string;
  binDir: string;
  /** Bearer tokens by user: LAB_USERS and the lab's extra users (LabOptions.users). */
  tokens: Record<LabUser, string> & Record<string, string>;
}

export interface Lab extends LabInfo {
  pids: { etcd: number; apiserver: number };
  stop(): Promise<void>;
}

export interface LabOptions {
  /**
   * etcd's data directory, owned by the caller and kept by stop(); default: a fresh one in the
   * lab's directory. One that already holds a member (a restored copy) starts with
   * --force-new-cluster, so the member's old peer and client ports do not matter.
   */
  etcdDataDir?: string;
  /** The benchmark control plane: watch cache on, no request limits (test-lab.md §2.2, §4.3). */
  perf?: boolean;
  /** Users beyond LAB_USERS, with no rights until a test binds some (RBAC tests, one user per refusal). */
  users?: readonly string[];
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[], cwd?: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

function makeCertificates(dir: string): void {
  const ssl = (...args: string[]) => run('openssl', args, dir);
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=kubectl-egress-lab-ca',
  );
  ssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=kube-apiserver',
  );
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.lab\n');
  ssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
  ssl('genrsa', '-out', 'sa.key', '2048');
  ssl('rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub');
}

/** Starts a component with its output in a log file, which waitFor shows when it never gets ready. */
export function startProcess(binary: string, args: string[], log: string): ChildProcess {
  const out = openSync(log, 'w');
  return spawn(binary, args, { stdio: ['ignore', out, out] });
}

/** `child`: the component's process; once it has exited, waiting longer cannot help. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  log: string,
  timeoutMs = 90_000,
  child?: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    if (child && child.exitCode !== null)
      throw new Error(`${what} exited (${child.exitCode}); log tail:\n${readFileSync(log, 'utf8').slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `${what} did not become ready in ${timeoutMs / 1000}s; log tail:\n${readFileSync(log, 'utf8').slice(-3000)}`,
  );
}

function httpsGet(url: string, ca: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * A port freePort found free can be taken before etcd or the API server binds it — by any
 * connection's ephemeral port, which comes from the same range (CI saw etcd fail so while `npm ci`
 * ran beside it) — so a component that exits with "address already in use" is started again on
 * other ports.
 */
export async function startLab(binDir: string, options: LabOptions = {}): Promise<Lab> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLabOnce(binDir, options);
    } catch (error) {
      if (attempt >= 3 || !/address already in use/.test((error as Error).message)) throw error;
    }
  }
}

async function startLabOnce(binDir: string, options: LabOptions): Promise<Lab> {
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-egress-lab-'));
  makeCertificates(dir);
  const users = [...LAB_USERS, ...(options.users ?? [])];
  const tokens = Object.fromEntries(
    users.map((u) => [u, `${u}-${Math.random().toString(36).slice(2)}`]),
  ) as LabInfo['tokens'];
  writeFileSync(
    join(dir, 'tokens.csv'),
    users.map((u) => `${tokens[u]},${u},uid-${u}${u === 'admin' ? ',"system:masters"' : ''}`).join('\n') + '\n',
  );
  const [clientPort, peerPort, securePort] = [await freePort(), await freePort(), await freePort()];
  const etcdURL = `http://127.0.0.1:${clientPort}`;
  const etcdLog = join(dir, 'etcd.log');
  const dataDir = options.etcdDataDir ?? join(dir, 'etcd');
  const etcd = startProcess(
    join(binDir, 'etcd'),
    [
      '--name',
      'lab',
      '--data-dir',
      dataDir,
      '--log-level',
      'warn',
      '--unsafe-no-fsync',
      '--listen-client-urls',
      etcdURL,
      '--advertise-client-urls',
      etcdURL,
      '--listen-peer-urls',
      `http://127.0.0.1:${peerPort}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${peerPort}`,
      '--initial-cluster',
      `lab=http://127.0.0.1:${peerPort}`,
      ...(existsSync(join(dataDir, 'member')) ? ['--force-new-cluster'] : []),
      // 50,000 pods with their history outgrow the default 2 GiB backend quota (test-lab.md §4.3).
      ...(options.perf ? ['--quota-backend-bytes=8589934592'] : []),
    ],
    etcdLog,
  );
  const children: ChildProcess[] = [etcd];
  const stop = async () => {
    for (const child of children.reverse()) await terminate(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('etcd', async () => (await fetch(`${etcdURL}/health`)).ok, etcdLog, 90_000, etcd);
    const apiLog = join(dir, 'kube-apiserver.log');
    const apiserver = startProcess(
      join(binDir, 'kube-apiserver'),
      apiserverArgs(dir, etcdURL, securePort, options.perf === true),
      apiLog,
    );
    children.push(apiserver);
    const server = `https://127.0.0.1:${securePort}`;
    const ca = readFileSync(join(dir, 'ca.crt'), 'utf8');
    // With the watch cache on, readyz waits until every resource's cache holds its initial list.
    const readyTimeoutMs = options.perf ? 600_000 : 90_000;
    await waitFor(
      'kube-apiserver',
      async () => (await httpsGet(`${server}/readyz`, ca, tokens.admin)).status === 200,
      apiLog,
      readyTimeoutMs,
      apiserver,
    );
    const pids = { etcd: etcd.pid ?? 0, apiserver: apiserver.pid ?? 0 };
    return { dir, server, etcdURL, caFile: join(dir, 'ca.crt'), binDir, tokens, pids, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function apiserverArgs(dir: string, etcdURL: string, securePort: number, perf: boolean): string[] {
  return [
    `--etcd-servers=${etcdURL}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${securePort}`,
    `--cert-dir=${join(dir, 'apiserver-certs')}`,
    `--tls-cert-file=${join(dir, 'server.crt')}`,
    `--tls-private-key-file=${join(dir, 'server.key')}`,
    `--client-ca-file=${join(dir, 'ca.crt')}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    '--service-cluster-ip-range=10.96.0.0/16',
    '--service-account-issuer=https://kubernetes.default.svc',
    `--service-account-key-file=${join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    ...(perf
      ? perfArgs()
      : [
          // No controller-manager runs, so no namespace gets its default ServiceAccount.
          '--disable-admission-plugins=ServiceAccount',
          // Lists straight from etcd, so an etcd compaction really expires a continue token (410 Gone).
          '--watch-cache=false',
        ]),
    '--profiling=false',
    '--enable-priority-and-fairness=false',
    // The node lab's node name is in no DNS: logs and exec reach its kubelet by address.
    '--kubelet-preferred-address-types=InternalIP,Hostname',
  ];
}

/** The benchmark control plane's own flags; the watch cache stays on, as in production. */
function perfArgs(): string[] {
  return [
    // Without a node-lifecycle controller this taint would stay on every node (test-lab.md §2.2).
    '--disable-admission-plugins=ServiceAccount,TaintNodesByCondition',
    // Cilium's agent pods have a privileged init container, as on real clusters.
    '--allow-privileged=true',
    // No request limits, as kwokctl --disable-qps-limits (test-lab.md §2.2).
    '--max-requests-inflight=0',
    '--max-mutating-requests-inflight=0',
  ];
}

export function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A kubeconfig for one lab user, written next to the lab's other files. */
export function writeKubeconfig(
  lab: LabInfo,
  user: LabUser | { name: string; token: string },
  options: { server?: string; name?: string; withCA?: boolean } = {},
): string {
  const name = options.name ?? (typeof user === 'string' ? user : user.name);
  const token = typeof user === 'string' ? lab.tokens[user] : user.token;
  const ca = options.withCA === false ? '' : `certificate-authority: ${lab.caFile}, `;
  const path = join(lab.dir, `${name}.kubeconfig`);
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${name}`,
      `clusters: [{name: ${name}, cluster: {${ca}server: "${options.server ?? lab.server}"}}]`,
      `users: [{name: ${name}, user: {token: "${token}"}}]`,
      `contexts: [{name: ${name}, context: {cluster: ${name}, user: ${name}}}]`,
    ].join('\n') + '\n',
  );
  return path;
}

/** kubectl as the lab admin. */
export function kubectl(lab: LabInfo, args: string[], input?: string): string {
  const result = spawnSync(join(lab.binDir, 'kubectl'), ['--kubeconfig', writeKubeconfig(lab, 'admin'), ...args], {
    input,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}
