// Pod-to-pod forwarding over gRPC: a request for a process this pod does not own goes to the owner,
// which evaluates it locally. The service is defined with grpc-js's generic definitions and the frame
// codec in codec.ts (no protoc). Failures travel as {code, httpStatus, message} in the status details,
// so a forwarded failure reaches the HTTP client with the same stable code as a local one.
import * as grpc from "@grpc/grpc-js";
import type { StoredResult } from "../compute/stores.ts";
import type { EvalResult, LoaderMessage } from "../evaluator/types.ts";
import { BadFrameError, CuError, ForwardedError, isCuErrorCode, OwnerUnreachableError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { decodeFrame, encodeFrame, type Frame } from "./codec.ts";

export const computeServicePath = "/arkube.cu.v1.Compute";
/** Memory images travel gzipped (~1% of linear memory); this bounds one frame. */
export const grpcFrameBytesMax = 512 * 1024 * 1024;

const method = (name: string): grpc.MethodDefinition<Frame, Frame> => ({
  path: `${computeServicePath}/${name}`,
  requestStream: false,
  responseStream: false,
  requestSerialize: encodeFrame,
  requestDeserialize: decodeFrame,
  responseSerialize: encodeFrame,
  responseDeserialize: decodeFrame,
  originalName: name,
});

export const computeService = {
  result: method("Result"),
  dryRun: method("DryRun"),
  state: method("State"),
  evaluate: method("Evaluate"),
} satisfies grpc.ServiceDefinition;

/** What the owner does for a forwarded request: always evaluate here (the sender picked this pod). */
export interface LocalCompute {
  resultAt(processId: string, nonce: number): Promise<StoredResult>;
  dryRun(processId: string, message: Omit<LoaderMessage, "Module">): Promise<EvalResult>;
  state(processId: string): Promise<{ nonce: number; compressed: Uint8Array }>;
  evaluateAll(processId: string): Promise<void>;
}

interface Request {
  readonly processId: string;
  readonly nonce?: number;
  readonly message?: Omit<LoaderMessage, "Module">;
}

function request(frame: Frame): Request {
  const h = frame.header as Partial<Request> | null;
  if (typeof h?.processId !== "string") throw new BadFrameError("request without processId");
  return h as Request;
}

function toStatus(err: unknown): Partial<grpc.StatusObject> {
  const cu = err instanceof CuError ? err : undefined;
  const details = JSON.stringify({ code: cu?.code ?? "ERR_CU_INTERNAL", httpStatus: cu?.httpStatus ?? 500, message: cu?.message ?? String(err) });
  const code = cu === undefined || cu.httpStatus >= 500 ? grpc.status.INTERNAL : cu.httpStatus === 404 ? grpc.status.NOT_FOUND : grpc.status.INVALID_ARGUMENT;
  return { code, details };
}

function unary(logger: Logger, work: (req: Request) => Promise<Frame>): grpc.handleUnaryCall<Frame, Frame> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => work(request(call.request)))
      .then(
        (reply) => callback(null, reply),
        (err: unknown) => {
          if (!(err instanceof CuError)) logger.error({ event: "cu.grpc.internal_error", error: String(err) });
          callback(toStatus(err));
        },
      );
  };
}

export async function startGrpcServer(local: LocalCompute, host: string, port: number, logger: Logger): Promise<{ port: number; close(): Promise<void> }> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": grpcFrameBytesMax, "grpc.max_send_message_length": grpcFrameBytesMax });
  server.addService(computeService, {
    result: unary(logger, async (r) => ({ header: await local.resultAt(r.processId, r.nonce ?? 0) })),
    dryRun: unary(logger, async (r) => {
      if (r.message === undefined) throw new BadFrameError("dry-run without message");
      return { header: await local.dryRun(r.processId, r.message) };
    }),
    state: unary(logger, async (r) => {
      const state = await local.state(r.processId);
      return { header: { nonce: state.nonce }, payload: state.compressed };
    }),
    evaluate: unary(logger, async (r) => {
      await local.evaluateAll(r.processId);
      return { header: {} };
    }),
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err === null ? resolve(p) : reject(err)));
  });
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}

const ComputeClient = grpc.makeGenericClientConstructor(computeService, "Compute");
type UnaryMethod = (req: Frame, meta: grpc.Metadata, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Frame) => void) => void;

function fromStatus(memberId: string, err: grpc.ServiceError): CuError {
  if (err.code === grpc.status.INTERNAL || err.code === grpc.status.NOT_FOUND || err.code === grpc.status.INVALID_ARGUMENT) {
    try {
      const d = JSON.parse(err.details) as { code?: unknown; httpStatus?: unknown; message?: unknown };
      if (isCuErrorCode(d.code) && typeof d.httpStatus === "number") return new ForwardedError(d.code, d.httpStatus, String(d.message), memberId);
    } catch {
      // not ours: a transport-level failure, reported below
    }
  }
  return new OwnerUnreachableError(memberId, `${grpc.status[err.code]}: ${err.details}`, { cause: err });
}

/** A client for one peer pod. */
export class PeerClient {
  private readonly client: grpc.Client;

  constructor(
    readonly memberId: string,
    address: string,
    private readonly timeoutMs: number,
  ) {
    this.client = new ComputeClient(address, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": grpcFrameBytesMax, "grpc.max_send_message_length": grpcFrameBytesMax });
  }

  async resultAt(processId: string, nonce: number): Promise<StoredResult> {
    return (await this.call("result", { header: { processId, nonce } })).header as StoredResult;
  }

  async dryRun(processId: string, message: Omit<LoaderMessage, "Module">): Promise<EvalResult> {
    return (await this.call("dryRun", { header: { processId, message } })).header as EvalResult;
  }

  async state(processId: string): Promise<{ nonce: number; compressed: Uint8Array }> {
    const reply = await this.call("state", { header: { processId } });
    return { nonce: (reply.header as { nonce: number }).nonce, compressed: reply.payload ?? new Uint8Array(0) };
  }

  async evaluateAll(processId: string): Promise<void> {
    await this.call("evaluate", { header: { processId } });
  }

  close(): void {
    this.client.close();
  }

  private call(name: keyof typeof computeService, frame: Frame): Promise<Frame> {
    const fn = (this.client as unknown as Record<string, UnaryMethod>)[name];
    if (fn === undefined) throw new BadFrameError(`no method ${name}`);
    return new Promise<Frame>((resolve, reject) => {
      fn.call(this.client, frame, new grpc.Metadata(), { deadline: Date.now() + this.timeoutMs }, (err, res) => {
        if (err !== null) reject(fromStatus(this.memberId, err));
        else if (res === undefined) reject(new BadFrameError("empty reply"));
        else resolve(res);
      });
    });
  }
}
