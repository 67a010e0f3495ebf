/**
 * `deno task bench NAME [ARGS...]`: runs the benchmark `bench/NAME.ts`, which prints each figure next to an anchor
 * measured in the same run, and their ratio. With no NAME it lists the benchmarks.
 */
const names = ["sources", "tokenizer", "shards", "train", "generate", "sweep", "playground"];
const [name, ...args] = Deno.args;
if (!name || name === "--help" || !names.includes(name)) {
  console.log(`usage: deno task bench NAME [ARGS...]\n\nbenchmarks: ${names.join(", ")}`);
  Deno.exit(name && name !== "--help" ? 1 : 0);
}
const module = await import(`./${name}.ts`) as { run(args: string[]): Promise<void> };
await module.run(args);
