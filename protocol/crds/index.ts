// The arkube.dev/v1alpha1 API as TypeScript: types generated from crds/ plus the shared metadata types.
export type { Condition, ConditionStatus, ObjectMeta, OwnerReference } from "./meta.ts";
export * from "./aoprocess.generated.ts";
export * from "./hashchain.generated.ts";
export * from "./partition.generated.ts";
export * from "./replica.generated.ts";
