// Public surface of protocol/vdf: step message codec, NATS names, constants and errors.
export * from "./errors.ts";
export * from "./constants.ts";
export * from "./subjects.ts";
export * from "./step-message.ts";
