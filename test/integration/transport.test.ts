/**
 * How the client reaches the API server, kubectl's way: plain http:// servers such as `kubectl
 * proxy`, kubectl's bounds on a server that never answers, an exec credential plugin bounded by
 * --request-timeout and killed on Ctrl-C, and kubeconfig files or URLs that cannot be used named
 * as such. Every server here listens on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { writeKubeconfig } from '../support/lab.ts';
import { PLUGIN, runPlugin } from '../support/plugin.ts';
import { selfSignedServer } from '../support/tls-server.ts';

const lab = inject('lab');
const servers: Server[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  servers.forEach((s) => s.close());
  children.forEach((c) => c.kill());
});

const whoArgs = ['who', '-n', 'shop', '--to', '203.0.113.10', '-o', 'json'];
const pods = (stdout: string) => (JSON.parse(stdout) as { items: { pod: string }[] }).items.map((i) => i.pod);
const env = {
  ...process.env,
  HOME: lab.dir,
  KUBECONFIG: '',
  HTTPS_PROXY: '',
  https_proxy: '',
  HTTP_PROXY: '',
  http_proxy: '',
};

function kubeconfig(name: string, cluster: string, user = '{}'): string {
  const path = join(lab.dir, `${name}.kubeconfig`);
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${name}`,
      `clusters: [{name: ${name}, cluster: ${cluster}}]`,
      `users: [{name: ${name}, user: ${user}}]`,
      `contexts: [{name: ${name}, context: {cluster: ${name}, user: ${name}}}]`,
    ].join('\n') + '\n',
  );
  return path;
}

/** `kubectl proxy` on a free loopback port, as the lab admin; resolves to its http:// URL. */
function startKubectlProxy(): Promise<string> {
  const proxy = spawn(
    join(lab.binDir, 'kubectl'),
    ['proxy', '--port=0', '--kubeconfig', writeKubeconfig(lab, 'admin')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(proxy);
  return new Promise((resolve, reject) => {
    let out = '';
    proxy.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const port = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    });
    proxy.on('exit', (code) => reject(new Error(`kubectl proxy exited with ${code}`)));
  });
}

describe('http:// servers', () => {
  it('reads the cluster through `kubectl proxy`, without TLS, as kubectl does', async () => {
    const server = await startKubectlProxy();
    const result = await runPlugin([...whoArgs, '--kubeconfig', kubeconfig('kubectl-proxy', `{server: "${server}"}`)], {
      env,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(pods(result.stdout)).toContain('web-5f7d8c9b6-aaaaa');
  });
});

describe('a server that is not an API server', () => {
  it('is named as such when it answers 200 with a web page', async () => {
    const tls = await selfSignedServer((socket) =>
      socket.end(
        'HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 15\r\nconnection: close\r\n\r\n<html>hi</html>',
      ),
    );
    servers.push(tls.server);
    const server = `https://127.0.0.1:${tls.port}`;
    const result = await runPlugin(
      [
        ...whoArgs,
        '--kubeconfig',
        kubeconfig('web-page', `{server: "${server}", certificate-authority: ${tls.certFile}}`, '{token: t}'),
      ],
      { env },
    );
    expect(result).toMatchObject({
      code: 4,
      stderr: `error: the server at ${server} answered with something that is not JSON ("<html>hi</html>"…): is this the API server's address?\n`,
    });
  });
});

describe('a server that never answers', () => {
  it("is given up after kubectl's 10s TLS handshake bound when it accepts TCP and says nothing", async () => {
    const silent = createServer(() => undefined);
    servers.push(silent);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const server = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const started = Date.now();
    const result = await runPlugin([...whoArgs, '--kubeconfig', kubeconfig('tcp-silent', `{server: "${server}"}`)], {
      env,
    });
    expect(result).toMatchObject({
      code: 4,
      stderr: `error: the API server at ${server} did not complete the TLS handshake within 10s (TLS handshake timeout)\n`,
    });
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);

  it('is given up after --request-timeout when it completes TLS and says nothing', async () => {
    const tls = await selfSignedServer(() => undefined);
    servers.push(tls.server);
    const server = `https://127.0.0.1:${tls.port}`;
    const result = await runPlugin(
      [
        ...whoArgs,
        '--request-timeout',
        '1s',
        '--kubeconfig',
        kubeconfig('tls-silent', `{server: "${server}", certificate-authority: ${tls.certFile}}`, '{token: t}'),
      ],
      { env },
    );
    expect(result).toMatchObject({
      code: 4,
      stderr: `error: the API server at ${server} did not answer within 1s (--request-timeout)\n`,
    });
  });
});

describe('exec credential plugins', () => {
  it("run once for all of a command's concurrent requests, as client-go's authenticator holds a lock", async () => {
    const runs = join(lab.dir, 'counted-auth-plugin.runs');
    const script = join(lab.dir, 'counted-auth-plugin');
    writeFileSync(
      script,
      `#!/bin/sh\necho run >> ${runs}\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${lab.tokens.admin}"}}'\n`,
    );
    chmodSync(script, 0o755);
    const config = kubeconfig(
      'counted-auth-plugin',
      `{server: "${lab.server}", certificate-authority: ${lab.caFile}}`,
      `{exec: {apiVersion: client.authentication.k8s.io/v1, command: ${script}, interactiveMode: Never}}`,
    );
    const result = await runPlugin([...whoArgs, '--kubeconfig', config], { env });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(runs, 'utf8')).toBe('run\n');
  });

  it('get KUBERNETES_EXEC_INFO, no standard input when not interactive, and show the user what they print on stderr', async () => {
    const seen = join(lab.dir, 'informed-auth-plugin.info');
    const script = join(lab.dir, 'informed-auth-plugin');
    writeFileSync(
      script,
      `#!/bin/sh\nprintf '%s' "$KUBERNETES_EXEC_INFO" > ${seen}\ncat > /dev/null\necho 'Open https://login.example.test/ to sign in' >&2\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${lab.tokens.admin}"}}'\n`,
    );
    chmodSync(script, 0o755);
    const config = kubeconfig(
      'informed-auth-plugin',
      `{server: "${lab.server}", certificate-authority: ${lab.caFile}}`,
      `{exec: {apiVersion: client.authentication.k8s.io/v1, command: ${script}, interactiveMode: IfAvailable, provideClusterInfo: true}}`,
    );
    const result = await runPlugin([...whoArgs, '--kubeconfig', config, '--request-timeout', '20s'], { env });
    expect(result).toMatchObject({ code: 0, stderr: 'Open https://login.example.test/ to sign in\n' });
    expect(JSON.parse(readFileSync(seen, 'utf8'))).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: {
        interactive: false,
        cluster: { server: lab.server, 'certificate-authority-data': readFileSync(lab.caFile).toString('base64') },
      },
    });
  });
});

describe('exec credential plugins that hang', () => {
  const hanging = (name: string) => {
    const pidFile = join(lab.dir, `${name}.pid`);
    const script = join(lab.dir, name);
    writeFileSync(script, `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 120\n`);
    chmodSync(script, 0o755);
    const config = kubeconfig(
      name,
      `{server: "${lab.server}", certificate-authority: ${lab.caFile}}`,
      `{exec: {apiVersion: client.authentication.k8s.io/v1, command: ${script}, interactiveMode: Never}}`,
    );
    return { config, pidFile };
  };
  /** Whether the process still runs (a zombie waiting for init to reap it does not), after a moment to die. */
  const stillRunning = async (pid: number) => {
    const running = () =>
      existsSync(`/proc/${pid}/stat`) && !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    for (let i = 0; i < 20 && running(); i++) await new Promise((r) => setTimeout(r, 50));
    return running();
  };

  it('are bounded by --request-timeout, and killed', async () => {
    const { config, pidFile } = hanging('hanging-auth-plugin');
    const result = await runPlugin([...whoArgs, '--request-timeout', '1s', '--kubeconfig', config], { env });
    expect(result).toMatchObject({
      code: 4,
      stderr: `error: exec credential plugin "${join(lab.dir, 'hanging-auth-plugin')}" did not finish within 1s (--request-timeout)\n`,
    });
    expect(await stillRunning(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('are killed by Ctrl-C, which ends the command within a second', async () => {
    const { config, pidFile } = hanging('interrupted-auth-plugin');
    const child = spawn(PLUGIN, [...whoArgs, '--kubeconfig', config], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    while (!existsSync(pidFile) || !readFileSync(pidFile, 'utf8').trim()) await new Promise((r) => setTimeout(r, 50));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const interrupted = Date.now();
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(Date.now() - interrupted).toBeLessThan(1000);
    expect(stderr).toContain('interrupted');
    expect(await stillRunning(pid)).toBe(false);
  });
});

describe('kubeconfig entries that cannot be used', () => {
  it.each([
    [
      'a missing certificate-authority file',
      (ca: string) => `{server: "${lab.server}", certificate-authority: ${ca}}`,
      '{token: t}',
      (ca: string) => `unable to read certificate-authority ${ca} for cluster "bad-entry": no such file`,
    ],
    [
      'a missing client-certificate file',
      () => `{server: "${lab.server}", certificate-authority: ${lab.caFile}}`,
      '{client-certificate: /nonexistent/client.crt, client-key: /nonexistent/client.key}',
      () => 'unable to read client-certificate /nonexistent/client.crt for user "bad-entry": no such file',
    ],
    [
      'a port out of range',
      () => `{server: "https://127.0.0.1:99999"}`,
      '{token: t}',
      () =>
        'the kubeconfig\'s server URL "https://127.0.0.1:99999" (cluster "bad-entry") has an invalid port "99999" (it must be 1 to 65535)',
    ],
    [
      'a proxy-url that is not a URL',
      () => `{server: "${lab.server}", proxy-url: "proxy.corp:3128 "}`,
      '{token: t}',
      () =>
        'the proxy URL "proxy.corp:3128 " (the kubeconfig\'s proxy-url, or HTTPS_PROXY/HTTP_PROXY) is not an http://, https:// or socks5:// URL',
    ],
    [
      'a token no HTTP header can carry',
      () => `{server: "${lab.server}", certificate-authority: ${lab.caFile}}`,
      '{token: "abc\\u0001"}',
      () => 'the token or password of user "bad-entry" holds characters an HTTP header cannot carry',
    ],
    [
      'a scheme other than http and https',
      () => `{server: "ftp://127.0.0.1:6443"}`,
      '{token: t}',
      () =>
        'the kubeconfig\'s server URL "ftp://127.0.0.1:6443" (cluster "bad-entry") must start with https:// or http://',
    ],
  ])('%s is named as such', async (_name, cluster, user, message) => {
    const ca = join(lab.dir, 'no-such-ca.crt');
    const result = await runPlugin([...whoArgs, '--kubeconfig', kubeconfig('bad-entry', cluster(ca), user)], { env });
    expect(result).toMatchObject({ code: 4, stdout: '', stderr: `error: ${message(ca)}\n` });
  });
});
