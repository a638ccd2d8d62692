// Public surface of the real-control-plane test harness.
export { ensureControlPlaneBinaries, buildScriptPath, buildTimeoutMsDefault, type BuildOptions } from "./binaries.ts";
export { adminGroup, adminUser, type Pki } from "./certs.ts";
export {
  controlPlaneTimeoutsDefault,
  kwokNodeAnnotation,
  startControlPlane,
  type ControlPlane,
  type ControlPlaneOptions,
  type ControlPlaneTimeouts,
} from "./control-plane.ts";
export { ControlPlaneError, type ControlPlaneErrorCode } from "./errors.ts";
export { kubeRequest, type ClientTls, type KubeRequest, type KubeResponse } from "./kube-http.ts";
export { isGroupAlive, type Component, type ExitStatus } from "./processes.ts";
