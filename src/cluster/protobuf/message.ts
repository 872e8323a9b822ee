/**
 * A Kubernetes protobuf message read into the JSON the API server would have sent for it, for the
 * fields a Message lists. The two encodings come from one Go struct on the server, so each field
 * says how Go's encoding/json writes it (Emit), and the fields are listed in the struct's order,
 * which is the order of the JSON keys. A message kept whole by the cut (config/snapshot-file.ts
 * readFields: affinity, tolerations, owner references, taints, …) must know every field the
 * server sends: a field number it does not know could be one the JSON would carry, so it stops
 * the read (NotExactError) and the caller asks for JSON. A message the cut picks from skips what
 * it does not list — those bytes are most of a pod.
 */
import { NotExactError, WIRE_LENGTH, WIRE_VARINT, WireReader } from './wire.ts';

/**
 * How encoding/json writes a field whose value is unset or zero:
 * - `omitempty`: a value with `,omitempty`: left out when "", false, 0, or an empty list or map;
 * - `pointer`: a pointer with `,omitempty`: written whenever the wire has it, even as zero;
 * - `always`: no `omitempty`: the zero value when unset — "", false, 0, null for a list, the
 *   empty message for a struct.
 */
export type Emit = 'omitempty' | 'pointer' | 'always';

/**
 * `time`: metav1.Time, a Timestamp message written in JSON as RFC 3339 seconds in UTC (null when
 * zero); `bytes`: left as a reader over them (runtime.Unknown's raw message).
 */
export type FieldType = 'string' | 'bool' | 'int' | 'time' | 'bytes' | 'map' | Message;

export interface Field {
  json: string;
  type: FieldType;
  emit: Emit;
  list: boolean;
  /** Its place in Message.fields. */
  index: number;
}

export interface Message {
  name: string;
  /** Kept whole by the cut: an unknown field number is not exact. */
  whole: boolean;
  /** In the Go struct's order. */
  fields: readonly Field[];
  /** By field number (a sparse array: the numbers are small). */
  byNumber: readonly (Field | undefined)[];
}

type FieldRow = [number: number, json: string, type: FieldType, emit: Emit, list?: 'list'];

/** A message from rows of [field number, JSON name, type, emit, 'list'?], in the Go struct's order. */
export function message(name: string, whole: 'whole' | 'picked', rows: readonly FieldRow[]): Message {
  const byNumber: (Field | undefined)[] = [];
  const fields = rows.map(([number, json, type, emit, list], index) => {
    const field = { json, type, emit, list: list === 'list', index };
    byNumber[number] = field;
    return field;
  });
  return { name, whole: whole === 'whole', fields, byNumber };
}

type Json = Record<string, unknown>;

/** A map field's entries in the order they came (Go writes them sorted by key). */
type Entries = [key: string, value: string][];

/**
 * The values by field index, where a list or map field's are gathered in an array: every Pod or
 * Node of a list goes through here, so it allocates no more than it must (with a Map per message,
 * decoding and cutting 2,000 Nodes took 102–122 ms the first time in a process; now 90–99 ms).
 */
export function decodeMessage(msg: Message, reader: WireReader): Json {
  const values: unknown[] = new Array(msg.fields.length);
  while (!reader.done()) {
    const tag = reader.uint();
    const number = tag >>> 3;
    const wireType = tag & 7;
    const field = msg.byNumber[number];
    if (!field) {
      if (msg.whole) throw new NotExactError(`${msg.name} has field ${number}, which this version does not know`);
      reader.skip(wireType);
      continue;
    }
    const value = readValue(field, wireType, reader);
    if (field.list || field.type === 'map') {
      const gathered = values[field.index] as unknown[] | undefined;
      if (gathered) gathered.push(value);
      else values[field.index] = [value];
    } else {
      values[field.index] = value;
    }
  }
  return toJson(msg, values);
}

function readValue(field: Field, wireType: number, reader: WireReader): unknown {
  const { type } = field;
  const expected = type === 'bool' || type === 'int' ? WIRE_VARINT : WIRE_LENGTH;
  if (wireType !== expected)
    throw new NotExactError(`${field.json} came as wire type ${wireType}, where ${expected} was expected`);
  switch (type) {
    case 'string':
      return reader.string();
    case 'bool':
      return reader.uint() !== 0;
    case 'int':
      return reader.int64();
    case 'time':
      return timeOf(reader.sub());
    case 'bytes':
      return reader.sub();
    case 'map':
      return mapEntry(reader.sub());
    default:
      return decodeMessage(type, reader.sub());
  }
}

function toJson(msg: Message, values: readonly unknown[]): Json {
  const out: Json = {};
  for (const field of msg.fields) {
    const value = field.type === 'map' ? sortedMap(values[field.index] as Entries | undefined) : values[field.index];
    if (field.emit === 'always') out[field.json] = value === undefined ? zeroOf(field) : value;
    else if (field.emit === 'pointer' ? value !== undefined : !isEmpty(value)) out[field.json] = value;
  }
  return out;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === '' || value === false || value === 0) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

function zeroOf(field: Field): unknown {
  if (field.list || field.type === 'map') return null;
  switch (field.type) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'int':
      return 0;
    case 'time':
    case 'bytes':
      return null;
    default:
      return decodeMessage(field.type, new WireReader(Buffer.alloc(0)));
  }
}

/**
 * Go's encoding/json writes a map's keys sorted, so the JSON the server sends has them in that
 * order; a key that came twice keeps its last value. The protobuf marshaller sorts them too, so
 * the entries usually need no sorting.
 */
function sortedMap(entries: Entries | undefined): Json | undefined {
  if (entries === undefined) return undefined;
  if (!inOrder(entries)) {
    // Go orders strings by their UTF-8 bytes, JS by UTF-16 units: the two differ only for keys
    // with characters beyond the Basic Multilingual Plane. The sort is stable: of a key that came
    // twice, the last value is set last.
    const surrogates = entries.some(([key]) => SURROGATE.test(key));
    entries.sort(([a], [b]) =>
      surrogates ? Buffer.compare(Buffer.from(a), Buffer.from(b)) : a < b ? -1 : a > b ? 1 : 0,
    );
  }
  const out: Json = {};
  for (const [key, value] of entries) out[key] = value;
  return out;
}

/** Each key after the one before it, in UTF-8 byte order (plain code-unit order where no key has a surrogate). */
function inOrder(entries: Entries): boolean {
  for (let i = 0; i < entries.length; i++) {
    const key = entries[i]![0];
    if (SURROGATE.test(key) || (i > 0 && !(entries[i - 1]![0] < key))) return false;
  }
  return true;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** A map<string, string> entry: key 1, value 2, either absent when empty. */
function mapEntry(reader: WireReader): [string, string] {
  let key = '';
  let value = '';
  while (!reader.done()) {
    const tag = reader.uint();
    if (tag === ((1 << 3) | WIRE_LENGTH)) key = reader.string();
    else if (tag === ((2 << 3) | WIRE_LENGTH)) value = reader.string();
    else throw new NotExactError(`a map entry has field ${tag >>> 3}`);
  }
  return [key, value];
}

/**
 * metav1.Time (apimachinery pkg/apis/meta/v1/time_proto.go): an empty message is the zero time,
 * which MarshalJSON writes as null; otherwise its seconds (the nanoseconds are dropped on read)
 * as RFC 3339 in UTC.
 */
function timeOf(reader: WireReader): string | null {
  if (reader.done()) return null;
  let seconds = 0;
  while (!reader.done()) {
    const tag = reader.uint();
    if (tag === ((1 << 3) | WIRE_VARINT)) seconds = reader.int64();
    else if (tag === ((2 << 3) | WIRE_VARINT)) reader.int64();
    else throw new NotExactError(`a Timestamp has field ${tag >>> 3}`);
  }
  const date = new Date(seconds * 1000);
  const year = date.getUTCFullYear();
  // Go refuses to write a year outside 0–9999 as RFC 3339; the JSON would not have it either.
  if (!(year >= 0 && year <= 9999)) throw new NotExactError(`a time in the year ${year}`);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
