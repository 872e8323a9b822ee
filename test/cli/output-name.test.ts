/**
 * kubectl's `-o name` where it lists objects (who's workloads or pods, snapshot's objects), and a
 * clear refusal of the template formats kubectl users try (jsonpath, go-template, custom-columns).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlugin } from '../support/plugin.ts';

const example = join(import.meta.dirname, '..', '..', 'examples', 'gke-cluster.yaml');

describe('-o name', () => {
  it('who lists the workloads answered for, once each, as kubectl names them', async () => {
    const result = await runPlugin([
      'who',
      '-n',
      'shop',
      '-f',
      example,
      '--to',
      '8.8.8.8',
      '--to',
      'metadata',
      '-o',
      'name',
    ]);
    expect([result.code, result.stdout]).toEqual([0, 'statefulset.apps/postgres\ndeployment.apps/web\n']);
  });

  it('who --by pod lists the pods', async () => {
    const result = await runPlugin(['who', '-n', 'shop', '-f', example, '--by', 'pod', '-oname']);
    expect(result.stdout).toBe('pod/postgres-0\npod/web-7d4b9c5f6-q8w2e\npod/web-7d4b9c5f6-x2x8q\n');
  });

  it('snapshot lists the objects it would write', async () => {
    const result = await runPlugin(['snapshot', '-A', '-f', example, '-o', 'name']);
    expect(result.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        'node/gke-prod-pool-1-a1b2',
        'daemonset.apps/ip-masq-agent',
        'configmap/ip-masq-agent',
        'pod/postgres-0',
      ]),
    );
  });

  it('is refused where there is no list of objects to name', async () => {
    const result = await runPlugin(['explain', 'postgres-0', '-n', 'shop', '-f', example, '-o', 'name']);
    expect([result.code, result.stderr]).toEqual([2, 'error: -o: "name" is not one of table, wide, json, yaml\n']);
  });
});

describe("kubectl's template formats", () => {
  it.each([
    ['jsonpath', ['who', '-f', example, '-o', 'jsonpath={.items[*].sourceIP}']],
    ['jsonpath-file', ['explain', 'postgres-0', '-n', 'shop', '-f', example, '--output=jsonpath-file=x.txt']],
    ['go-template', ['lint', '-f', example, '-ogo-template={{.}}']],
    [
      'custom-columns',
      [
        'allowlist',
        'sts/postgres',
        '-n',
        'shop',
        '--to',
        '8.8.8.8',
        '-f',
        example,
        '-o',
        'custom-columns=IP:.sourceIP',
      ],
    ],
  ])('%s is refused with the formats there are and jq as the way', async (format, args) => {
    const result = await runPlugin(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `^error: (-o|--output): "${format}" is a kubectl format kubectl-egress does not implement: use -o json and jq instead, e\\.g\\. -o json \\| jq -r '\\.items\\[\\]' \\(formats: [a-z, ]+\\)\\n$`,
      ),
    );
  });
});
