/** allowlist through the real entry point: its refusals and its plain output for piping. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlugin } from '../support/plugin.ts';

const scheduling = join(import.meta.dirname, '..', 'scenarios', 'allowlist-scheduling', 'objects.yaml');

describe('allowlist on the command line', () => {
  it.each([
    [
      'no workload named or selected',
      ['allowlist', '--to', '8.8.8.8', '-f', scheduling],
      2,
      /^error: allowlist needs KIND\/NAME, POD or -l SELECTOR/,
    ],
    [
      'no destination',
      ['allowlist', 'deployment/web', '-n', 'shop', '-f', scheduling],
      2,
      /^error: allowlist needs --to DEST/,
    ],
    [
      '-o plain for two destinations',
      [
        'allowlist',
        'deployment/web',
        '-n',
        'shop',
        '--to',
        '8.8.8.8',
        '--to',
        '1.1.1.1',
        '-o',
        'plain',
        '-f',
        scheduling,
      ],
      2,
      /^error: -o plain lists one destination's set/,
    ],
    [
      'an unknown output format',
      ['allowlist', 'deployment/web', '-n', 'shop', '--to', '8.8.8.8', '-o', 'csv', '-f', scheduling],
      2,
      /^error: -o: "csv" is not one of table, json, yaml, plain/,
    ],
    [
      'a workload that does not exist',
      ['allowlist', 'deployment/nope', '-n', 'shop', '--to', '8.8.8.8', '-f', scheduling],
      3,
      /^error: Deployment "nope" not found in namespace "shop"/,
    ],
    [
      'a selector that matches nothing',
      ['allowlist', '-l', 'app=nope', '-n', 'shop', '--to', '8.8.8.8', '-f', scheduling],
      3,
      /^error: no pods match -l app=nope in namespace "shop"/,
    ],
  ])('refuses %s', async (_name, args, code, message) => {
    const result = await runPlugin(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('prints one CIDR per line with -o plain, ready for a cloud CLI', async () => {
    const result = await runPlugin([
      'allowlist',
      'deployment/etl',
      '-n',
      'shop',
      '--to',
      '8.8.8.8',
      '-o',
      'plain',
      '-f',
      scheduling,
    ]);
    expect(result.stdout).toBe('34.76.10.20/32\n34.76.10.31/32\n35.1.2.3/32\n');
    expect(result.code).toBe(0);
  });

  it('still prints what it knows with -o plain, but says the set is incomplete and exits 1', async () => {
    const result = await runPlugin([
      'allowlist',
      'pod/stuck',
      '-n',
      'shop',
      '--to',
      '8.8.8.8',
      '-o',
      'plain',
      '-f',
      scheduling,
    ]);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error: the set is incomplete');
    expect(result.code).toBe(1);
  });

  it('shows the set, its origin per address and its notes in the table', async () => {
    const result = await runPlugin(['allowlist', 'deployment/web', '-n', 'shop', '--to', '8.8.8.8', '-f', scheduling]);
    expect(result.stdout).toMatch(/^Destination: {2}8\.8\.8\.8\n/);
    expect(result.stdout).toMatch(/34\.76\.10\.31 +node +gke-general-a2 +no/);
    expect(result.stdout).toContain('Allow:        34.76.10.20/32 34.76.10.31/32');
    expect(result.stdout).toContain('node pools: general');
  });
});

describe('lint against an allowlist on the command line', () => {
  it.each([
    [
      '--allowed without --to',
      ['lint', '-n', 'shop', '--allowed', '34.76.10.20', '-f', scheduling],
      /^error: --allowed and --to go together/,
    ],
    [
      '--to without --allowed',
      ['lint', '-n', 'shop', '--to', '8.8.8.8', '-f', scheduling],
      /^error: --allowed and --to go together/,
    ],
    [
      'an --allowed that is no address',
      ['lint', '-n', 'shop', '--to', '8.8.8.8', '--allowed', 'partner', '-f', scheduling],
      /^error: --allowed: "partner" is not an IP address or CIDR/,
    ],
  ])('refuses %s with exit 2', async (_name, args, message) => {
    const result = await runPlugin(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
