// Names shared by the controllers: field manager, labels, finalizers, defaults.
export const fieldManager = "arkube-operator";
export const replicaLabel = "arkube.dev/replica";
/** On a Replica: held until its Partitions are gone. */
export const replicaFinalizer = "arkube.dev/partitions";
/** On a Partition: held until its deletion policy is carried out. */
export const partitionFinalizer = "arkube.dev/packed-data";
/** Arweave's partition size (3.6 TB); Replica.spec.partitionSizeBytes overrides it for small clusters. */
export const partitionSizeBytesDefault = 3_600_000_000_000;
