/** Prints the state of each permission this process holds (spawned by task_permissions_test.ts). */
const names = ["read", "write", "env", "sys", "net", "run", "ffi"] as const;
const states = Object.fromEntries(
  names.map((name) => [name, Deno.permissions.querySync({ name }).state]),
);
console.log(JSON.stringify(states));
