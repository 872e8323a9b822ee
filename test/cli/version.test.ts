/**
 * `version` and `--version` through the real entry point: one line naming the release, the commit
 * and the runtime, and the same facts as JSON or YAML.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runPlugin } from '../support/plugin.ts';

const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
  version: string;
};
const LINE = new RegExp(
  `^kubectl-egress v${version.replaceAll('.', '\\.')} \\(commit ([0-9a-f]{7,40}|unknown), node (v\\d+\\.\\d+\\.\\d+), (linux|darwin|windows)/(amd64|arm64)\\)\\n$`,
);

describe('version', () => {
  it('prints the package.json version, the commit and the Node.js runtime on one line', async () => {
    const result = await runPlugin(['version']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(LINE);
  });

  it('prints the same line for --version', async () => {
    const [command, flag] = await Promise.all([runPlugin(['version']), runPlugin(['--version'])]);
    expect(flag.code).toBe(0);
    expect(flag.stdout).toBe(command.stdout);
  });

  it("gives the same facts as JSON, in Go's platform names, and as YAML", async () => {
    const [line, json, yaml] = await Promise.all([
      runPlugin(['version']),
      runPlugin(['version', '-o', 'json']),
      runPlugin(['version', '-oyaml']),
    ]);
    const [, commit, node, platform, arch] = LINE.exec(line.stdout)!;
    expect(JSON.parse(json.stdout)).toStrictEqual({ version, commit, node, platform, arch });
    expect(parse(yaml.stdout)).toStrictEqual(JSON.parse(json.stdout));
  });

  it('refuses an output format it does not write', async () => {
    const result = await runPlugin(['version', '-o', 'wide']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: -o: "wide" is not one of json, yaml\n');
  });
});
