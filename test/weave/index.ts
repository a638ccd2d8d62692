// Synthetic weave shared by node-agent tests and the devnet.
export { SyntheticWeave, prngStream, type SyntheticWeaveOptions, type WeaveChunk, type WeaveBlock } from "./synthetic.ts";
export { startWeaveServer, type WeaveServer, type WeaveFaults } from "./server.ts";
