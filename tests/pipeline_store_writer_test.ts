import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { openStore } from "../pipeline/store/reader.ts";
import { StoreWriter } from "../pipeline/store/_store_writer.ts";
import { SPLITS } from "../pipeline/store/split_hash.ts";
import { UserError } from "../core/user_error.ts";
import {
  copyTree,
  expectedSplits,
  makeReadOnly,
  readAllTokens,
  syntheticDocuments,
  writeSyntheticStore,
} from "./pipeline_store_fixtures.ts";

async function readArray(path: string, name: string): Promise<number[]> {
  const array = await zarr.open(zarr.root(new FileSystemStore(path)).resolve(name), {
    kind: "array",
  });
  const { data } = await zarr.get(array);
  return Array.from(data as ArrayLike<number | bigint>, Number);
}

Deno.test("store writer: every document's tokens, EOT and offset land in its split, in input order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const documents = syntheticDocuments(1500, 7);
    const writer = await writeSyntheticStore(`${dir}/tokens.zarr`, documents, {
      chunkTokens: 2048,
    });
    const expected = expectedSplits(documents, 999, 0.1);
    assert(writer.commits > 10, `expected many commits, got ${writer.commits}`);
    const store = await openStore(dir);
    for (const split of SPLITS) {
      assertEquals(store.tokens(split), expected[split].tokens.length, `${split} tokens`);
      assertEquals(store.documents(split), expected[split].offsets.length, `${split} documents`);
      assertEquals(store.bytes(split), expected[split].bytes, `${split} bytes`);
      assertEquals(await readAllTokens(store, split), expected[split].tokens, `${split} content`);
      // zarrita, an independent reader, sees the same arrays through the Zarr metadata alone.
      const storePath = `${dir}/tokens.zarr`;
      assertEquals(await readArray(storePath, `${split}/tokens`), expected[split].tokens);
      assertEquals(await readArray(storePath, `${split}/doc_offsets`), expected[split].offsets);
    }
    assert(expected.val.offsets.length > 50 && expected.train.offsets.length > 1000);
    const attributes = store.attributes;
    assertEquals(attributes.complete, true);
    assertEquals(attributes.dtype, "uint16");
    assertEquals(attributes.resume, null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("store writer: a vocabulary over 65,536 ids is stored as uint32", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const documents = syntheticDocuments(300, 3, 70_000);
    await writeSyntheticStore(`${dir}/tokens.zarr`, documents, {
      chunkTokens: 1024,
      vocabSize: 70_000,
    });
    const store = await openStore(dir);
    assertEquals(store.attributes.dtype, "uint32");
    const expected = expectedSplits(documents, 69_999, 0.1);
    assertEquals(await readAllTokens(store, "train"), expected.train.tokens);
    assert(expected.train.tokens.some((token) => token > 65535));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("store writer: resuming from a snapshot taken at any commit gives the uninterrupted store", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const documents = syntheticDocuments(500, 11);
    const snapshots: string[] = [];
    let commits = 0;
    await writeSyntheticStore(`${dir}/full/tokens.zarr`, documents, {
      chunkTokens: 1024,
      onCommit: async () => {
        commits++;
        // Every third commit, and the first two: a dozen resume points spread over the run.
        if (commits > 2 && commits % 3) return;
        const snapshot = `${dir}/snapshot${commits}`;
        await copyTree(`${dir}/full/tokens.zarr`, `${snapshot}/tokens.zarr`);
        snapshots.push(snapshot);
      },
    });
    assert(commits > 25, `expected many commits, got ${commits}`);
    const full = await openStore(`${dir}/full`);
    const truth = {
      train: await readAllTokens(full, "train"),
      val: await readAllTokens(full, "val"),
    };
    for (const snapshot of snapshots) {
      // Each snapshot is what a kill -9 right after that commit leaves; resume it to the end.
      await assertRejects(() => openStore(snapshot), UserError, "incomplete");
      await writeSyntheticStore(`${snapshot}/tokens.zarr`, documents, { chunkTokens: 1024 });
      const resumed = await openStore(snapshot);
      for (const split of SPLITS) {
        assertEquals(await readAllTokens(resumed, split), truth[split], `${snapshot} ${split}`);
        assertEquals(resumed.documents(split), full.documents(split));
        assertEquals(resumed.bytes(split), full.bytes(split));
        assertEquals(
          await readArray(`${snapshot}/tokens.zarr`, `${split}/doc_offsets`),
          await readArray(`${dir}/full/tokens.zarr`, `${split}/doc_offsets`),
        );
      }
      await Deno.remove(snapshot, { recursive: true });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("store writer: a resume stopped again and again still converges to the same store", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const documents = syntheticDocuments(300, 5);
    await writeSyntheticStore(`${dir}/a/tokens.zarr`, documents, { chunkTokens: 1024 });
    for (let round = 0; round < 100; round++) {
      const writer = await writeSyntheticStore(`${dir}/b/tokens.zarr`, documents, {
        chunkTokens: 1024,
        stopAfterCommits: 7,
      });
      if (writer.attributes.complete) break;
    }
    const [a, b] = [await openStore(`${dir}/a`), await openStore(`${dir}/b`)];
    for (const split of SPLITS) {
      assertEquals(await readAllTokens(b, split), await readAllTokens(a, split));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("store writer: a missing chunk or a foreign directory is refused, naming the path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const documents = syntheticDocuments(400, 2);
    await writeSyntheticStore(`${dir}/tokens.zarr`, documents, {
      chunkTokens: 1024,
      stopAfterCommits: 3,
    });
    await Deno.remove(`${dir}/tokens.zarr/train/tokens/c/0`);
    await assertRejects(
      () => StoreWriter.open(`${dir}/tokens.zarr`),
      UserError,
      "train/tokens/c/0",
    );
    await Deno.mkdir(`${dir}/other`);
    await Deno.writeTextFile(
      `${dir}/other/zarr.json`,
      '{"zarr_format":3,"node_type":"group","attributes":{}}',
    );
    await assertRejects(() => StoreWriter.open(`${dir}/other`), UserError, "not a token store");
    await Deno.writeTextFile(`${dir}/other/zarr.json`, "{oops");
    await assertRejects(() => StoreWriter.open(`${dir}/other`), UserError, "not valid JSON");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("store writer: a read-only directory is a UserError naming the file, earlier chunks intact", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const documents = syntheticDocuments(400, 9);
    const path = `${dir}/tokens.zarr`;
    await writeSyntheticStore(path, documents, { chunkTokens: 1024, stopAfterCommits: 2 });
    const before = await Deno.readFile(`${path}/train/tokens/c/0`);
    const undo = await makeReadOnly(`${path}/train/tokens/c`);
    if (!undo) return;
    try {
      const error = await assertRejects(
        () => writeSyntheticStore(path, documents, { chunkTokens: 1024 }),
        UserError,
      );
      assert(/^cannot write .*train\/tokens\/c\/\d+: /.test(error.message), error.message);
    } finally {
      await undo();
    }
    assertEquals(await Deno.readFile(`${path}/train/tokens/c/0`), before);
    // Once the directory is writable again, the same run finishes the store.
    await writeSyntheticStore(path, documents, { chunkTokens: 1024 });
    const expected = expectedSplits(documents, 999, 0.1);
    assertEquals(await readAllTokens(await openStore(dir), "train"), expected.train.tokens);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
