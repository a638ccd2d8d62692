// Public surface of the shared test harnesses.
export {
  startNatsServer,
  freePort,
  NatsHarnessError,
  natsServerBinDefault,
  natsReadyTimeoutMsDefault,
  natsStopGraceMsDefault,
  type NatsServer,
  type NatsServerOptions,
} from "./nats.ts";
export { isGroupAlive, logTail, type Component } from "../k8s/processes.ts";
