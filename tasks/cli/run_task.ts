import { UserError } from "../../core/user_error.ts";

/**
 * Runs a task's main function: a `UserError` becomes one line on stderr and exit code 1;
 * anything else is a bug in the toolkit and keeps its stack trace.
 */
export async function runTask(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof UserError) {
      console.error(`error: ${error.message}`);
      Deno.exit(1);
    }
    throw error;
  }
}
