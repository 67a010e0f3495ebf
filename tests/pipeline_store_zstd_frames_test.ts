/**
 * Every zstd frame of a store written by `tokenizeCorpus` declares its content size, so readers
 * that size their output from the frame header open it: the header is parsed here from the format
 * (RFC 8878, section 3.1.1.1), not by our decoder (which accepts frames with or without the size),
 * and Debian's numcodecs 0.11 (zarr-python's codec library, which requires the size) reads every
 * chunk.
 */
import { assert, assertEquals } from "./assert.ts";
import { tokenizeCorpus } from "../pipeline/mod.ts";
import { readStoreArrays, trainSmallTokenizer } from "./pipeline_store_fixtures.ts";

const ZSTD_MAGIC = 0xfd2fb528;

/**
 * The Frame_Content_Size a zstd frame's header declares, or null when it declares none
 * (RFC 8878, 3.1.1.1: Magic_Number, Frame_Header_Descriptor, [Window_Descriptor],
 * [Dictionary_ID], [Frame_Content_Size]).
 */
function frameContentSize(frame: Uint8Array): number | null {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  assertEquals(view.getUint32(0, true), ZSTD_MAGIC, "zstd magic number");
  const descriptor = frame[4];
  const contentSizeFlag = descriptor >> 6; // Frame_Content_Size_flag, bits 7-6
  const singleSegment = (descriptor >> 5) & 1; // Single_Segment_flag, bit 5
  const dictionaryIdFlag = descriptor & 3; // Dictionary_ID_flag, bits 1-0
  // Field sizes: no Window_Descriptor in a single segment; Dictionary_ID of 0, 1, 2 or 4 bytes;
  // Frame_Content_Size of 0 (or 1 when single segment), 2, 4 or 8 bytes.
  const fieldBytes = [singleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag];
  if (fieldBytes === 0) return null;
  const at = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][dictionaryIdFlag];
  if (fieldBytes === 1) return view.getUint8(at);
  if (fieldBytes === 2) return view.getUint16(at, true) + 256; // the 2-byte field is offset by 256
  if (fieldBytes === 4) return view.getUint32(at, true);
  return Number(view.getBigUint64(at, true));
}

interface ArrayMetadata {
  shape: [number];
  data_type: string;
  chunk_grid: { configuration: { chunk_shape: [number] } };
  codecs: { name: string; configuration?: { chunk_shape?: [number] } }[];
}

/** Each zstd frame of an array with the byte length of what it holds, read from the files. */
async function framesOf(
  arrayPath: string,
): Promise<{ file: string; frame: Uint8Array; bytes: number }[]> {
  const meta: ArrayMetadata = JSON.parse(await Deno.readTextFile(`${arrayPath}/zarr.json`));
  const itemSize = { uint16: 2, uint32: 4, uint64: 8 }[meta.data_type]!;
  const [length] = meta.shape;
  const [chunk] = meta.chunk_grid.configuration.chunk_shape;
  const frames = [];
  for (let index = 0; index * chunk < length; index++) {
    const file = `${arrayPath}/c/${index}`;
    const data = await Deno.readFile(file);
    if (meta.codecs[0].name !== "sharding_indexed") {
      frames.push({ file, frame: data, bytes: chunk * itemSize });
      continue;
    }
    // Shard index at the end: (offset, length) uint64 pairs, then a 4-byte CRC-32C.
    const [inner] = meta.codecs[0].configuration!.chunk_shape!;
    const count = chunk / inner;
    const view = new DataView(data.buffer, data.length - (16 * count + 4), 16 * count);
    for (let slot = 0; slot < count; slot++) {
      const offset = view.getBigUint64(16 * slot, true);
      if (offset === 0xffff_ffff_ffff_ffffn) continue; // an empty inner chunk
      const size = Number(view.getBigUint64(16 * slot + 8, true));
      const frame = data.subarray(Number(offset), Number(offset) + size);
      frames.push({ file: `${file} (inner chunk ${slot})`, frame, bytes: inner * itemSize });
    }
  }
  return frames;
}

/** Reads every array chunk by chunk with numcodecs' Zstd (Debian's python3-numcodecs). */
const NUMCODECS_READER = String.raw`
import json, math, os, struct, sys
import numpy as np
from numcodecs import Zstd

root = sys.argv[1]
zstd = Zstd()
DTYPES = {"uint16": "<u2", "uint32": "<u4", "uint64": "<u8"}
EMPTY = 2**64 - 1

def read_array(path):
    with open(os.path.join(root, path, "zarr.json")) as f:
        meta = json.load(f)
    dtype = np.dtype(DTYPES[meta["data_type"]])
    (length,) = meta["shape"]
    (chunk,) = meta["chunk_grid"]["configuration"]["chunk_shape"]
    codec = meta["codecs"][0]
    pieces = []
    for index in range(math.ceil(length / chunk)):
        data = open(os.path.join(root, path, "c", str(index)), "rb").read()
        if codec["name"] != "sharding_indexed":
            pieces.append(np.frombuffer(zstd.decode(data), dtype=dtype))
            continue
        (inner,) = codec["configuration"]["chunk_shape"]
        count = chunk // inner
        entries = struct.unpack("<%dQ" % (2 * count), data[-(16 * count + 4):-4])
        for slot in range(count):
            offset, nbytes = entries[2 * slot], entries[2 * slot + 1]
            if offset == EMPTY:
                pieces.append(np.zeros(inner, dtype=dtype))
            else:
                pieces.append(np.frombuffer(zstd.decode(data[offset:offset + nbytes]), dtype=dtype))
    return np.concatenate(pieces)[:length]

print(json.dumps({
    split + "/" + name: read_array(split + "/" + name).tolist()
    for split in ("train", "val") for name in ("tokens", "doc_offsets")
}))
`;

const work = await Deno.makeTempDir();
const tokenizerPath = `${work}/tokenizer.json`;
await trainSmallTokenizer(tokenizerPath);
// Small chunks, so the store has many files, partial last chunks and empty inner chunks.
const summary = await tokenizeCorpus({
  tokenizerPath,
  outDir: `${work}/out`,
  maxDocs: 1500,
  valFraction: 0.05,
  chunkTokens: 16384,
  workers: 1,
});

Deno.test("store: every zstd frame tokenize writes declares its content size in its header", async () => {
  let checked = 0;
  for (const split of ["train", "val"]) {
    for (const name of ["tokens", "doc_offsets"]) {
      for (
        const { file, frame, bytes } of await framesOf(`${summary.storePath}/${split}/${name}`)
      ) {
        assertEquals(frameContentSize(frame), bytes, `${file}: Frame_Content_Size`);
        checked++;
      }
    }
  }
  assert(checked > 10, `only ${checked} frames`);
});

Deno.test("interop: numcodecs 0.11 (it requires the content size) reads the store chunk by chunk", async () => {
  const output = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", NUMCODECS_READER, summary.storePath],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(output.success, `numcodecs reader failed:\n${new TextDecoder().decode(output.stderr)}`);
  const numcodecs: Record<string, number[]> = JSON.parse(new TextDecoder().decode(output.stdout));
  const expected = await readStoreArrays(summary.storePath);
  for (const key of Object.keys(expected)) assertEquals(numcodecs[key], expected[key], key);
  assert(expected["val/tokens"].length > 0 && expected["train/tokens"].length > 16384);
});

Deno.test({
  name: "store zstd frames: clean up",
  fn: () => Deno.remove(work, { recursive: true }),
});
