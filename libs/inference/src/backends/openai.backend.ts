import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { ResolvedModelVersion } from '@infergate/model-registry';
import { toProblem } from '../resilience/problem-mapping';
import { UnsupportedSurfaceException } from '../surfaces/inference.errors';
import type { CallContext } from '../surfaces/inference.types';
import { PiiScreen } from '../surfaces/pii-screen';
import { openAi, type OpenAiOperation } from '../upstream/protocols/openai.protocol';
import { assertUpstreamSuccess } from '../upstream/protocols/upstream-json';
import { UpstreamClient } from '../upstream/upstream.client';
import { timedBackendCall, upstreamPost } from './backend-call';
import { InferenceBackend, type ModelBackend } from './model-backend';

/**
 * `openai`: an OpenAI-compatible server (vLLM, TGI, llama.cpp, OpenAI itself). `model` is rewritten
 * to the upstream's name and back; `stream: true` is passed through as SSE with backpressure (the
 * backend time then ends when the stream closes), refused for versions whose output rules need the
 * whole answer. OpenAI surface only.
 */
@Injectable()
@InferenceBackend('openai')
export class OpenAiModelBackend implements ModelBackend {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly pii: PiiScreen,
  ) {}

  async openai(
    resolved: ResolvedModelVersion,
    operation: OpenAiOperation,
    body: Record<string, unknown>,
    call: CallContext,
  ): Promise<Record<string, unknown> | Readable> {
    const endpoint = resolved.version.endpoint;
    if (endpoint.kind !== 'http') throw new UnsupportedSurfaceException('This model has no model server.');
    const request = upstreamPost(call, openAi.path(operation), openAi.requestBody(body, endpoint, resolved.model.name));
    if (openAi.isStreaming(body)) {
      this.pii.assertStreamable(resolved);
      const started = performance.now();
      const stream = await this.upstream.stream(resolved, request).catch((error: unknown) => {
        throw toProblem(error);
      });
      if (stream.status < 200 || stream.status >= 300) {
        stream.abort();
        assertUpstreamSuccess(stream);
      }
      // Set only once the stream is open (a refused stream has no backend time, as before); it ends when the stream closes.
      call.backendStarted = started;
      return stream.body;
    }
    const answer = await timedBackendCall(call, () => this.upstream.send(resolved, request));
    return openAi.parseResponse(answer, resolved.model.name);
  }
}
