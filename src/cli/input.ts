/**
 * `-f/--filename`: files, directories (their .yaml/.yml/.json files, like kubectl) and `-` for
 * standard input, parsed into objects. Any problem is an InputError naming file and document.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject } from '../model/objects.ts';
import { deduplicate } from '../config/duplicates.ts';
import { parseManifests } from '../config/manifests.ts';
import { InputError } from '../errors.ts';
import { STDIN_ARG } from './argv.ts';
import type { Io } from './io.ts';

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

export async function readObjectFiles(paths: readonly string[], io: Io): Promise<{ objects: KubeObject[]; gaps: ReadGap[] }> {
  const objects: KubeObject[] = [];
  const places: string[] = [];
  const gaps: ReadGap[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    for (const file of await expand(path)) {
      const text = file === STDIN_ARG ? await io.readStdin() : await readText(file);
      const parsed = parseManifests(text, file === STDIN_ARG ? '<stdin>' : file);
      objects.push(...parsed.objects);
      places.push(...parsed.places);
      gaps.push(...parsed.gaps);
      problems.push(...parsed.problems);
    }
  }
  const unique = deduplicate(objects, places);
  problems.push(...unique.problems);
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new InputError(`${problems[0]}${more}`);
  }
  for (const warning of unique.warnings) io.stderr(`Warning: ${warning}\n`);
  return { objects: unique.objects, gaps };
}

async function expand(path: string): Promise<string[]> {
  if (path === STDIN_ARG) return [STDIN_ARG];
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(`cannot read ${path}: ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}`);
  });
  if (!info.isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => MANIFEST_EXTENSIONS.test(n)).sort();
  return names.map((n) => join(path, n));
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as Error).message}`);
  }
}
