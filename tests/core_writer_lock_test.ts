/** `lockFolder` in one process: two opens of one lock file conflict as two processes' do (flock). */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "./assert.ts";
import { lockFolder, UserError, WRITER_LOCK_FILE } from "../core/mod.ts";

const work = await Deno.makeTempDir({ prefix: "writer_lock_" });

Deno.test("a second writer is refused in one line naming the folder and the holder's pid", async () => {
  const folder = `${work}/busy`;
  const lock = await lockFolder(folder);
  assertEquals(await Deno.readTextFile(`${folder}/${WRITER_LOCK_FILE}`), `${Deno.pid}\n`);
  const error = await assertRejects(() => lockFolder(folder), UserError);
  assertStringIncludes(error.message, `${folder} is being written by another process`);
  assertStringIncludes(error.message, `pid ${Deno.pid}`);
  assert(!error.message.includes("\n"), "one line");
  // The refused attempt left the holder's pid in place.
  assertEquals(await Deno.readTextFile(`${folder}/${WRITER_LOCK_FILE}`), `${Deno.pid}\n`);
  lock.release();
  lock.release(); // twice is harmless
  (await lockFolder(folder)).release();
});

Deno.test("a lock file without a live kernel lock (its writer died) is simply taken", async () => {
  const folder = `${work}/stale`;
  await Deno.mkdir(folder);
  await Deno.writeTextFile(`${folder}/${WRITER_LOCK_FILE}`, "999999999\n");
  const lock = await lockFolder(folder);
  assertEquals(await Deno.readTextFile(`${folder}/${WRITER_LOCK_FILE}`), `${Deno.pid}\n`);
  lock.release();
});

Deno.test("a using block releases the lock on the way out, thrown or not", async () => {
  const folder = `${work}/scoped`;
  const fail = async () => {
    using _lock = await lockFolder(folder);
    throw new Error("boom");
  };
  await assertRejects(fail, Error, "boom");
  using _again = await lockFolder(folder);
});

Deno.test("create: false locks nothing and creates nothing where there is no folder", async () => {
  assertEquals(await lockFolder(`${work}/missing`, { create: false }), null);
  assertEquals(await Deno.stat(`${work}/missing`).then(() => true, () => false), false);
  await Deno.writeTextFile(`${work}/a-file`, "x");
  assertEquals(await lockFolder(`${work}/a-file`, { create: false }), null);
  await assertRejects(() => lockFolder(`${work}/a-file`), UserError, "is not a directory");
});

Deno.test("a folder that cannot be created is a UserError naming it", async () => {
  await assertRejects(() => lockFolder(`${work}/a-file/below`), UserError, `${work}/a-file/below`);
});

Deno.test({ name: "writer lock: clean up", fn: () => Deno.remove(work, { recursive: true }) });
