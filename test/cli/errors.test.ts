/**
 * Bad input through the real entry point: one clear line on stderr, a documented exit code,
 * never a stack trace (README "Exit codes").
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPlugin } from '../support/plugin.ts';

const dir = mkdtempSync(join(tmpdir(), 'egress-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const example = join(import.meta.dirname, '..', '..', 'examples', 'gke-cluster.yaml');
const emptyKubeconfigEnv = { ...process.env, HOME: dir, KUBECONFIG: '' };
const closedPort = await new Promise<number>((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    server.close(() => resolve(port));
  });
});
const unreachable = file(
  'unreachable.kubeconfig',
  [
    'apiVersion: v1',
    'kind: Config',
    'current-context: lab',
    `clusters: [{name: lab, cluster: {server: "https://127.0.0.1:${closedPort}"}}]`,
    'users: [{name: u, user: {token: t}}]',
    'contexts: [{name: lab, context: {cluster: lab, user: u}}]',
  ].join('\n'),
);

describe('bad input gets one line and a documented exit code', () => {
  it.each([
    [
      'a file that does not exist',
      ['who', '-f', join(dir, 'missing.yaml')],
      3,
      /^error: cannot read .*missing\.yaml: no such file or directory$/,
    ],
    ['invalid YAML', ['who', '-f', file('bad.yaml', 'kind: [')], 3, /^error: .*bad\.yaml: document 1: invalid YAML/],
    [
      'an object missing its name',
      ['who', '-f', file('noname.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {}')],
      3,
      /Pod is missing metadata\.name$/,
    ],
    [
      'an unknown --to',
      ['who', '-f', example, '--to', 'nowhere!'],
      2,
      /^error: invalid --to: "nowhere!" is not an IP, CIDR, hostname or destination class/,
    ],
    [
      'an invalid CIDR in --to',
      ['who', '-f', example, '--to', '10.0.0.0/33'],
      2,
      /^error: invalid --to: "10\.0\.0\.0\/33" is not a valid CIDR$/,
    ],
    ['an unknown flag', ['who', '--frobnicate'], 2, /^error: unknown flag: --frobnicate$/],
    [
      'an unknown output format',
      ['who', '-f', example, '-o', 'xml'],
      2,
      /^error: -o: "xml" is not one of table, wide, json, yaml, name$/,
    ],
    ['an invalid label selector', ['who', '-f', example, '-l', 'app in web'], 2, /^error: invalid label selector/],
    ['--namespace with --all-namespaces', ['who', '-f', example, '-n', 'x', '-A'], 2, /cannot be used together$/],
    [
      'an invalid --nat-ip',
      ['who', '-f', example, '--nat-ip', 'cloud-nat'],
      2,
      /^error: --nat-ip: "cloud-nat" is not an IP address$/,
    ],
    ['explain without a target', ['explain', '-f', example], 2, /^error: explain needs a POD or KIND\/NAME/],
    [
      'explain of a pod that does not exist',
      ['explain', 'nope', '-n', 'shop', '-f', example],
      3,
      /^error: pod "nope" not found in namespace "shop"$/,
    ],
    [
      'no command',
      [],
      2,
      /^error: name a command: who, explain, lint, snapshot, verify, allowlist, serve-echo, version, completion \(see --help\)$/,
    ],
    ['verify without --echo', ['verify', '-f', example], 2, /^error: verify needs --echo URL/],
    [
      'verify with an --echo that is not a URL',
      ['verify', '--echo', 'echo.example'],
      2,
      /^error: --echo: "echo.example" is not a URL$/,
    ],
    [
      'verify with --to (its destination is the echo endpoint)',
      ['verify', '--echo', 'http://203.0.113.10/', '--to', '8.8.8.8'],
      2,
      /^error: unknown flag: --to$/,
    ],
    ['-f without a value', ['who', '-f'], 2, /^error: flag needs an argument: -f$/],
    [
      'an empty --to (not the default destinations)',
      ['who', '-f', example, '--to', ''],
      2,
      /^error: --to: empty value in ""$/,
    ],
    [
      'an empty item in a comma-separated --to',
      ['who', '-f', example, '--to', '8.8.8.8,'],
      2,
      /^error: --to: empty value in "8\.8\.8\.8,"$/,
    ],
    [
      "verify's --timeout, named as typed",
      ['verify', '--echo', 'http://203.0.113.10/', '--timeout', 'abc'],
      2,
      /^error: --timeout: "abc" is not a duration/,
    ],
    ['--output spelled long', ['who', '-f', example, '--output', 'xml'], 2, /^error: --output: "xml" is not one of/],
    [
      'a kubectl template format',
      ['who', '-f', example, '-o', 'jsonpath={.items[*].sourceIP}'],
      2,
      /^error: -o: "jsonpath" is a kubectl format kubectl-egress does not implement: use -o json and jq instead/,
    ],
    [
      '--nat-ip given twice',
      ['who', '-f', example, '--nat-ip', '35.187.0.9', '--nat-ip', '2600::1'],
      2,
      /^error: --nat-ip: given 2 times \(35\.187\.0\.9, 2600::1\): give the one address/,
    ],
    [
      '--chunk-size that is not a number',
      ['who', '-f', example, '--chunk-size', 'abc'],
      2,
      /^error: --chunk-size: "abc" is not a whole number >= 0$/,
    ],
    [
      '--no- on a flag that takes a value (not a lookup of "false")',
      ['who', '-f', example, '--no-to'],
      2,
      /^error: unknown flag: --no-to \(--to takes a value\)$/,
    ],
    ['a second positional', ['explain', 'a', 'b', '-f', example], 2, /^error: unexpected argument "b"$/],
    [
      'a positional after -- where none is taken',
      ['who', '-f', example, '--', 'web'],
      2,
      /^error: unexpected argument "web"$/,
    ],
  ])('%s', async (_name, args, code, message) => {
    const result = await runPlugin(args);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.trimEnd()).toMatch(message);
  });

  it('refuses to guess a cluster when there is no kubeconfig (no localhost:8080 fallback)', async () => {
    const result = await runPlugin(['who', '-A'], { env: emptyKubeconfigEnv });
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      'error: no kubeconfig found: set KUBECONFIG, pass --kubeconfig, or read objects from a file with -f\n',
    );
  });

  it('names a context that does not exist', async () => {
    const result = await runPlugin(['who', '--kubeconfig', unreachable, '--context', 'prod']);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe('error: context "prod" does not exist in the kubeconfig\n');
  });

  it('says which server it cannot reach', async () => {
    const result = await runPlugin(['who', '-A', '--kubeconfig', unreachable]);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      `error: cannot reach the API server at https://127.0.0.1:${closedPort}: connection refused: nothing is listening at that address and port (ECONNREFUSED)\n`,
    );
  });
});
