/**
 * The training loop on the native backend passes the scenarios every backend must: an exact
 * resume (interrupted at step 5, the same losses at steps 6–15) and no leak over 200 steps.
 */
import { initBackend } from "../model/backend/init.ts";
import { withoutBlas } from "./model_native_fixture.ts";
import { exactResume, noLeaks, withStore } from "./model_train_scenarios.ts";

Deno.test({
  name:
    "native: interrupted at step 5 and resumed, a run logs the unbroken run's losses at steps 6–15",
  ignore: withoutBlas,
  async fn() {
    await initBackend("native");
    await withStore(exactResume);
  },
});

Deno.test({
  name: "native: no tensor or buffer leak between step 10 and step 200 of a run",
  ignore: withoutBlas,
  async fn() {
    await initBackend("native");
    await withStore((store, dir) => noLeaks(store, dir, { memory: true }));
  },
});
