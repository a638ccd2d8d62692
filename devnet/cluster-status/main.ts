// `arkube status`: wiring only. Arguments -> kubeconfig target -> the four CR lists -> summarize ->
// table or JSON, and the exit status scripts branch on. Everything it prints on failure is one line.
import { parseStatusArgs, statusUsage, type StatusOptions } from "./args.ts";
import { ClusterStatusError, UsageError } from "./errors.ts";
import { formatJson, formatTable, type StatusTarget } from "./format.ts";
import { summarize } from "./health.ts";
import { loadKubeTarget, processEnvironment, type KubeconfigEnvironment } from "./kubeconfig.ts";
import { listClusterObjects } from "./list.ts";

export const statusExitCodes = {
  healthy: 0,
  /** Read fine, and something is unhealthy: a Failed Partition, Ready=False, an AOProcess nobody serves. */
  unhealthy: 1,
  usage: 2,
  /** The cluster could not be read: kubeconfig, unreachable server, CRDs not installed, API error. */
  unreadable: 3,
} as const;

export interface StatusIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: KubeconfigEnvironment;
  now(): Date;
}

export function processIo(): StatusIo {
  return {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    env: processEnvironment(),
    now: () => new Date(),
  };
}

export async function statusMain(argv: readonly string[], io: StatusIo = processIo()): Promise<number> {
  let opts: StatusOptions;
  try {
    opts = parseStatusArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`arkube status: ${err.message}\n${statusUsage}`);
    return statusExitCodes.usage;
  }
  if (opts.help) {
    io.stdout(statusUsage);
    return statusExitCodes.healthy;
  }
  try {
    const kube = loadKubeTarget(opts, io.env);
    const objects = await listClusterObjects(kube, opts.requestTimeoutMs);
    const health = summarize(objects, io.now());
    const target: StatusTarget = { context: kube.context, server: kube.server, namespace: kube.namespace };
    io.stdout(opts.output === "json" ? formatJson(target, health) : formatTable(target, health).join("\n"));
    return health.healthy ? statusExitCodes.healthy : statusExitCodes.unhealthy;
  } catch (err) {
    if (!(err instanceof ClusterStatusError)) throw err;
    io.stderr(`arkube status: ${err.message}`);
    // Scripts reading stdout as JSON still get a document, with the same verdict as the exit status.
    if (opts.output === "json") io.stdout(JSON.stringify({ healthy: false, error: { code: err.code, message: err.message } }, null, 2));
    return statusExitCodes.unreadable;
  }
}
