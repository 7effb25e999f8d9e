import { Injectable } from '@nestjs/common';
import type { ResolvedModelVersion } from '@infergate/model-registry';
import type { CallContext } from '../surfaces/inference.types';
import type { NativeRequest } from '../surfaces/native-rows';
import { httpJson } from '../upstream/protocols/http-json.protocol';
import { UpstreamClient } from '../upstream/upstream.client';
import { timedBackendCall, upstreamPost } from './backend-call';
import { InferenceBackend, type ModelBackend } from './model-backend';

/**
 * `http-json`: a plain JSON-over-HTTP model server (MLflow, BentoML, a custom Flask app). The native
 * body is posted as it is; the answer's `outputs` or `predictions` member (or the whole answer) is the
 * call's `outputs`. Native surface only: it has no tensors and no OpenAI operations.
 */
@Injectable()
@InferenceBackend('http-json')
export class HttpJsonModelBackend implements ModelBackend {
  constructor(private readonly upstream: UpstreamClient) {}

  async native(resolved: ResolvedModelVersion, body: NativeRequest, call: CallContext): Promise<unknown> {
    const request = upstreamPost(call, httpJson.path, httpJson.requestBody(body));
    const answer = await timedBackendCall(call, () => this.upstream.send(resolved, request));
    const value = httpJson.parseResponse(answer);
    return value.outputs ?? value.predictions ?? value;
  }
}
