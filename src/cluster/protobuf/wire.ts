/**
 * Protocol Buffers' wire format, as far as reading Kubernetes' answers needs it: varints,
 * length-delimited fields, and skipping what is not asked for — which is the point: a pod's
 * managedFields, containers and conditions are passed over by their length, never decoded.
 * https://protobuf.dev/programming-guides/encoding/
 */

/** A field the reader cannot turn into exactly the JSON the API server would have sent; the caller asks for JSON instead. */
export class NotExactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotExactError';
  }
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH = 2;
export const WIRE_FIXED32 = 5;

export class WireReader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** An unsigned varint below 2^28 (tags, lengths, small numbers), else the exact 64-bit value through int64(). */
  uint(): number {
    const { buf } = this;
    let result = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      const byte = this.byte(buf);
      result |= (byte & 0x7f) << shift;
      if (byte < 0x80) return result >>> 0;
    }
    this.pos -= 4;
    return Number(BigInt.asUintN(64, this.bigVarint()));
  }

  /**
   * A varint read as Go's int64/int32 (negative numbers take ten bytes), as a JS number like
   * JSON.parse gives. Up to seven bytes (below 2^49, exact in a double) without BigInt: counts,
   * times and generations all are.
   */
  int64(): number {
    const { buf } = this;
    let result = 0;
    for (let i = this.pos, scale = 1; i < this.end && i < this.pos + 7; i++, scale *= 128) {
      const byte = buf[i]!;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        this.pos = i + 1;
        return result;
      }
    }
    return Number(BigInt.asIntN(64, this.bigVarint()));
  }

  /** Where the length-delimited field at the reader ends, checked against the message it sits in; past its length prefix. */
  private fieldEnd(): number {
    const length = this.uint();
    const end = this.pos + length;
    if (end > this.end) throw new NotExactError('a length-delimited field runs past its message');
    return end;
  }

  string(): string {
    const end = this.fieldEnd();
    const start = this.pos;
    this.pos = end;
    return this.buf.toString('utf8', start, end);
  }

  sub(): WireReader {
    const end = this.fieldEnd();
    const start = this.pos;
    this.pos = end;
    return new WireReader(this.buf, start, end);
  }

  skip(wireType: number): void {
    if (wireType === WIRE_VARINT) this.skipVarint();
    else if (wireType === WIRE_LENGTH) this.pos = this.fieldEnd();
    else if (wireType === WIRE_FIXED64) this.advance(8);
    else if (wireType === WIRE_FIXED32) this.advance(4);
    else throw new NotExactError(`wire type ${wireType} is not one Kubernetes' messages use`);
  }

  private advance(bytes: number): void {
    if (this.pos + bytes > this.end) throw new NotExactError('a field runs past its message');
    this.pos += bytes;
  }

  private skipVarint(): void {
    const start = this.pos;
    while (this.byte(this.buf) >= 0x80) {
      if (this.pos - start >= 10) throw new NotExactError('a varint longer than ten bytes');
    }
  }

  private byte(buf: Buffer): number {
    if (this.pos >= this.end) throw new NotExactError('a varint runs past its message');
    return buf[this.pos++]!;
  }

  private bigVarint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.byte(this.buf);
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
    }
    throw new NotExactError('a varint longer than ten bytes');
  }
}
