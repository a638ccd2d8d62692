// VDF protocol constants (PROTOCOL.md, "VDF"). Duplicated from native/ on purpose: protocol/ is pure
// TypeScript that every component imports without loading the addon; a test pins them equal.
export const VDF_HASH_BYTES = 32;
export const VDF_CHECKPOINTS_PER_STEP = 25;
export const VDF_RESET_INTERVAL_STEPS = 1200;
export const VDF_ITERATIONS_MIN = 2;

/** The entropy-reset interval ("session") a step belongs to. */
export function sessionInterval(step: number): number {
  return Math.floor(step / VDF_RESET_INTERVAL_STEPS);
}

export function isResetStep(step: number): boolean {
  return step % VDF_RESET_INTERVAL_STEPS === 0;
}
