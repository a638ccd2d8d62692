// A synthetic-weave peer as a process (for the devnet): serves the Arweave HTTP API over a
// deterministic weave. node --import tsx test/weave/main.ts --label L --blocks N --txs-per-block M
//   --tx-bytes-max B [--min-weave-bytes W] [--host H] [--port P]; prints {"event":"weave_server_ready","url",...} when up.
import { parseArgs } from "node:util";
import { SyntheticWeave } from "./synthetic.ts";
import { startWeaveServer } from "./server.ts";

const { values } = parseArgs({
  options: {
    label: { type: "string", default: "devnet" },
    blocks: { type: "string", default: "8" },
    "txs-per-block": { type: "string", default: "3" },
    "tx-bytes-max": { type: "string", default: "1000000" },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "0" },
    "min-weave-bytes": { type: "string", default: "0" },
  },
});
const shape = { label: values.label, txsPerBlock: Number(values["txs-per-block"]), txBytesMax: Number(values["tx-bytes-max"]) };
const minWeaveBytes = BigInt(values["min-weave-bytes"]);
// --min-weave-bytes: the devnet needs every partition covered; tx sizes are prng draws, so add blocks
// until the weave is large enough (the weave stays a deterministic function of the arguments).
let blocks = Number(values.blocks);
let weave = new SyntheticWeave({ ...shape, blocks });
while (weave.weaveSize < minWeaveBytes) {
  blocks += Math.max(1, Math.ceil(blocks / 4));
  weave = new SyntheticWeave({ ...shape, blocks });
}
const server = await startWeaveServer(weave, { host: values.host, port: Number(values.port) });
process.stdout.write(`${JSON.stringify({ event: "weave_server_ready", url: server.url, weaveSize: weave.weaveSize.toString(), chunks: weave.chunks.length, height: weave.blocks.length - 1 })}\n`);
const stop = (): void => void server.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
