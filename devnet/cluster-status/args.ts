// Command line of `arkube status`, with kubectl's flag names so muscle memory works: --kubeconfig,
// --context, -n/--namespace, -A/--all-namespaces, -o/--output, --request-timeout. Pure.
import { parseArgs } from "node:util";
import { UsageError } from "./errors.ts";

export type OutputFormat = "table" | "json";

export interface StatusOptions {
  /** --kubeconfig; otherwise KUBECONFIG, then ~/.kube/config. */
  kubeconfig: string | undefined;
  context: string | undefined;
  /** -n; otherwise the context's namespace, then "default". Ignored with allNamespaces. */
  namespace: string | undefined;
  allNamespaces: boolean;
  output: OutputFormat;
  /** Bound on each API request, so an unreachable server fails the command instead of hanging it. */
  requestTimeoutMs: number;
  help: boolean;
}

export const requestTimeoutMsDefault = 20_000;

export const statusUsage = [
  "usage: arkube status [--kubeconfig FILE] [--context NAME] [-n NAMESPACE | -A] [-o table|json] [--request-timeout 20s]",
  "  Reads the Replica, Partition, HashChain and AOProcess objects of the cluster of the current kubeconfig",
  "  (KUBECONFIG, else ~/.kube/config) and prints their health.",
  "  exit status: 0 healthy (warnings allowed), 1 unhealthy (a Failed partition, Ready=False, an unassigned",
  "  AOProcess), 2 bad command line, 3 cluster not readable (kubeconfig, unreachable, CRDs not installed, API error)",
].join("\n");

const durationUnitsMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** kubectl's --request-timeout forms: "500ms", "20s", "1m", or a bare number of seconds. */
export function parseDurationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const value = m === null ? Number.NaN : Number(m[1]) * (durationUnitsMs[m[2] ?? "s"] ?? Number.NaN);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--request-timeout: "${text}" is not a positive duration (e.g. 500ms, 20s, 1m)`);
  return value;
}

function parseOutput(text: string | undefined): OutputFormat {
  if (text === undefined || text === "table") return "table";
  if (text === "json") return "json";
  throw new UsageError(`--output: "${text}" is not one of table, json`);
}

export function parseStatusArgs(argv: readonly string[]): StatusOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: false,
      options: {
        kubeconfig: { type: "string" },
        context: { type: "string" },
        namespace: { type: "string", short: "n" },
        "all-namespaces": { type: "boolean", short: "A" },
        output: { type: "string", short: "o" },
        "request-timeout": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (cause) {
    // parseArgs explains the flag in its message (unknown option, missing value, stray argument).
    throw new UsageError((cause as Error).message, { cause });
  }
  const v = parsed.values;
  if (v.namespace === "") throw new UsageError("--namespace: empty");
  return {
    kubeconfig: v.kubeconfig,
    context: v.context,
    namespace: v.namespace,
    allNamespaces: v["all-namespaces"] === true,
    output: parseOutput(v.output),
    requestTimeoutMs: v["request-timeout"] === undefined ? requestTimeoutMsDefault : parseDurationMs(v["request-timeout"]),
    help: v.help === true,
  };
}
