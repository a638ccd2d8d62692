// Structured logs {event, ...}: the same injected-function logger the vdf service uses.
export { jsonLogger, silentLogger, type Logger, type LogEvent } from "../vdf/log.ts";
