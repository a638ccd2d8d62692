// Names of the agent's contract with the operator (operator/README.md).

/** Field manager of everything the agent applies: the inventory ConfigMap and Partition status fields. */
export const agentFieldManager = "arkube-node-agent";

/** Condition types the agent owns in a Partition's status (the operator owns Scheduled and Deleting). */
export const agentConditionTypes = ["DiskHealthy", "Synced", "Mining"] as const;
