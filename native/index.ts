// Public, typed surface of the native core. Everything else in native/ is internal.
export * from "./lib/errors.ts";
export { cpuFeatures } from "./lib/cpu.ts";
