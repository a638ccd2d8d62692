// Command-line flags of operator/main.ts, parsed purely so they can be tested.
import { hostname } from "node:os";
import { cuPodSelectorDefault } from "./aoprocess/controller.ts";
import { FlagError } from "./errors.ts";

export interface OperatorFlags {
  /** Undefined: in-cluster config, else ~/.kube/config (client-node's loadFromDefault). */
  kubeconfig?: string;
  /** Namespace watched for arkube objects and inventory ConfigMaps, and holding the leader Lease. */
  namespace: string;
  leaderElect: boolean;
  leaseName: string;
  identity: string;
  cuPodSelector: string;
  /** Port of /metrics, /healthz and /readyz; 0 turns the server off. */
  metricsPort: number;
  /** NATS URL written into the vdf config of every HashChain; without it HashChains report NatsUrlMissing. */
  natsUrl?: string;
  /** A HashChain manifest applied when this replica starts leading (the chart's vdf.hashChain). */
  defaultHashChain?: string;
}

export const metricsPortDefault = 8080;

export const usage = `usage: node --import tsx operator/main.ts [--kubeconfig PATH] [--namespace NS]
  [--leader-elect=true|false] [--lease-name NAME] [--identity ID] [--cu-pod-selector SELECTOR]
  [--metrics-port PORT (default 8080, 0 = off)] [--nats-url URL] [--default-hashchain FILE]
  --namespace defaults to $POD_NAMESPACE, then "arkube"; --identity to $POD_NAME, then the host name.`;

export function parseFlags(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): OperatorFlags {
  const flags: OperatorFlags = {
    namespace: env["POD_NAMESPACE"] ?? "arkube",
    leaderElect: true,
    leaseName: "arkube-operator",
    identity: env["POD_NAME"] ?? hostname(),
    cuPodSelector: cuPodSelectorDefault,
    metricsPort: metricsPortDefault,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const value = () => {
      if (eq >= 0) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new FlagError(`${name} needs a value\n${usage}`);
      return next;
    };
    switch (name) {
      case "--kubeconfig": flags.kubeconfig = value(); break;
      case "--namespace": flags.namespace = value(); break;
      case "--lease-name": flags.leaseName = value(); break;
      case "--identity": flags.identity = value(); break;
      case "--cu-pod-selector": flags.cuPodSelector = value(); break;
      case "--nats-url": {
        const v = value();
        if (!/^(nats|tls|wss?):\/\/[^\s]+$/.test(v)) throw new FlagError(`--nats-url takes a nats://, tls:// or ws(s):// URL, got ${v}`);
        flags.natsUrl = v;
        break;
      }
      case "--default-hashchain": flags.defaultHashChain = value(); break;
      case "--metrics-port": {
        const v = value();
        const port = Number(v);
        if (!/^\d+$/.test(v) || port > 65535) throw new FlagError(`--metrics-port takes 0..65535, got ${v}`);
        flags.metricsPort = port;
        break;
      }
      case "--leader-elect": {
        const v = eq >= 0 ? arg.slice(eq + 1) : "true";
        if (v !== "true" && v !== "false") throw new FlagError(`--leader-elect takes true or false, got ${v}`);
        flags.leaderElect = v === "true";
        break;
      }
      default: throw new FlagError(`unknown flag ${arg}\n${usage}`);
    }
  }
  if (flags.namespace === "") throw new FlagError("--namespace must not be empty");
  return flags;
}
