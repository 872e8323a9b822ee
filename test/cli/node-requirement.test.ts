/**
 * One Node.js requirement: package.json's `engines`, the README's install line and the check the
 * live reader makes before importing the API client say the same version.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { LIVE_READ_NODE } from '../../src/cli/source.ts';

const root = join(import.meta.dirname, '..', '..');

it('README, engines and the live-read check require the same Node.js', () => {
  const engines = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const required = `${LIVE_READ_NODE.major}.${LIVE_READ_NODE.minor}`;
  expect(engines).toBe(`>=${required}.0`);
  expect([...readme.matchAll(/Node\.js ≥ ([\d.]+)/g)].map((m) => m[1])).toEqual([required]);
});
