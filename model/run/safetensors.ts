import { UserError } from "../../core/user_error.ts";
import { writeFileAtomic } from "../../core/atomic_file.ts";

/** The element types this reader and writer handle, with safetensors' names. */
export type SafetensorsDtype = "F32" | "F64" | "I32" | "I64" | "U8";

type ArrayOf<D extends SafetensorsDtype> = D extends "F32" ? Float32Array
  : D extends "F64" ? Float64Array
  : D extends "I32" ? Int32Array
  : D extends "I64" ? BigInt64Array
  : Uint8Array;

/** One tensor: its element type, shape and row-major data. */
export interface SafetensorsTensor<D extends SafetensorsDtype = SafetensorsDtype> {
  /** Element type. */
  dtype: D;
  /** Dimensions, outermost first. */
  shape: number[];
  /** The elements in row-major order. */
  data: ArrayOf<D>;
}

/** The tensors of a file (in the file's order) and its `__metadata__` (string to string). */
export interface SafetensorsFile {
  /** Tensors by name, in the order of their data. */
  tensors: Map<string, SafetensorsTensor>;
  /** The header's `__metadata__`. */
  metadata: Record<string, string>;
}

const ITEM_BYTES: Record<SafetensorsDtype, number> = { F32: 4, F64: 8, I32: 4, I64: 8, U8: 1 };
const ARRAYS = {
  F32: Float32Array,
  F64: Float64Array,
  I32: Int32Array,
  I64: BigInt64Array,
  U8: Uint8Array,
} as const;
// The format stores little-endian data; typed arrays use the machine's order, so big-endian hosts swap.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
// A header larger than this is not one we wrote (the reference implementation refuses over 100 MB too).
const MAX_HEADER_BYTES = 100_000_000;

/**
 * Serialises tensors in the safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON
 * header `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__}` padded with spaces to a multiple of
 * 8 bytes, then the raw little-endian data of every tensor, back to back, in the order given.
 *
 * @example
 * ```ts
 * const bytes = encodeSafetensors(new Map([["w", { dtype: "F32", shape: [2], data: new Float32Array([1, 2]) }]]));
 * ```
 */
export function encodeSafetensors(
  tensors: Map<string, SafetensorsTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const bytes = elementCount(tensor.shape) * ITEM_BYTES[tensor.dtype];
    if (tensor.data.length !== elementCount(tensor.shape)) {
      throw new Error(
        `safetensors: '${name}' has ${tensor.data.length} values for shape [${tensor.shape}]`,
      );
    }
    header[name] = {
      dtype: tensor.dtype,
      shape: tensor.shape,
      data_offsets: [offset, offset + bytes],
    };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const tensor of tensors.values()) {
    const raw = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    out.set(raw, position);
    if (!LITTLE_ENDIAN) {
      swapBytes(out.subarray(position, position + raw.length), ITEM_BYTES[tensor.dtype]);
    }
    position += raw.length;
  }
  return out;
}

/**
 * Parses and validates a safetensors file. Anything that does not add up (short file, header length past the
 * end, bad JSON, unknown dtype, offsets that disagree with the shape, overlap, gaps or trailing bytes) is a
 * `UserError` naming `source`.
 */
export function decodeSafetensors(bytes: Uint8Array, source: string): SafetensorsFile {
  const bad = (why: string) => new UserError(`${source}: not a valid safetensors file (${why})`);
  if (bytes.length < 8) throw bad(`${bytes.length} bytes, shorter than the 8-byte header length`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(bytes.length - 8, MAX_HEADER_BYTES))) {
    throw bad(
      `header length ${headerLength} exceeds the file's ${bytes.length - 8} remaining bytes`,
    );
  }
  const dataStart = 8 + Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, dataStart)),
    );
  } catch (error) {
    throw bad(`header is not JSON: ${(error as Error).message}`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw bad("header is not a JSON object");
  }
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: {
    name: string;
    dtype: SafetensorsDtype;
    shape: number[];
    begin: number;
    end: number;
  }[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof value !== "object" || value === null) throw bad("__metadata__ is not an object");
      for (const [key, text] of Object.entries(value)) {
        if (typeof text !== "string") throw bad(`__metadata__.${key} is not a string`);
        metadata[key] = text;
      }
      continue;
    }
    const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = info?.dtype as SafetensorsDtype;
    if (typeof dtype !== "string" || !(dtype in ITEM_BYTES)) {
      throw bad(`tensor '${name}' has unsupported dtype ${JSON.stringify(info?.dtype)}`);
    }
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw bad(`tensor '${name}' has a bad shape ${JSON.stringify(shape)}`);
    }
    const offsets = info.data_offsets;
    if (
      !Array.isArray(offsets) || offsets.length !== 2 ||
      !offsets.every((o) => Number.isInteger(o) && o >= 0) || offsets[1] < offsets[0]
    ) {
      throw bad(`tensor '${name}' has bad data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end - begin !== elementCount(shape) * ITEM_BYTES[dtype]) {
      throw bad(
        `tensor '${name}': data_offsets span ${end - begin} bytes, shape [${shape}] needs ${
          elementCount(shape) * ITEM_BYTES[dtype]
        }`,
      );
    }
    entries.push({ name, dtype, shape, begin, end });
  }
  // The tensors must tile the data buffer exactly: no gap, no overlap, nothing after the last one.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin);
  let expected = 0;
  for (const entry of sorted) {
    if (entry.begin !== expected) {
      throw bad(`tensor '${entry.name}' starts at ${entry.begin}, expected ${expected}`);
    }
    expected = entry.end;
  }
  if (expected !== dataLength) {
    throw bad(`tensors cover ${expected} data bytes but the file holds ${dataLength}`);
  }
  const tensors = new Map<string, SafetensorsTensor>();
  for (const entry of sorted) {
    // Copy into a fresh, aligned buffer: the data of a tensor need not sit at a multiple of its item size.
    const raw = bytes.slice(dataStart + entry.begin, dataStart + entry.end);
    if (!LITTLE_ENDIAN) swapBytes(raw, ITEM_BYTES[entry.dtype]);
    const data = new ARRAYS[entry.dtype](raw.buffer, 0, elementCount(entry.shape));
    tensors.set(entry.name, { dtype: entry.dtype, shape: entry.shape, data } as SafetensorsTensor);
  }
  return { tensors, metadata };
}

/** Writes a safetensors file atomically (temporary file, then rename). */
export async function writeSafetensors(
  path: string,
  tensors: Map<string, SafetensorsTensor>,
  metadata: Record<string, string> = {},
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/** Reads and validates a safetensors file; a missing or corrupt file is a `UserError` naming it. */
export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new UserError(`${path}: no such file`);
    throw error;
  }
  return decodeSafetensors(bytes, path);
}

function elementCount(shape: number[]): number {
  return shape.reduce((product, dimension) => product * dimension, 1);
}

function swapBytes(bytes: Uint8Array, itemBytes: number): void {
  for (let i = 0; i < bytes.length; i += itemBytes) bytes.subarray(i, i + itemBytes).reverse();
}
