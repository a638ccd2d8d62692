import { addon } from "./loader.ts";
import type { CpuFeatureFlags } from "./addon-types.ts";

/** The CPU features the native core detected once at load (CPUID) and dispatches on. */
export function cpuFeatures(): CpuFeatureFlags {
  return addon().cpuFeatures();
}
