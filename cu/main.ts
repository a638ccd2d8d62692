// CLI entry: node --import tsx cu/main.ts --config FILE. Runs one compute pod until SIGTERM/SIGINT,
// then checkpoints hot processes and exits.
import { parseArgs } from "node:util";
import { loadConfig } from "./config.ts";
import { jsonLogger } from "./log.ts";
import { startCuNode } from "./node.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { config: { type: "string" } } });
  if (values.config === undefined) {
    process.stderr.write("usage: node --import tsx cu/main.ts --config FILE\n");
    process.exit(2);
  }
  const logger = jsonLogger("cu");
  const node = await startCuNode(loadConfig(values.config), logger);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: "cu.node.stopping", signal });
    node.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ event: "cu.node.stop_failed", error: String(err) });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err: unknown) => {
  process.stderr.write(`${JSON.stringify({ event: "cu.node.start_failed", error: String(err), code: (err as { code?: string }).code })}\n`);
  process.exit(1);
});
