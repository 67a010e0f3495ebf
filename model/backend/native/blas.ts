/**
 * The platform's BLAS through `Deno.dlopen`: single-precision GEMM (`cblas_sgemm`) on plain
 * `Float32Array`s, row-major, with the transposes folded into the call.
 *
 * Where the library is searched, in order (the first that loads and has `cblas_sgemm` wins):
 * 1. the path in `MICROGPT_BLAS` (a file; the task must be allowed FFI on it);
 * 2. Linux: OpenBLAS as Debian/Ubuntu, Fedora and a source build install it
 *    (`libopenblas.so.0` under /usr/lib/<arch>-linux-gnu, /usr/lib64, /usr/lib, /usr/local/lib,
 *    /opt/OpenBLAS/lib);
 * 3. macOS: Apple's Accelerate framework (the same `cblas_sgemm`), then Homebrew's OpenBLAS.
 *
 * @module
 */

/** One of the BLAS libraries this toolkit can drive. */
export interface Blas {
  /** The file it was loaded from. */
  readonly path: string;
  /** A short description: library and kernel, e.g. "OpenBLAS 0.3.21 Haswell". */
  readonly description: string;
  /**
   * C = alpha · op(A) · op(B) + beta · C, row-major; op(A) is M×K, op(B) is K×N, C is M×N.
   * `lda`, `ldb`, `ldc` are the row strides of A, B, C as stored. Offsets are in elements.
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    aOffset: number,
    lda: number,
    b: Float32Array,
    bOffset: number,
    ldb: number,
    beta: number,
    c: Float32Array,
    cOffset: number,
    ldc: number,
  ): void;
  /** The threads BLAS runs a call on (1 where the library cannot say). */
  threads(): number;
  /** Asks the library to use `count` threads (a no-op where it has no such knob). */
  setThreads(count: number): void;
}

/** The environment variable that names a BLAS library file, searched first. */
export const BLAS_ENV = "MICROGPT_BLAS";

/** What `apt-get` installs for the fast path (printed once when no BLAS is found). */
export const BLAS_HINT = "apt-get install -y libopenblas0-pthread";

/** The library files searched on an operating system and processor, in order (after `MICROGPT_BLAS`). */
export function blasCandidates(
  os: typeof Deno.build.os = Deno.build.os,
  arch: typeof Deno.build.arch = Deno.build.arch,
): string[] {
  if (os === "darwin") {
    return [
      "/System/Library/Frameworks/Accelerate.framework/Accelerate",
      "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
      "/usr/local/opt/openblas/lib/libopenblas.dylib",
    ];
  }
  if (os === "linux") {
    return [
      `/usr/lib/${arch}-linux-gnu/libopenblas.so.0`,
      "/usr/lib64/libopenblas.so.0",
      "/usr/lib/libopenblas.so.0",
      "/usr/local/lib/libopenblas.so.0",
      "/opt/OpenBLAS/lib/libopenblas.so.0",
    ];
  }
  return [];
}

/** The result of a search: a loaded library, or why each candidate failed. */
export type BlasSearch =
  | { blas: Blas; tried: string[] }
  | { blas: null; tried: string[]; failures: string[] };

const SGEMM = {
  parameters: [
    "i32", // order
    "i32", // transA
    "i32", // transB
    "i32", // M
    "i32", // N
    "i32", // K
    "f32", // alpha
    "buffer", // A
    "i32", // lda
    "buffer", // B
    "i32", // ldb
    "f32", // beta
    "buffer", // C
    "i32", // ldc
  ],
  result: "void",
} as const;

const ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

/**
 * Finds and loads the BLAS library (see the module comment for the order). A candidate that is
 * missing is skipped silently; one that exists but fails to load, lacks `cblas_sgemm` or may not be
 * opened (no `--allow-ffi` for it) is recorded in `failures` with the reason.
 */
export function findBlas(): BlasSearch {
  const override = Deno.env.get(BLAS_ENV);
  const candidates = override ? [override] : blasCandidates();
  const tried: string[] = [];
  const failures: string[] = [];
  for (const path of candidates) {
    tried.push(path);
    if (!override && !exists(path)) continue;
    try {
      return { blas: openBlas(path), tried };
    } catch (error) {
      failures.push(`${path}: ${firstLine(error)}`);
    }
  }
  return { blas: null, tried, failures };
}

/** Loads `path` as a BLAS library; throws when it cannot be opened or lacks `cblas_sgemm`. */
export function openBlas(path: string): Blas {
  // OpenBLAS's thread knobs and config strings are optional: Accelerate and other BLAS lack them.
  const library = Deno.dlopen(path, {
    cblas_sgemm: SGEMM,
    openblas_get_num_threads: { parameters: [], result: "i32", optional: true },
    openblas_set_num_threads: { parameters: ["i32"], result: "void", optional: true },
    openblas_get_config: { parameters: [], result: "pointer", optional: true },
    openblas_get_corename: { parameters: [], result: "pointer", optional: true },
  });
  const symbols = library.symbols;
  const sgemmCall = symbols.cblas_sgemm;
  // Offsets become subarray views: a view costs tens of nanoseconds against a call of microseconds.
  const at = (array: Float32Array, offset: number) => offset ? array.subarray(offset) : array;
  return {
    path,
    description: describe(path, symbols.openblas_get_config, symbols.openblas_get_corename),
    sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc) {
      sgemmCall(
        ROW_MAJOR,
        transA ? TRANS : NO_TRANS,
        transB ? TRANS : NO_TRANS,
        m,
        n,
        k,
        alpha,
        at(a, aOffset),
        lda,
        at(b, bOffset),
        ldb,
        beta,
        at(c, cOffset),
        ldc,
      );
    },
    threads: () => symbols.openblas_get_num_threads?.() ?? 1,
    setThreads: (count) => symbols.openblas_set_num_threads?.(count),
  };
}

function describe(
  path: string,
  config: (() => Deno.PointerValue) | null,
  core: (() => Deno.PointerValue) | null,
): string {
  if (!config || !core) return path.includes("Accelerate") ? "Accelerate" : path;
  try {
    const text = (pointer: Deno.PointerValue) =>
      pointer ? new Deno.UnsafePointerView(pointer).getCString() : "";
    const version = text(config()).match(/OpenBLAS\s+([\d.]+)/)?.[1];
    return `OpenBLAS${version ? ` ${version}` : ""} ${text(core())}`.trim();
  } catch {
    // Reading a C string needs FFI permission beyond the library's path (`--allow-ffi` unscoped);
    // the file the path resolves to names the version (Debian: libopenblasp-r0.3.21.so).
    const version = realName(path).match(/r(\d+\.\d+\.\d+)/)?.[1];
    return `OpenBLAS${version ? ` ${version}` : ""}`;
  }
}

function realName(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return path;
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}
