/**
 * `-f/--filename`: files, directories (their .yaml/.yml/.json files, like kubectl) and `-` for
 * standard input, parsed into objects. Any problem is an InputError naming file and document.
 * Files from STREAM_FROM_BYTES up are read a piece at a time (config/manifest-stream.ts), with
 * event loop turns for Ctrl-C and progress on a terminal; smaller ones are parsed whole.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject } from '../model/objects.ts';
import { deduplicate } from '../config/duplicates.ts';
import { ManifestStream } from '../config/manifest-stream.ts';
import { parseManifests, type ParsedManifests } from '../config/manifests.ts';
import { InputError } from '../errors.ts';
import { STDIN_ARG } from './argv.ts';
import type { Io } from './io.ts';
import { Pacer } from './pace.ts';
import { TextDecoding } from './text-decoding.ts';

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

/** Parsing a megabyte whole takes well under a second (Ctrl-C waits for it); larger files stream. */
export const STREAM_FROM_BYTES = 1024 * 1024;
// A piece is parsed without a pause: a quarter megabyte takes about a tenth of a second.
const PIECE = 256 * 1024;

export interface ReadOptions {
  /** Tests lower it to read small files as large ones are read. */
  streamFromBytes?: number;
}

export async function readObjectFiles(
  paths: readonly string[],
  io: Io,
  options: ReadOptions = {},
): Promise<{ objects: KubeObject[]; gaps: ReadGap[]; allPods: boolean }> {
  const objects: KubeObject[] = [];
  const places: string[] = [];
  const gaps: ReadGap[] = [];
  let allPods = false;
  const problems: string[] = [];
  for (const path of paths) {
    for (const file of await expand(path)) {
      const parsed = await readManifests(file, io, options.streamFromBytes ?? STREAM_FROM_BYTES).catch(tooLarge(file));
      for (const o of parsed.objects) objects.push(o);
      for (const p of parsed.places) places.push(p);
      gaps.push(...parsed.gaps);
      allPods ||= parsed.allPods;
      problems.push(...parsed.problems);
    }
  }
  const unique = deduplicate(objects, places);
  problems.push(...unique.problems);
  if (problems.length > 0) {
    const more =
      problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    throw new InputError(`${problems[0]}${more}`);
  }
  for (const warning of unique.warnings) io.stderr(`Warning: ${warning}\n`);
  return { objects: unique.objects, gaps, allPods };
}

async function readManifests(file: string, io: Io, streamFrom: number): Promise<ParsedManifests> {
  if (file === STDIN_ARG) {
    const text = new TextDecoding('<stdin>').checked(await io.readStdin());
    if (text.length < streamFrom) return parseManifests(text, '<stdin>');
    const pieces = (function* () {
      for (let at = 0; at < text.length; at += PIECE) yield text.slice(at, at + PIECE);
    })();
    return (await streamed(pieces, '<stdin>', io)) ?? parseManifests(text, '<stdin>');
  }
  if ((await stat(file)).size < streamFrom) return parseManifests(await readText(file), file);
  const decoding = new TextDecoding(file);
  const pieces = (async function* () {
    for await (const chunk of createReadStream(file, { highWaterMark: PIECE })) yield decoding.decode(chunk as Buffer);
    yield decoding.decode(undefined);
  })();
  // What the stream cannot cut exactly is parsed whole, as smaller files are.
  return (await streamed(pieces, file, io).catch(readError(file))) ?? parseManifests(await readText(file), file);
}

async function streamed(
  pieces: Iterable<string> | AsyncIterable<string>,
  origin: string,
  io: Io,
): Promise<ParsedManifests | undefined> {
  const stream = new ManifestStream(origin);
  const pacer = new Pacer();
  const progress = io.stderrIsTTY ? new Progress(origin, io) : undefined;
  let read = 0;
  for await (const piece of pieces) {
    stream.push(piece);
    read += piece.length;
    if (stream.unsupported) break;
    progress?.show(read, stream.objectCount);
    if (pacer.due()) await pacer.turn();
  }
  progress?.done();
  return stream.end();
}

/** `\r`-rewritten progress line on stderr, at most once a second. */
class Progress {
  private last = 0;
  private shown = false;
  private readonly origin: string;
  private readonly io: Io;

  constructor(origin: string, io: Io) {
    this.origin = origin;
    this.io = io;
  }

  show(chars: number, objects: number): void {
    const now = Date.now();
    if (now - this.last < 1000) return;
    this.last = now;
    this.shown = true;
    this.io.stderr(
      `\rreading ${this.origin}: ${Math.round(chars / 1e6)} MB, ${objects.toLocaleString('en-US')} objects`,
    );
  }

  done(): void {
    if (this.shown) this.io.stderr('\r\x1b[K');
  }
}

async function expand(path: string): Promise<string[]> {
  if (path === STDIN_ARG) return [STDIN_ARG];
  const info = await stat(path).catch(readError(path));
  if (!info.isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => MANIFEST_EXTENSIONS.test(n)).sort();
  return names.map((n) => join(path, n));
}

async function readText(file: string): Promise<string> {
  const bytes = await readFile(file).catch(readError(file));
  const decoding = new TextDecoding(file);
  return decoding.decode(bytes) + decoding.decode(undefined);
}

/** V8 strings stop at 2^29 characters: a larger document that cannot be cut into items. */
function tooLarge(file: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof RangeError && /string length/i.test(error.message)) {
      throw new InputError(
        `${file === STDIN_ARG ? '<stdin>' : file}: a document too large to read whole (over 512 MB of text); write it as a kind: List, one item per entry, as kubectl get -o yaml does`,
      );
    }
    throw error;
  };
}

function readError(file: string): (error: NodeJS.ErrnoException) => never {
  return (error) => {
    // Only the file system's errors (they have a code); anything else is not about reading.
    if (error instanceof InputError || typeof error.code !== 'string') throw error;
    throw new InputError(
      `cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file or directory' : error.code === 'EISDIR' ? 'is a directory' : error.message}`,
    );
  };
}
