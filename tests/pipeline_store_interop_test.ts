/**
 * Interoperability: the store must be Zarr 3 that other implementations read from the metadata
 * alone. Two independent readers are checked against the ground truth: a short Python reader
 * written here from the specification (numpy and the `zstd` command line; zarr-python is not
 * installable on these machines) and zarrita (JavaScript; its zstd is numcodecs' WebAssembly
 * build, not the native `node:zlib` zstd the writer uses).
 */
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import { assert, assertEquals } from "./assert.ts";
import { SPLITS } from "../pipeline/store/split_hash.ts";
import {
  expectedSplits,
  syntheticDocuments,
  writeSyntheticStore,
} from "./pipeline_store_fixtures.ts";

/** Reads every array of the store per the Zarr 3 specification; prints them as JSON lists. */
const PYTHON_READER = String.raw`
import json, math, os, struct, subprocess, sys
import numpy as np

root = sys.argv[1]
DTYPES = {"uint16": "<u2", "uint32": "<u4", "uint64": "<u8"}
EMPTY = 2**64 - 1

def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF

def metadata(path):
    with open(os.path.join(root, path, "zarr.json")) as f:
        meta = json.load(f)
    assert meta["zarr_format"] == 3, path
    return meta

def unzstd(frames):
    # zstd decompresses concatenated frames into the concatenation of their contents.
    return subprocess.run(["zstd", "-d", "-c", "-q"], input=b"".join(frames), capture_output=True, check=True).stdout

def check_bytes_zstd(codecs):
    assert [c["name"] for c in codecs] == ["bytes", "zstd"], codecs
    assert codecs[0]["configuration"]["endian"] == "little"
    assert isinstance(codecs[1]["configuration"]["level"], int)
    assert isinstance(codecs[1]["configuration"]["checksum"], bool)

def read_array(path):
    meta = metadata(path)
    assert meta["node_type"] == "array"
    for key in ("shape", "data_type", "chunk_grid", "chunk_key_encoding", "fill_value", "codecs"):
        assert key in meta and meta[key] is not None, (path, key)
    assert meta["chunk_grid"]["name"] == "regular"
    assert meta["chunk_key_encoding"] == {"name": "default", "configuration": {"separator": "/"}}
    dtype = np.dtype(DTYPES[meta["data_type"]])
    (length,) = meta["shape"]
    (chunk,) = meta["chunk_grid"]["configuration"]["chunk_shape"]
    fill = meta["fill_value"]
    (codec,) = meta["codecs"] if len(meta["codecs"]) == 1 else [None]
    pieces = []  # (byte count, frame or None for fill)
    for index in range(math.ceil(length / chunk)):
        file = os.path.join(root, path, "c", str(index))
        data = open(file, "rb").read() if os.path.exists(file) else None
        if codec is not None and codec["name"] == "sharding_indexed":
            config = codec["configuration"]
            check_bytes_zstd(config["codecs"])
            assert [c["name"] for c in config["index_codecs"]] == ["bytes", "crc32c"]
            assert config.get("index_location", "end") == "end"
            (inner,) = config["chunk_shape"]
            count = chunk // inner
            if data is None:
                pieces += [(inner * dtype.itemsize, None)] * count
                continue
            index_bytes = data[-(16 * count + 4):]
            assert struct.unpack("<I", index_bytes[-4:])[0] == crc32c(index_bytes[:-4]), file
            entries = struct.unpack("<%dQ" % (2 * count), index_bytes[:-4])
            for slot in range(count):
                offset, nbytes = entries[2 * slot], entries[2 * slot + 1]
                frame = None if offset == EMPTY and nbytes == EMPTY else data[offset:offset + nbytes]
                pieces.append((inner * dtype.itemsize, frame))
        else:
            check_bytes_zstd(meta["codecs"])
            pieces.append((chunk * dtype.itemsize, data))
    decoded = unzstd([frame for _, frame in pieces if frame is not None])
    out, position = [], 0
    for size, frame in pieces:
        if frame is None:
            out.append(np.full(size // dtype.itemsize, fill, dtype=dtype).tobytes())
        else:
            out.append(decoded[position:position + size])
            position += size
    assert position == len(decoded)
    return np.frombuffer(b"".join(out), dtype=dtype)[:length]

assert metadata("")["node_type"] == "group"
result = {"attributes": metadata("")["attributes"]}
for split in ("train", "val"):
    assert metadata(split)["node_type"] == "group"
    for name in ("tokens", "doc_offsets"):
        result[split + "/" + name] = read_array(split + "/" + name).tolist()
print(json.dumps(result))
`;

async function pythonRead(storePath: string): Promise<Record<string, unknown>> {
  const output = await new Deno.Command("python3", {
    args: ["-c", PYTHON_READER, storePath],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(output.success, `python reader failed:\n${new TextDecoder().decode(output.stderr)}`);
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

for (
  const { vocabSize, chunkTokens } of [{ vocabSize: 1000, chunkTokens: 4096 }, {
    vocabSize: 70_000,
    chunkTokens: 2048,
  }]
) {
  Deno.test(`interop: Python (numpy + zstd CLI) and zarrita read the store, vocab ${vocabSize}`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      const documents = syntheticDocuments(800, vocabSize, vocabSize);
      const storePath = `${dir}/tokens.zarr`;
      await writeSyntheticStore(storePath, documents, { chunkTokens, vocabSize });
      const expected = expectedSplits(documents, vocabSize - 1, 0.1);
      const python = await pythonRead(storePath);
      const store = new FileSystemStore(storePath);
      for (const split of SPLITS) {
        assertEquals(python[`${split}/tokens`], expected[split].tokens, `python ${split}/tokens`);
        assertEquals(
          python[`${split}/doc_offsets`],
          expected[split].offsets,
          `python ${split}/doc_offsets`,
        );
        for (const name of ["tokens", "doc_offsets"] as const) {
          const array = await zarr.open(zarr.root(store).resolve(`${split}/${name}`), {
            kind: "array",
          });
          const { data } = await zarr.get(array);
          const values = Array.from(data as ArrayLike<number | bigint>, Number);
          assertEquals(
            values,
            name === "tokens" ? expected[split].tokens : expected[split].offsets,
          );
        }
      }
      const attributes = python.attributes as Record<string, unknown>;
      assertEquals(attributes.dtype, vocabSize > 65536 ? "uint32" : "uint16");
      assertEquals(attributes.complete, true);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
