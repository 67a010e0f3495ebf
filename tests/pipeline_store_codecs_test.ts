import { assert, assertEquals, assertThrows } from "./assert.ts";
import { crc32c } from "../pipeline/store/_codecs/crc32c.ts";
import {
  decodeInnerChunk,
  decodeShardIndex,
  encodeShard,
  shardIndexBytes,
} from "../pipeline/store/_codecs/sharding.ts";
import { innerChunkTokens, tokensSharding } from "../pipeline/store/_layout.ts";
import { seededRandom } from "./pipeline_store_fixtures.ts";

Deno.test("crc32c: the check value and the RFC 3720 (B.4) test vectors", () => {
  assertEquals(crc32c(new TextEncoder().encode("123456789")), 0xe3069283);
  assertEquals(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assertEquals(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assertEquals(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
});

Deno.test("shard codec: inner chunks round-trip, the last one padded, the ones past the data empty", () => {
  const random = seededRandom(1);
  const values = Uint16Array.from({ length: 5000 }, () => Math.floor(random() * 8000));
  const sharding = tokensSharding(1024);
  const shard = encodeShard(values, 8192, sharding);
  const index = decodeShardIndex(
    shard.subarray(shard.length - shardIndexBytes(8, sharding)),
    sharding,
  );
  assertEquals(Array.from(index.offsets.slice(5)), [-1, -1, -1]);
  const decoded: number[] = [];
  for (let inner = 0; inner < 5; inner++) {
    const frame = shard.subarray(index.offsets[inner], index.offsets[inner] + index.lengths[inner]);
    const chunk = decodeInnerChunk(frame, sharding, "uint16");
    assertEquals(chunk.length, 1024);
    decoded.push(...chunk);
  }
  assertEquals(decoded.slice(0, 5000), Array.from(values));
  assertEquals(decoded.slice(5000), new Array(120).fill(0));
  assert(shard.length < 5000 * 2, "token ids below 8000 compress");
});

Deno.test("shard codec: a corrupted index is detected by its checksum", () => {
  const sharding = tokensSharding(2);
  const shard = encodeShard(new Uint32Array([1, 2, 3, 4]), 4, sharding);
  const index = shard.slice(shard.length - shardIndexBytes(2, sharding));
  decodeShardIndex(index, sharding);
  index[3] ^= 1;
  assertThrows(() => decodeShardIndex(index, sharding), Error, "checksum");
});

Deno.test("innerChunkTokens: the largest divisor up to 8192, or 0 below 1024", () => {
  assertEquals(innerChunkTokens(1_048_576), 8192);
  assertEquals(innerChunkTokens(1_000_000), 8000);
  assertEquals(innerChunkTokens(4096), 4096);
  assertEquals(innerChunkTokens(100), 100);
  assertEquals(innerChunkTokens(2 * 10_007), 0); // 2 x a prime: no divisor in [1024, 8192]
});
