/**
 * Builders of protobuf bytes for tests of src/cluster/protobuf: fields by number, as the API
 * server's gogo-generated marshallers write them.
 */
function varint(value: bigint): Buffer {
  const bytes: number[] = [];
  let rest = BigInt.asUintN(64, value);
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return Buffer.from(bytes);
}

const tag = (no: number, wireType: number) => varint(BigInt((no << 3) | wireType));

export const str = (no: number, value: string): Buffer => bytes(no, Buffer.from(value, 'utf8'));
export const bytes = (no: number, value: Buffer): Buffer =>
  Buffer.concat([tag(no, 2), varint(BigInt(value.length)), value]);
export const msg = (no: number, ...parts: Buffer[]): Buffer => bytes(no, Buffer.concat(parts));
export const int = (no: number, value: number | bigint): Buffer => Buffer.concat([tag(no, 0), varint(BigInt(value))]);
export const bool = (no: number, value: boolean): Buffer => int(no, value ? 1 : 0);
/** A map<string, string> entry. */
export const entry = (no: number, key: string, value: string): Buffer => msg(no, str(1, key), str(2, value));

/** The "k8s\0" envelope around a message of this apiVersion and kind. */
export function envelope(apiVersion: string, kind: string, ...raw: Buffer[]): Buffer {
  return Buffer.concat([
    Buffer.from([0x6b, 0x38, 0x73, 0x00]),
    msg(1, str(1, apiVersion), str(2, kind)),
    bytes(2, Buffer.concat(raw)),
  ]);
}

/** A PodList or NodeList of these items (each the bytes of a Pod or Node), with a continue token. */
export function list(kind: 'PodList' | 'NodeList', items: Buffer[], continueToken = ''): Buffer {
  return envelope('v1', kind, msg(1, str(2, '42'), str(3, continueToken)), ...items.map((item) => bytes(2, item)));
}
