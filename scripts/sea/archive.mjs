// Archives as Krew takes them (kubectl-plugin-ecosystem.md §1.2): tar.gz or zip, regular files and
// directories only, the executable bit set in the archive, no `..` or absolute paths. Reproducible:
// fixed owner, order and times, so the same inputs give the same sha256.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';

/** 2000-01-01: zip cannot store times before 1980, and the archive's bytes must not depend on the day. */
const FIXED_TIME = new Date('2000-01-01T00:00:00Z');

/** Packs `files` (names inside `dir`) into `archive`; names in `executables` get mode 0755, the rest 0644. */
export function pack(dir, files, executables, archive) {
  for (const name of files) {
    chmodSync(`${dir}/${name}`, executables.includes(name) ? 0o755 : 0o644);
    utimesSync(`${dir}/${name}`, FIXED_TIME, FIXED_TIME);
  }
  if (archive.endsWith('.zip')) {
    execFileSync('zip', ['-q', '-X', '-9', archive, ...files], { cwd: dir, env: { ...process.env, TZ: 'UTC' } });
  } else {
    const tar = execFileSync(
      'tar',
      ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--format=ustar', '-cf', '-', ...files],
      { cwd: dir, maxBuffer: 1 << 30 },
    );
    writeFileSync(archive, execFileSync('gzip', ['-9', '-n'], { input: tar, maxBuffer: 1 << 30 }));
  }
  return sha256(archive);
}

export function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
