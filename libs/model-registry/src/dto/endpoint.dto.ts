import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import type { ModelEndpoint } from '../model-registry.types';

const HOP_BY_HOP = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
]);

const headerName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'Must be an HTTP header name.')
  .refine((name) => !HOP_BY_HOP.has(name.toLowerCase()), 'This header is set by the gateway.');
const headerValue = z
  .string()
  .max(8192)
  .regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'Must not contain control characters.');
const ms = (max: number) => z.number().int().positive().max(max);
const pem = z
  .string()
  .max(65_536)
  .regex(/-----BEGIN [A-Z0-9 ]+-----/, 'Must be PEM.');

export const httpEndpointSchema = z
  .strictObject({
    kind: z.literal('http'),
    url: z.string().min(1).max(2048),
    upstreamModel: z.string().min(1).max(256).optional(),
    headers: z
      .record(headerName, headerValue)
      .refine((headers) => Object.keys(headers).length <= 32, 'At most 32 headers.')
      .optional(),
    timeouts: z
      .strictObject({ connectMs: ms(60_000).optional(), firstByteMs: ms(600_000).optional(), totalMs: ms(3_600_000).optional() })
      .optional(),
    tls: z.strictObject({ caPem: pem.optional(), certPem: pem.optional(), keyPem: pem.optional() }).optional(),
    maxInFlight: z.number().int().positive().max(100_000).optional(),
  })
  .superRefine((endpoint, ctx) => {
    if (endpoint.tls && !endpoint.tls.certPem !== !endpoint.tls.keyPem) {
      ctx.addIssue({ code: 'custom', path: ['tls', 'keyPem'], message: 'A client certificate and its key come together.' });
    }
  });

export const onnxEndpointSchema = z.strictObject({ kind: z.literal('onnx'), modelPath: z.string().min(1).max(1024) });

export const endpointSchema = z.discriminatedUnion('kind', [httpEndpointSchema, onnxEndpointSchema], {
  message: 'kind must be "http" (with a url) or "onnx" (with a modelPath).',
});

/** What the registry shows of an endpoint: never header values, never TLS material. */
export interface EndpointView {
  kind: 'http' | 'onnx';
  url?: string;
  upstreamModel?: string;
  headerNames?: string[];
  timeouts?: { connectMs?: number; firstByteMs?: number; totalMs?: number };
  tls?: { customCa: boolean; clientCertificate: boolean };
  maxInFlight?: number;
  modelPath?: string;
}

export function endpointView(endpoint: ModelEndpoint): EndpointView {
  if (endpoint.kind === 'onnx') return { kind: 'onnx', modelPath: endpoint.modelPath };
  return {
    kind: 'http',
    url: endpoint.url,
    ...(endpoint.upstreamModel ? { upstreamModel: endpoint.upstreamModel } : {}),
    headerNames: Object.keys(endpoint.headers ?? {}),
    ...(endpoint.timeouts ? { timeouts: endpoint.timeouts } : {}),
    tls: { customCa: Boolean(endpoint.tls?.caPem), clientCertificate: Boolean(endpoint.tls?.certPem) },
    ...(endpoint.maxInFlight ? { maxInFlight: endpoint.maxInFlight } : {}),
  };
}

export class EndpointInputDto {
  @ApiProperty({ enum: ['http', 'onnx'] })
  kind!: 'http' | 'onnx';

  @ApiPropertyOptional({ description: 'http: base URL (http/https, no credentials); validated against private ranges.' })
  url?: string;

  @ApiPropertyOptional({ description: "http: the model's name on the upstream server." })
  upstreamModel?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'http: stored encrypted, never returned.' })
  headers?: Record<string, string>;

  @ApiPropertyOptional({
    type: 'object',
    properties: { connectMs: { type: 'integer' }, firstByteMs: { type: 'integer' }, totalMs: { type: 'integer' } },
  })
  timeouts?: Record<string, number>;

  @ApiPropertyOptional({
    type: 'object',
    properties: { caPem: { type: 'string' }, certPem: { type: 'string' }, keyPem: { type: 'string' } },
    description: 'http: mTLS to the model server; stored encrypted, never returned.',
  })
  tls?: Record<string, string>;

  @ApiPropertyOptional()
  maxInFlight?: number;

  @ApiPropertyOptional({ description: 'onnx: a .onnx file relative to MODELS_DIR.' })
  modelPath?: string;
}

export class EndpointViewDto {
  @ApiProperty({ enum: ['http', 'onnx'] })
  kind!: 'http' | 'onnx';

  @ApiPropertyOptional()
  url?: string;

  @ApiPropertyOptional()
  upstreamModel?: string;

  @ApiPropertyOptional({ type: [String], description: 'Names of the configured headers; values are never returned.' })
  headerNames?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'integer' } })
  timeouts?: Record<string, number>;

  @ApiPropertyOptional({ type: 'object', properties: { customCa: { type: 'boolean' }, clientCertificate: { type: 'boolean' } } })
  tls?: { customCa: boolean; clientCertificate: boolean };

  @ApiPropertyOptional()
  maxInFlight?: number;

  @ApiPropertyOptional()
  modelPath?: string;
}
