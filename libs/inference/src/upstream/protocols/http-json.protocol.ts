import type { UpstreamResponse } from '../upstream.types';
import { jsonBody, parseUpstreamJsonObject } from './upstream-json';

/** A plain JSON-over-HTTP model server: POST the JSON body to the endpoint URL as is, JSON back. */
export const httpJson = {
  /** Nothing is appended: the endpoint URL is the inference URL. */
  path: '',
  requestBody: (body: unknown): Buffer => jsonBody(body),
  parseResponse: (response: UpstreamResponse): Record<string, unknown> => parseUpstreamJsonObject(response),
};
