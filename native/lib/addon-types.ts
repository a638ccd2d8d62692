// The raw shape of the addon's exports (what the C++ binding registers). Each binding file's
// functions are declared in its own interface so that files can be worked on independently.

export interface CpuFeatureFlags {
  shaNi: boolean;
  aesNi: boolean;
  sse41: boolean;
  avx2: boolean;
}

export interface CpuAddon {
  cpuFeatures(): CpuFeatureFlags;
}

export type NativeAddon = CpuAddon;
