import type { Readable } from 'node:stream';
import { DiscoveryService } from '@nestjs/core';
import type { ResolvedModelVersion } from '@infergate/model-registry';
import type { OpenAiOperation } from '../upstream/protocols/openai.protocol';
import type { CallContext } from '../surfaces/inference.types';
import type { NativeRequest } from '../surfaces/native-rows';
import type { KserveV2Request, NamedTensor } from '../surfaces/tensors';

/**
 * How one backend kind (the `backend` of a model version: onnx, kserve-v2, http-json, openai, or a
 * kind a team adds, e.g. Triton gRPC or TorchServe) runs a call. It implements the surfaces its
 * protocol can serve and leaves the others out: the gateway then answers the call with 400
 * unsupported-protocol (naming the surface to use) before the contract check. Bodies arrive checked
 * against the version's input contract, PII-screened and paid for; a backend records its own time with
 * `timedBackendCall` and leaves failures as ProblemExceptions (upstream text never reaches a client).
 * Output rules, audit, metrics, headers and replay are the interceptors' business, not the backend's.
 *
 * Register one with `@InferenceBackend('kind')` on an injectable class in any module's `providers`:
 * the ModelBackendRegistry finds it at start-up; nothing else changes.
 */
export interface ModelBackend {
  /** `POST /v1/models/{model}/infer`: `outputs` of the answer (one object per row, or the one object of `inputs`). */
  native?(resolved: ResolvedModelVersion, body: NativeRequest, call: CallContext): Promise<unknown>;
  /** `POST /v2/models/{model}/infer`: the output tensors. */
  kserve?(resolved: ResolvedModelVersion, body: KserveV2Request, call: CallContext): Promise<NamedTensor[]>;
  /** `POST /openai/v1/{operation}`: the answer object, or the SSE body when the client asked for `stream`. */
  openai?(
    resolved: ResolvedModelVersion,
    operation: OpenAiOperation,
    body: Record<string, unknown>,
    call: CallContext,
  ): Promise<Record<string, unknown> | Readable>;
}

/**
 * Marks a ModelBackend class as the one serving versions of backend `kind`. A discoverable decorator:
 * the registry looks the marked providers up once, when the application starts.
 */
export const InferenceBackend = DiscoveryService.createDecorator<string>();
