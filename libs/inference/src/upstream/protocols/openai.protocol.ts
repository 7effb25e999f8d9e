import type { HttpEndpoint } from '@infergate/model-registry';
import type { UpstreamResponse } from '../upstream.types';
import { jsonBody, parseUpstreamJsonObject, upstreamModelName } from './upstream-json';

export type OpenAiOperation = 'chat/completions' | 'completions' | 'embeddings';

/** OpenAI-compatible servers (vLLM, TGI, llama.cpp, OpenAI itself). */
export const openAi = {
  /** `/v1/chat/completions`, `/v1/completions` or `/v1/embeddings`, after the endpoint URL's path. */
  path: (operation: OpenAiOperation): string => `/v1/${operation}`,

  /**
   * The request body to send: the client's, with `model` rewritten from the registry name to the
   * upstream one (a client never learns or chooses what the server calls it).
   */
  requestBody(clientBody: Record<string, unknown>, endpoint: HttpEndpoint, registryName: string): Buffer {
    return jsonBody({ ...clientBody, model: upstreamModelName(endpoint, registryName) });
  },

  /** Whether the client asked for SSE streaming (then use UpstreamClient.stream and pass bytes through). */
  isStreaming: (clientBody: Record<string, unknown>): boolean => clientBody.stream === true,

  /**
   * A non-streaming answer: a JSON object; its `model` is set back to the registry name so the
   * upstream name does not leak to the client.
   */
  parseResponse(response: UpstreamResponse, registryName: string): Record<string, unknown> {
    const value = parseUpstreamJsonObject(response);
    if (typeof value.model === 'string') value.model = registryName;
    return value;
  },
};
