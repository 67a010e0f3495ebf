/**
 * The playground's HTTP server: 127.0.0.1 only, GET and HEAD only, and a fixed table of URL paths,
 * each naming one file it may send: the page, its bundle, the wasm backend's binaries, and the
 * run's tokenizer, parameters and metrics. Any other path is a 404; one that tries to climb out
 * (`..`, an absolute file path) is a 400.
 *
 * @module
 */
import { UserError } from "../core/user_error.ts";
import { readMetrics } from "../model/run/metrics.ts";
import { requestPath } from "./_request_path.ts";
import type { PlaygroundRun } from "./run_files.ts";

/** Where `deno task playground:bundle` writes the page's script (see docs/playground.md). */
export const BUNDLE_FILE: URL = new URL("./dist/playground.js", import.meta.url);

const PAGE_FOLDER = new URL("./page/", import.meta.url);
// The binaries tfjs-backend-wasm fetches (setWasmPaths("/wasm/")): without SIMD, with, threaded.
const WASM_FILES = [
  "tfjs-backend-wasm.wasm",
  "tfjs-backend-wasm-simd.wasm",
  "tfjs-backend-wasm-threaded-simd.wasm",
];

/** A running playground server. */
export interface PlaygroundServer {
  /** The page's address, `http://127.0.0.1:PORT/`. */
  url: string;
  /** The port it listens on (the one asked for, or the one the system chose for 0). */
  port: number;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
  /** Stops accepting requests and waits for those in flight. */
  shutdown(): Promise<void>;
}

type Route = () => Promise<Response>;

/**
 * Serves the page for `run` on 127.0.0.1:`port` (0 = any free port). A port in use is a
 * `UserError` naming it.
 *
 * @example
 * ```ts ignore
 * import { openPlaygroundRun, servePlayground } from "./mod.ts";
 * const server = servePlayground(await openPlaygroundRun("runs/NAME"), 8000);
 * console.log(server.url); // http://127.0.0.1:8000/
 * await server.shutdown();
 * ```
 */
export function servePlayground(run: PlaygroundRun, port = 8000): PlaygroundServer {
  const routes = playgroundRoutes(run);
  const handler = async (request: Request): Promise<Response> => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return text(405, `${request.method}: the playground only answers GET and HEAD`);
    }
    const target = requestPath(request.url);
    if ("refused" in target) return text(400, `refused: ${target.refused}`);
    const route = routes.get(target.path === "/" ? "/index.html" : target.path);
    if (!route) return text(404, `${target.path}: not a playground file`);
    const response = await route();
    return request.method === "HEAD" ? new Response(null, response) : response;
  };
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, handler);
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new UserError(`--port ${port}: 127.0.0.1:${port} is in use; choose another --port`);
    }
    throw error;
  }
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    port: server.addr.port,
    finished: server.finished,
    shutdown: () => server.shutdown(),
  };
}

function playgroundRoutes(run: PlaygroundRun): Map<string, Route> {
  const routes = new Map<string, Route>([
    ["/index.html", () => file(new URL("index.html", PAGE_FOLDER), "text/html; charset=utf-8")],
    ["/style.css", () => file(new URL("style.css", PAGE_FOLDER), "text/css; charset=utf-8")],
    ["/playground.js", () => file(BUNDLE_FILE, "text/javascript; charset=utf-8")],
    ["/run/summary.json", () => Promise.resolve(json(200, runSummary(run)))],
    ["/run/tokenizer.json", () => file(run.tokenizerFile, "application/json")],
    ["/run/params.safetensors", () => file(run.paramsFile, "application/octet-stream")],
    ["/run/metrics.json", async () => {
      // Read at every request, so a run still training shows its newest steps.
      try {
        return json(200, await readMetrics(run.metricsFile));
      } catch (error) {
        if (error instanceof UserError) return json(500, { error: error.message });
        throw error;
      }
    }],
  ]);
  const wasmFolder = new URL(".", import.meta.resolve("@tensorflow/tfjs-backend-wasm"));
  for (const name of WASM_FILES) {
    routes.set(`/wasm/${name}`, () => file(new URL(name, wasmFolder), "application/wasm"));
  }
  return routes;
}

/** What the page needs to build the model before it fetches the parameters. */
function runSummary(run: PlaygroundRun) {
  const { info } = run;
  return {
    run: run.runDir,
    checkpoint: run.checkpoint,
    step: info.step,
    tokens_seen: info.tokens_seen,
    config: info.config,
    parameter_count: run.parameterCount,
    params_url: "/run/params.safetensors",
    tokenizer_url: "/run/tokenizer.json",
    metrics_url: "/run/metrics.json",
  };
}

async function file(path: string | URL, type: string): Promise<Response> {
  try {
    return new Response(await Deno.readFile(path), {
      headers: { "content-type": type, "cache-control": "no-store" },
    });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    const hint = path === BUNDLE_FILE ? ": build it with deno task playground:bundle" : "";
    return text(404, `${path instanceof URL ? path.pathname : path}: missing${hint}`);
  }
}

function text(status: number, message: string): Response {
  return new Response(message + "\n", {
    status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}
