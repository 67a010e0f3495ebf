import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  type SafetensorsTensor,
  writeSafetensors,
} from "../model/run/safetensors.ts";
import { UserError } from "../core/user_error.ts";
import { assertEquals, assertRejects, assertThrows } from "./assert.ts";

const encoder = new TextEncoder();

/** A file built byte by byte from the format's description, with no help from the code under test. */
function handMade(header: string, data: number[]): Uint8Array {
  const json = encoder.encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true); // the high 4 bytes stay 0
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

Deno.test("reads a file laid out by hand: u64 LE header length, JSON header, LE data", () => {
  // F32 1.0 = 00 00 80 3f, F32 -2.0 = 00 00 00 c0, I32 7 = 07 00 00 00.
  const file = handMade(
    '{"b":{"dtype":"I32","shape":[1],"data_offsets":[8,12]},' +
      '"a":{"dtype":"F32","shape":[2,1],"data_offsets":[0,8]},"__metadata__":{"format":"pt"}}',
    [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 7, 0, 0, 0],
  );
  const { tensors, metadata } = decodeSafetensors(file, "hand.safetensors");
  assertEquals(metadata, { format: "pt" });
  assertEquals([...tensors.keys()], ["a", "b"]); // in data order
  assertEquals(tensors.get("a")!.shape, [2, 1]);
  assertEquals([...tensors.get("a")!.data as Float32Array], [1, -2]);
  assertEquals(tensors.get("b")!.dtype, "I32");
  assertEquals([...tensors.get("b")!.data as Int32Array], [7]);
});

Deno.test("writes the bytes the format prescribes, header padded with spaces to 8", () => {
  const bytes = encodeSafetensors(
    new Map([["w", { dtype: "F32", shape: [2], data: new Float32Array([1, -2]) }]]),
  );
  const header = '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'; // 54 bytes -> padded to 56
  const padded = header + "  ";
  assertEquals(bytes.length, 8 + 56 + 8);
  assertEquals([...bytes.subarray(0, 8)], [56, 0, 0, 0, 0, 0, 0, 0]);
  assertEquals(new TextDecoder().decode(bytes.subarray(8, 64)), padded);
  assertEquals([...bytes.subarray(64)], [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
});

Deno.test("round trip of every dtype, empty tensors, odd offsets and metadata", () => {
  const tensors = new Map<string, SafetensorsTensor>([
    ["bytes", { dtype: "U8", shape: [3], data: new Uint8Array([1, 2, 255]) }], // leaves later data unaligned
    ["f32", { dtype: "F32", shape: [2, 3], data: new Float32Array([0.1, -1, 3e38, -0, 1e-40, 7]) }],
    ["f64", { dtype: "F64", shape: [1], data: new Float64Array([Math.PI]) }],
    ["i32", { dtype: "I32", shape: [2], data: new Int32Array([-5, 2 ** 31 - 1]) }],
    ["i64", { dtype: "I64", shape: [1], data: new BigInt64Array([-(2n ** 62n)]) }],
    ["empty", { dtype: "F32", shape: [0, 4], data: new Float32Array(0) }],
  ]);
  const metadata = { step: "12", "é": "ü" };
  const { tensors: back, metadata: meta } = decodeSafetensors(
    encodeSafetensors(tensors, metadata),
    "x",
  );
  assertEquals(meta, metadata);
  assertEquals(back, tensors);
});

Deno.test("corrupt files are UserErrors that name the file and the fault", () => {
  const good = encodeSafetensors(
    new Map([["w", { dtype: "F32", shape: [2], data: new Float32Array([1, 2]) }]]),
  );
  const cases: [Uint8Array, string][] = [
    [good.subarray(0, 5), "shorter than the 8-byte"],
    [good.subarray(0, good.length - 1), "cover 8 data bytes but the file holds 7"],
    [new Uint8Array([...good, 0]), "cover 8 data bytes but the file holds 9"],
    [handMade('{"w":', []), "header is not JSON"],
    [handMade("[1,2]", []), "not a JSON object"],
    [handMade('{"w":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}', [0, 0, 0, 0]), "dtype"],
    [handMade('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', [0, 0, 0, 0]), "needs 8"],
    [handMade('{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', [0, 0, 0, 0]), "shape"],
    [
      handMade(
        '{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}',
        [1, 2, 3],
      ),
      "starts at 1, expected 2",
    ],
  ];
  const huge = new Uint8Array(good);
  new DataView(huge.buffer).setBigUint64(0, 2n ** 60n, true);
  cases.push([huge, "exceeds"]);
  for (const [bytes, fault] of cases) {
    const error = assertThrows(() => decodeSafetensors(bytes, "run/params.safetensors"), UserError);
    assertEquals(error.message.startsWith("run/params.safetensors: "), true, error.message);
    assertEquals(error.message.includes(fault), true, `${error.message} should say ${fault}`);
  }
});

Deno.test("writeSafetensors is atomic and readSafetensors names a missing file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/p.safetensors`;
    const tensors = new Map<string, SafetensorsTensor>([
      ["w", { dtype: "F32", shape: [2], data: new Float32Array([3, 4]) }],
    ]);
    await writeSafetensors(path, tensors, { a: "b" });
    assertEquals((await readSafetensors(path)).tensors, tensors);
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["p.safetensors"]); // no temp left
    await assertRejects(() => readSafetensors(`${dir}/missing.safetensors`), UserError, "missing");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
