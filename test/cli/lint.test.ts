/**
 * `lint` through the real entry point: the table, -o json|yaml, --fail-on as a CI gate, bad flag
 * values, and the hint `who` prints on stderr when lint has something to say.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runPlugin } from '../support/plugin.ts';

const scenario = (name: string) => join(import.meta.dirname, '..', 'scenarios', name, 'objects.yaml');
const example = join(import.meta.dirname, '..', '..', 'examples', 'gke-cluster.yaml');
const withError = scenario('lint-ip-masq-agent-wrong-key');
const withWarning = scenario('lint-cilium-host-network');
const withInfo = scenario('lint-cilium-duplicate-match-same-gateway');
const dir = mkdtempSync(join(tmpdir(), 'egress-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lint', () => {
  it('prints a table with the object, the message and the fix, then a summary line', async () => {
    const result = await runPlugin(['lint', '-A', '-f', withError]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const [head, row, summary] = result.stdout.trimEnd().split('\n');
    expect(head!.split(/\s{2,}/)).toEqual(['SEVERITY', 'CODE', 'OBJECT', 'MESSAGE', 'FIX']);
    expect(row!.split(/\s{2,}/)).toEqual([
      'error',
      'IP_MASQ_AGENT_CONFIGMAP_WRONG_KEY',
      'ConfigMap kube-system/ip-masq-agent key config.yaml',
      'ip-masq-agent reads key "config", but this ConfigMap has only "config.yaml": it ignores it and uses its defaults',
      'rename key "config.yaml" to "config"',
    ]);
    expect(summary).toBe('1 finding: 1 error, 0 warnings, 0 info');
  });

  it('says "No findings." and exits 0 for a clean cluster', async () => {
    const result = await runPlugin(['lint', '-A', '-f', example]);
    expect([result.code, result.stdout, result.stderr]).toEqual([0, 'No findings.\n', '']);
  });

  it('writes the EgressLintReport in JSON and YAML alike', async () => {
    const json = await runPlugin(['lint', '-A', '-f', withError, '-o', 'json']);
    const yaml = await runPlugin(['lint', '-A', '-f', withError, '-oyaml']);
    const report = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(parse(yaml.stdout)).toEqual(report);
    expect(report).toMatchObject({
      apiVersion: 'kubectl-egress/v1alpha1',
      kind: 'EgressLintReport',
      summary: { error: 1, warning: 0, info: 0 },
      warnings: [],
      items: [
        {
          code: 'IP_MASQ_AGENT_CONFIGMAP_WRONG_KEY',
          severity: 'error',
          object: { kind: 'ConfigMap', namespace: 'kube-system', name: 'ip-masq-agent', key: 'config.yaml' },
          data: { agent: 'ip-masq-agent', expectedKey: 'config', keys: 'config.yaml', effect: 'defaults' },
        },
      ],
    });
  });
});

describe('a partial view', () => {
  // A snapshot taken without access to kube-system's ConfigMaps: the agent's config is unknown.
  const partial = join(dir, 'partial.yaml');
  writeFileSync(
    partial,
    [
      'apiVersion: v1',
      'kind: List',
      'metadata:',
      '  annotations:',
      `    kubectl-egress.io/read-gaps: '[{"resource":"configmaps","namespace":"kube-system","reason":"forbidden"}]'`,
      'items:',
      '- {apiVersion: v1, kind: Node, metadata: {name: n1}, spec: {podCIDRs: [100.96.1.0/24]}, status: {addresses: [{type: InternalIP, address: 10.0.0.5}]}}',
      '- {apiVersion: apps/v1, kind: DaemonSet, metadata: {name: ip-masq-agent, namespace: kube-system}, spec: {template: {spec: {',
      '    containers: [{name: a, image: registry.k8s.io/networking/ip-masq-agent:v2.12.6, volumeMounts: [{name: config, mountPath: /etc/config}]}],',
      '    volumes: [{name: config, configMap: {name: ip-masq-agent, optional: true, items: [{key: config, path: ip-masq-agent}]}}]}}}}',
    ].join('\n'),
  );

  it('warns on stderr, or in `warnings`, and reports no finding it cannot see', async () => {
    const table = await runPlugin(['lint', '-A', '-f', partial]);
    expect([table.code, table.stdout, table.stderr]).toEqual([
      0,
      'No findings.\n',
      'Warning: cannot list configmaps in kube-system: results may be incomplete\n',
    ]);
    const json = JSON.parse((await runPlugin(['lint', '-A', '-f', partial, '-o', 'json'])).stdout) as {
      warnings: string[];
    };
    expect(json.warnings).toEqual(['cannot list configmaps in kube-system: results may be incomplete']);
  });
});

describe('--fail-on gates on severity', () => {
  it.each([
    ['an error, by default', withError, [], 1],
    ['an error at --fail-on info', withError, ['--fail-on', 'info'], 1],
    ['a warning, by default', withWarning, [], 0],
    ['a warning at --fail-on warning', withWarning, ['--fail-on', 'warning'], 1],
    ['an info at --fail-on warning', withInfo, ['--fail-on', 'warning'], 0],
    ['an info at --fail-on info', withInfo, ['--fail-on', 'info'], 1],
    ['nothing at --fail-on info', example, ['--fail-on', 'info'], 0],
  ])('%s', async (_name, file, flags, code) => {
    const result = await runPlugin(['lint', '-A', '-f', file, ...flags]);
    expect(result.code).toBe(code);
  });
});

describe('bad flags are usage errors (exit 2)', () => {
  it.each([
    ['an unknown severity', ['--fail-on', 'fatal'], /^error: --fail-on: "fatal" is not one of error, warning, info$/],
    ['an output lint has not', ['-o', 'wide'], /^error: -o: "wide" is not one of table, json, yaml$/],
    ['--fail-on without a value', ['--fail-on'], /^error: flag needs an argument: --fail-on$/],
    ['--namespace with --all-namespaces', ['-n', 'shop', '-A'], /cannot be used together$/],
  ])('%s', async (_name, flags, message) => {
    const result = await runPlugin(['lint', '-f', withError, ...flags]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd()).toMatch(message);
  });
});

describe('who points at lint', () => {
  it('prints one line on stderr, leaving stdout and the exit code alone', async () => {
    const result = await runPlugin(['who', '-A', '-f', withError, '--to', '8.8.8.8']);
    const clean = await runPlugin(['who', '-A', '-f', withError, '--to', '8.8.8.8', '-o', 'json']);
    expect(result.code).toBe(0);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe('1 lint finding (1 error): run kubectl egress lint');
    expect(result.stdout).not.toContain('lint');
    expect([clean.code, clean.stderr]).toEqual([0, '']);
  });

  it('counts the findings about the pods it shows', async () => {
    const result = await runPlugin(['who', '-A', '-f', withWarning, '--to', '8.8.8.8']);
    expect(result.stderr).toContain('1 lint finding (1 warning): run kubectl egress lint\n');
    const shop = await runPlugin(['who', '-n', 'shop', '-f', withWarning, '--to', '8.8.8.8']);
    expect(shop.stderr).not.toContain('lint');
  });

  it('says nothing when lint has nothing to report', async () => {
    const result = await runPlugin(['who', '-A', '-f', example]);
    expect(result.stderr).toBe('');
  });
});
