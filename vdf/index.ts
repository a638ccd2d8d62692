// Public surface of @arkube/vdf: the verifier and consumer for node agents, and the service parts.
export { StepVerifier, classify, recentStepsMax, type VerifyOutcome, type VerifiedHead, type VerifierOptions, type Classification } from "./verifier.ts";
export { consumeSteps, catchUpToLatest, CatchUpError, type ConsumerEvent, type ConsumeOptions } from "./consumer.ts";
export { StepStore, ensureStepStream, stepStreamLimitsDefault, type StepStreamLimits } from "./step-store.ts";
export { StepProducer, type ChainParams, type ChainPoint, type ComputedStep } from "./producer.ts";
export { DerivedSeedSource, ListSeedSource, SeedUnavailableError, type SeedSource } from "./seeds.ts";
export { VdfMetrics, stepsPerSecondWindowMs, type RejectReason } from "./metrics.ts";
export { VdfService, type VdfServiceOptions, type VdfServiceDeps } from "./service.ts";
export { loadConfig, parseConfig, ConfigError, type VdfConfig } from "./config.ts";
export { wire, identityOf, seedSourceOf, type Wiring } from "./wiring.ts";
export { jsonLogger, silentLogger, type Logger, type LogEvent } from "./log.ts";
export * from "./leadership/index.ts";
