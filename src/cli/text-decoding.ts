/**
 * Bytes of a -f file → text, as kubectl reads it (cli-runtime's FileVisitor decodes through
 * unicode.BOMOverride): UTF-8, with or without a byte order mark, or UTF-16 (either byte order)
 * when a byte order mark says so. Anything else that is not text (a binary, UTF-16 without a byte
 * order mark, which is full of NUL bytes) is an InputError, not a YAML error about garbage.
 */
import { TextDecoder } from 'node:util';
import { InputError } from '../errors.ts';

export class TextDecoding {
  private decoder: TextDecoder | undefined;
  private readonly origin: string;
  private offset = 0;

  constructor(origin: string) {
    this.origin = origin;
  }

  /** The next piece of text; `undefined` ends the input (flushes a character split across pieces). */
  decode(bytes: Uint8Array | undefined): string {
    this.decoder ??= new TextDecoder(encodingOf(bytes), { fatal: true });
    try {
      const text = this.checked(this.decoder.decode(bytes, { stream: bytes !== undefined }));
      this.offset += bytes?.length ?? 0;
      return text;
    } catch (error) {
      // TextDecoder's fatal mode throws a TypeError on bytes that are not in its encoding.
      if (!(error instanceof TypeError)) throw error;
      throw new InputError(
        `${this.origin}: not a text file: invalid ${this.decoder.encoding.toUpperCase()} near byte ${this.offset} (kubectl reads UTF-8, or UTF-16 with a byte order mark)`,
      );
    }
  }

  /** Text as it came (standard input), refused if it holds NUL characters. */
  checked(text: string): string {
    const nul = text.indexOf('\u0000');
    if (nul >= 0)
      throw new InputError(
        `${this.origin}: not a text file: it holds NUL characters (a binary file, or UTF-16 without a byte order mark?)`,
      );
    return text;
  }
}

function encodingOf(bytes: Uint8Array | undefined): string {
  if (bytes && bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes && bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}
