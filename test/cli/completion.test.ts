/**
 * `__complete`, the protocol kubectl speaks with kubectl_complete-egress (Cobra's), through the real
 * entry point: candidates one per line (a tab before any description), then `:<directive>`.
 */
import { describe, expect, it } from 'vitest';
import { DATAPATH_NAMES } from '../../src/engine/registry/mechanisms.ts';
import { runPlugin } from '../support/plugin.ts';
import { completion } from '../support/completion.ts';

const COMMANDS = ['who', 'explain', 'lint', 'snapshot', 'verify', 'allowlist', 'serve-echo', 'version', 'completion'];

describe('__complete offers what the command line allows next', () => {
  it.each([
    ['every command at the first word', [''], COMMANDS, 4],
    ['the commands that start with what is typed', ['ve'], ['verify', 'version'], 4],
    ['a long flag of the command', ['who', '--out'], ['--output'], 4],
    ['a boolean that defaults to on in its --no- form', ['who', '--no-'], ['--no-default-snat'], 4],
    ['a flag and its short form for a lone dash', ['snapshot', '-n'], ['-n'], 4],
    ['the output formats of who', ['who', '-o', ''], ['table', 'wide', 'json', 'yaml', 'name'], 4],
    ['the output formats of snapshot', ['snapshot', '--output', ''], ['yaml', 'json', 'name'], 4],
    ['the output formats of verify', ['verify', '-o', ''], ['table', 'json', 'yaml'], 4],
    ['the output formats of version', ['version', '-o', ''], ['json', 'yaml'], 4],
    ['the output formats of lint', ['lint', '-o', ''], ['table', 'json', 'yaml'], 4],
    ['the severities lint --fail-on takes', ['lint', '--fail-on', ''], ['error', 'warning', 'info'], 4],
    ['a value after --flag=, alone, as Cobra does', ['who', '--output=j'], ['json'], 4],
    ['the groupings of who', ['who', '--by', ''], ['workload', 'pod'], 4],
    ['the groupings of verify', ['verify', '--by', 'p'], ['pod'], 4],
    ['every datapath mechanism', ['who', '--datapath', ''], [...DATAPATH_NAMES], 4],
    [
      'the next item of a --datapath list, without those chosen',
      ['who', '--datapath', 'cilium,ip'],
      ['cilium,ip-masq-agent'],
      4,
    ],
    ['the destination classes', ['explain', 'web', '--to', 'inter'], ['internet', 'internet6'], 4],
    ['the shells of completion', ['completion', ''], ['bash', 'zsh'], 4],
    ['nothing for the pod of explain', ['explain', ''], [], 4],
    ['nothing after a command that does not exist', ['frobnicate', ''], [], 4],
    ['nothing for a flag with a free-form value', ['verify', '--echo', ''], [], 4],
    ['file names for -f (directive 0)', ['who', '-f', ''], [], 0],
    ['file names for --kubeconfig', ['who', '--kubeconfig', ''], [], 0],
    ['--help and --version before a command', ['--'], ['--help', '--version'], 4],
  ])('%s', async (_name, words, candidates, directive) => {
    const result = await completion(words);
    expect(result).toEqual({ candidates, directive, stderr: '', code: 0 });
  });

  it('does not offer a flag again once given, unless it repeats', async () => {
    const { candidates } = await completion(['who', '-o', 'json', '-A', '--to', 'internet', '--']);
    expect(candidates).toContain('--to');
    expect(candidates).not.toContain('--output');
    expect(candidates).not.toContain('--all-namespaces');
  });

  it('describes each command and flag after a tab, as Cobra does', async () => {
    const result = await runPlugin(['__complete', 'who', '--sel']);
    expect(result.stdout).toBe('--selector\tLabel selector, e.g. -l app=web,tier!=db\n:4\n');
  });
});

describe("__complete takes its flags from the commands' yargs definitions", () => {
  it.each(COMMANDS)('offers every flag `%s --help` lists', async (command) => {
    const help = await runPlugin([command, '--help']);
    // Option lines start `  -x, --name` or `      --name`; wrapped descriptions are indented further.
    const listed = [...help.stdout.matchAll(/^ {2}(?:-\w, | {4})--([\w-]+)/gm)]
      .map((m) => `--${m[1]}`)
      .filter((f) => f !== '--version');
    const { candidates } = await completion([command, '--']);
    expect(candidates.map((c) => c.replace(/^--no-/, '--')).sort()).toEqual(listed.sort());
  });
});
