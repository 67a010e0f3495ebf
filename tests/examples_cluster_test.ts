/**
 * The cluster examples (docs/cluster.md) are what they claim: the Kubernetes manifest is one valid
 * YAML document describing an Indexed Job whose pod I runs `deno task tokenize --shard I/N` (N the
 * Job's `completions`) into its own store on a mounted PersistentVolumeClaim; the Slurm script
 * passes `bash -n`, its array is 0..N-1 for the N it passes to `--shard`, and run as array task I
 * (with a stand-in `deno` that records its arguments) it calls `deno task tokenize --shard I/N`
 * with the paths unexpanded, and refuses an index past N.
 */
import { parseAllDocuments } from "yaml";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./assert.ts";

const JOB_FILE = fileURLToPath(
  new URL("../examples/kubernetes/tokenize-indexed-job.yaml", import.meta.url),
);
const SLURM_FILE = fileURLToPath(new URL("../examples/slurm/tokenize-array.sh", import.meta.url));
const INDEX = "$(JOB_COMPLETION_INDEX)";

/** The part of a Job manifest these tests read. */
interface Job {
  apiVersion: string;
  kind: string;
  spec: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    backoffLimitPerIndex?: number;
    podReplacementPolicy?: string;
    template: {
      spec: {
        restartPolicy?: string;
        containers: {
          command?: string[];
          args?: string[];
          resources?: { requests?: Record<string, string> };
          volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
        }[];
        volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
      };
    };
  };
}

async function readJob(): Promise<Job> {
  const documents = parseAllDocuments(await Deno.readTextFile(JOB_FILE));
  assert(Array.isArray(documents), "the manifest holds no YAML document");
  assertEquals(documents.length, 1, "the manifest holds exactly one YAML document");
  const [document] = documents;
  assertEquals(document.errors.map(String), [], "YAML errors");
  assertEquals(document.warnings.map(String), [], "YAML warnings");
  return document.toJS() as Job;
}

/** The value after `flag`, which must occur exactly once and have one. */
function flagValue(argv: string[], flag: string): string {
  const at = argv.indexOf(flag);
  assert(at >= 0 && at + 1 < argv.length, `${flag} is missing or has no value in ${argv}`);
  assertEquals(argv.indexOf(flag, at + 1), -1, `${flag} is given twice`);
  return argv[at + 1];
}

/** The full argument vector of the Job's one container: `command` then `args`. */
function containerArgv(job: Job): string[] {
  const containers = job.spec.template.spec.containers;
  assertEquals(containers.length, 1, "one container per pod");
  return [...(containers[0].command ?? []), ...(containers[0].args ?? [])];
}

Deno.test("the Kubernetes example is one valid YAML document: a batch/v1 Job in Indexed mode", async () => {
  const job = await readJob();
  assertEquals(job.apiVersion, "batch/v1");
  assertEquals(job.kind, "Job");
  assertEquals(job.spec.completionMode, "Indexed");
  const { completions, parallelism } = job.spec;
  assert(Number.isInteger(completions) && completions! >= 1, `completions: ${completions}`);
  assert(
    Number.isInteger(parallelism) && parallelism! >= 1 && parallelism! <= completions!,
    `parallelism ${parallelism} is not in 1..completions (${completions})`,
  );
  // A killed pod is replaced by a new pod of the same index (so its shard resumes), counted per
  // index; Kubernetes accepts backoffLimitPerIndex only with restartPolicy Never.
  assert(job.spec.backoffLimitPerIndex! >= 1, "backoffLimitPerIndex retries each index");
  assertEquals(job.spec.template.spec.restartPolicy, "Never");
  assertEquals(job.spec.podReplacementPolicy, "Failed", "never two pods of one index at once");
});

Deno.test("each pod runs deno task tokenize --shard $(JOB_COMPLETION_INDEX)/N with N = completions", async () => {
  const job = await readJob();
  const argv = containerArgv(job);
  assertEquals(argv.slice(0, 3), ["deno", "task", "tokenize"]);
  const shards = job.spec.completions!;
  assertEquals(flagValue(argv, "--shard"), `${INDEX}/${shards}`);
  assertMatch(flagValue(argv, "--tokenizer"), /\/tokenizer\.json$/);
  flagValue(argv, "--input");
  assertStringIncludes(flagValue(argv, "--out"), INDEX, "each index writes its own store");
  // The exec form runs no shell: a $VAR or ${VAR} would reach tokenize unexpanded. Only
  // Kubernetes' own $(VAR) is expanded.
  for (const arg of argv) {
    assert(!/\$(?!\()/.test(arg), `'${arg}' holds a shell variable, which no shell expands here`);
  }
  // The Workers match the CPUs requested (Deno would otherwise count the node's cores).
  const requests = job.spec.template.spec.containers[0].resources?.requests ?? {};
  assertEquals(requests.cpu, "2");
  assertEquals(flagValue(argv, "--workers"), requests.cpu);

  // Expanded for every index, the pods cover shards 0..N-1 once each, into distinct stores.
  const expanded = Array.from(
    { length: shards },
    (_, index) => argv.map((arg) => arg.replaceAll(INDEX, String(index))),
  );
  assertEquals(
    expanded.map((one) => flagValue(one, "--shard")),
    Array.from({ length: shards }, (_, index) => `${index}/${shards}`),
  );
  assertEquals(new Set(expanded.map((one) => flagValue(one, "--out"))).size, shards);
});

Deno.test("the pods read and write on a mounted PersistentVolumeClaim", async () => {
  const job = await readJob();
  const argv = containerArgv(job);
  const pod = job.spec.template.spec;
  const mounts = pod.containers[0].volumeMounts ?? [];
  const mountOf = (path: string) => {
    const mount = mounts.find(({ mountPath }) =>
      path === mountPath || path.startsWith(`${mountPath.replace(/\/$/, "")}/`)
    );
    assert(mount, `${path} is on no volume mount (${mounts.map((m) => m.mountPath)})`);
    const volume = pod.volumes?.find(({ name }) => name === mount.name);
    assert(volume, `the mount of ${path} names volume '${mount.name}', which is not defined`);
    assert(volume.persistentVolumeClaim?.claimName, `volume '${volume.name}' is not a claim`);
    return mount;
  };
  assert(!mountOf(flagValue(argv, "--out")).readOnly, "--out is on a read-only mount");
  mountOf(flagValue(argv, "--tokenizer"));
  mountOf(flagValue(argv, "--input"));
});

Deno.test("the Slurm example passes bash -n", async () => {
  const { code, stderr } = await new Deno.Command("bash", {
    args: ["-n", SLURM_FILE],
    stderr: "piped",
  })
    .output();
  assertEquals(new TextDecoder().decode(stderr), "");
  assertEquals(code, 0);
});

/** The script's #SBATCH options (sbatch reads them only before the first command) and its N. */
async function readSlurmScript() {
  const lines = (await Deno.readTextFile(SLURM_FILE)).split("\n");
  assertEquals(lines[0], "#!/usr/bin/env bash");
  const firstCommand = lines.findIndex((line, at) =>
    at > 0 && line.trim() !== "" && !line.startsWith("#")
  );
  const options = new Map<string, string>();
  lines.forEach((line, at) => {
    const option = line.match(/^#SBATCH\s+--([a-z-]+)(?:=(\S+))?/);
    if (!option) return;
    assert(at < firstCommand, `line ${at + 1}: sbatch ignores #SBATCH after the first command`);
    options.set(option[1], option[2] ?? "");
  });
  const shards = lines.map((line) => line.match(/^SHARDS="\$\{SHARDS:-(\d+)\}"$/)).find(Boolean);
  assert(shards, 'the script sets SHARDS="${SHARDS:-N}"');
  return { options, shards: Number(shards[1]) };
}

Deno.test("the Slurm array is 0..N-1 for the N the script passes to --shard", async () => {
  const { options, shards } = await readSlurmScript();
  const array = options.get("array")?.match(/^0-(\d+)$/);
  assert(array, `--array=${options.get("array")} is not 0-(N-1)`);
  assertEquals(Number(array[1]), shards - 1);
  assert(Number(options.get("cpus-per-task")) >= 1, "--cpus-per-task is set");
  assert(options.has("requeue"), "a failed node's task is requeued and resumes");
});

/** Runs the script as array task `index` with a stand-in `deno` that records its arguments. */
async function runArrayTask(index: number, cpus: string) {
  const root = await Deno.makeTempDir();
  const bin = join(root, "bin"), toolkit = join(root, "toolkit"), data = join(root, "data");
  await Deno.mkdir(bin);
  await Deno.mkdir(toolkit);
  // A file the input glob matches: an unquoted glob would be expanded by bash and caught below.
  await Deno.mkdir(join(data, "owt", "subset"), { recursive: true });
  await Deno.writeTextFile(join(data, "owt", "subset", "part.xz"), "");
  const record = join(root, "argv");
  await Deno.writeTextFile(
    join(bin, "deno"),
    `#!/usr/bin/env bash\npwd > "${record}"\nprintf '%s\\n' "$@" >> "${record}"\n`,
    { mode: 0o755 },
  );
  const { code, stderr } = await new Deno.Command("bash", {
    args: [SLURM_FILE],
    clearEnv: true,
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      HOME: root,
      TOOLKIT: toolkit,
      DATA: data,
      SLURM_ARRAY_TASK_ID: String(index),
      SLURM_CPUS_PER_TASK: cpus,
    },
    cwd: root,
    stderr: "piped",
  }).output();
  const recorded = await Deno.readTextFile(record).catch(() => null);
  await Deno.remove(root, { recursive: true });
  return {
    code,
    stderr: new TextDecoder().decode(stderr),
    cwd: recorded?.split("\n")[0],
    argv: recorded?.split("\n").slice(1, -1),
    toolkit,
    data,
  };
}

Deno.test("Slurm array task I runs deno task tokenize --shard I/N into its own store; I >= N is refused", async () => {
  const { options, shards } = await readSlurmScript();
  const cpus = options.get("cpus-per-task")!;
  for (const index of [0, shards - 1]) {
    const run = await runArrayTask(index, cpus);
    assertEquals(run.stderr, "");
    assertEquals(run.code, 0);
    assertEquals(run.cwd, run.toolkit, "deno task runs in the toolkit's folder");
    assertEquals(run.argv, [
      "task",
      "tokenize",
      "--shard",
      `${index}/${shards}`,
      "--tokenizer",
      `${run.data}/tokenizer/tokenizer.json`,
      "--input",
      `${run.data}/owt/**/*.xz`,
      "--out",
      `${run.data}/owt-tokens/shard-${index}`,
      "--workers",
      cpus,
      "--json",
    ]);
  }
  const outside = await runArrayTask(shards, cpus);
  assertEquals(outside.code, 1);
  assertStringIncludes(outside.stderr, `task ${shards} is outside 0..${shards - 1}`);
  assertEquals(outside.argv, undefined, "deno is not run");
});
