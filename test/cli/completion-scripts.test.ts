/**
 * The ways into `__complete`: plugin/kubectl_complete-egress (what kubectl runs), and the bash and
 * zsh scripts of `completion` (for kubectl-egress on its own), run in the real shells with their
 * completion functions called as the shell would call them.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { completion, parseCompletion } from '../support/completion.ts';
import { PLUGIN, runPlugin } from '../support/plugin.ts';

const SHIM = join(dirname(PLUGIN), 'kubectl_complete-egress');
const dir = mkdtempSync(join(tmpdir(), 'egress-shim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PATH = [dirname(PLUGIN), process.env['PATH']].join(delimiter);
const hasZsh = spawnSync('zsh', ['-c', 'true']).status === 0;
// CI installs zsh (scripts/install-test-deps.sh) and may not skip these.
if (!hasZsh && process.env['KUBECTL_EGRESS_REQUIRE_ALL_TESTS'] === '1')
  throw new Error('zsh is required here (apt-get install zsh)');
if (!hasZsh)
  process.stderr.write(
    '\nSKIPPING the zsh completion tests: zsh is not installed (sudo bash scripts/install-test-deps.sh installs it)\n',
  );
const shellEnv = { ...process.env, PATH, KUBECONFIG: contextFile() };

describe('plugin/kubectl_complete-egress', () => {
  it('is executable, as kubectl requires', () => {
    expect(() => accessSync(SHIM, constants.X_OK)).not.toThrow();
  });

  it.each([
    ['a flag', ['who', '--out'], ['--output']],
    ['a value', ['who', '-o', 'y'], ['yaml']],
    ['a command', ['ver'], ['verify', 'version']],
  ])('passes its words to kubectl-egress __complete: %s', async (_name, words, candidates) => {
    expect(await completion(words, { command: SHIM, prefix: [] })).toEqual({
      candidates,
      directive: 4,
      stderr: '',
      code: 0,
    });
  });

  it('runs the kubectl-egress beside it when called through a symlink', async () => {
    const link = join(dir, 'kubectl_complete-egress');
    symlinkSync(SHIM, link);
    expect((await completion(['who', '--by', ''], { command: link, prefix: [] })).candidates).toEqual([
      'workload',
      'pod',
    ]);
  });

  it('needs no tool from PATH: /bin/sh runs it with a PATH of one empty directory', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const result = spawnSync('/bin/sh', [SHIM, 'who', '-o', 'y'], {
      env: { PATH: empty, HOME: dir },
      encoding: 'utf8',
    });
    expect({ stderr: result.stderr, code: result.status, ...parseCompletion(result.stdout) }).toEqual({
      stderr: '',
      code: 0,
      candidates: ['yaml'],
      directive: 4,
    });
  });
});

/** Calls the script's completion function for a command line typed up to its end; prints the replies, one per line. */
const BASH_DRIVER = `source <(kubectl-egress completion bash)
COMP_LINE=$1 COMP_POINT=\${#1} COMP_WORDBREAKS=$' \\t\\n"\\'><=;|&(:'
_kubectl_egress
for reply in "\${COMPREPLY[@]}"; do printf '%s\\n' "$reply"; done`;

const ZSH_DRIVER = `compdef() { :; }
_describe() { print -rl -- "\${(@P)4}" "prefix: $6"; }
_files() { print files; }
source <(kubectl-egress completion zsh)
words=(\${(z)1}); [[ $1 == *' ' ]] && words+=('')
CURRENT=\${#words}
_kubectl-egress`;

describe('completion scripts', () => {
  it.each([
    ['a flag', 'kubectl-egress who --out', ['--output']],
    ['a value after =, which bash replaces alone', 'kubectl-egress who --output=j', ['json']],
    [
      'a context with colons, from its last colon as bash replaces it',
      'kubectl-egress who --context arn:aws:eks:eu',
      ['eu-west-1:1:cluster/shop'],
    ],
    ['nothing for -f, so that bash completes file names', 'kubectl-egress who -f ', []],
  ])('bash completes %s', (_name, line, replies) => {
    const result = spawnSync('bash', ['--norc', '-c', BASH_DRIVER, 'driver', line], {
      env: shellEnv,
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n').slice(0, -1)).toEqual(replies);
  });

  it.skipIf(!hasZsh).each([
    [
      'commands with their descriptions',
      'kubectl-egress serve',
      ["serve-echo:Answer each request with the caller's IP (the echo endpoint verify calls)", 'prefix: '],
    ],
    [
      'a value after =, with the flag put back in front',
      'kubectl-egress who --output=j',
      ['json', 'prefix: --output='],
    ],
    [
      'a context with its colons escaped for _describe',
      'kubectl-egress who --context a',
      ['arn\\:aws\\:eks\\:eu-west-1\\:1\\:cluster/shop', 'prefix: '],
    ],
    ['file names for -f', 'kubectl-egress who -f ', ['files']],
  ])('zsh completes %s', (_name, line, output) => {
    const result = spawnSync('zsh', ['-f', '-c', ZSH_DRIVER, 'driver', line], { env: shellEnv, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n').slice(0, -1)).toEqual(output);
  });

  it('explains how to complete `kubectl egress` through kubectl in its help', async () => {
    const result = await runPlugin(['completion', '--help']);
    expect(result.stdout).toContain('kubectl_complete-egress');
    expect(result.stdout).toMatch(
      /export PATH="\$PATH:\$\{KREW_ROOT:-\$HOME\/\.krew\}\/store\/egress\/v\d+\.\d+\.\d+"/,
    );
  });
});

function contextFile(): string {
  const path = join(dir, 'contexts.json');
  const context = 'arn:aws:eks:eu-west-1:1:cluster/shop';
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://c.example' } }],
      users: [{ name: 'u', user: {} }],
      contexts: [{ name: context, context: { cluster: 'c', user: 'u' } }],
    }),
  );
  return path;
}
