import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  Equals,
  IsIn,
  IsDefined,
  IsInt,
  IsObject,
  IsPositive,
  IsString,
  Matches,
  Max,
  MaxLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { ModelBackend, ModelEndpoint } from '../model-registry.types';
import { Absentable, Text } from './registry-fields';

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
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const MAX_HEADERS = 32;

/** Why a header map cannot be forwarded upstream, or null. Keys are named (the pointer is the map's), values never. */
export function headersProblem(headers: unknown): string | null {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return 'Must be an object of header names to values.';
  const entries = Object.entries(headers);
  if (entries.length > MAX_HEADERS) return `At most ${MAX_HEADERS} headers.`;
  for (const [name, value] of entries) {
    const shown = JSON.stringify(name.slice(0, 40));
    if (!HEADER_NAME.test(name)) return `${shown}: Must be an HTTP header name.`;
    if (HOP_BY_HOP.has(name.toLowerCase())) return `${shown}: This header is set by the gateway.`;
    if (typeof value !== 'string') return `${shown}: Must be a string.`;
    if (value.length > 8192) return `${shown}: Must be at most 8192 characters.`;
    if (!HEADER_VALUE.test(value)) return `${shown}: Must not contain control characters.`;
  }
  return null;
}

const Milliseconds =
  (max: number): PropertyDecorator =>
  (target, key) => {
    Absentable()(target, key);
    IsInt({ message: 'Must be an integer.' })(target, key);
    IsPositive({ message: 'Must be positive.' })(target, key);
    Max(max, { message: `Must be at most ${max}.` })(target, key);
  };

const Pem = (): PropertyDecorator => (target, key) => {
  IsString({ message: 'Must be a string.' })(target, key);
  MaxLength(65_536, { message: 'Must be at most 65536 characters.' })(target, key);
  Matches(/-----BEGIN [A-Z0-9 ]+-----/, { message: 'Must be PEM.' })(target, key);
};

export class EndpointTimeoutsDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 60_000 })
  @Milliseconds(60_000)
  connectMs?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 600_000 })
  @Milliseconds(600_000)
  firstByteMs?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 3_600_000 })
  @Milliseconds(3_600_000)
  totalMs?: number;
}

const PAIRED = 'A client certificate and its key come together.';

export class EndpointTlsDto {
  @ApiPropertyOptional({ description: 'PEM: the CA the model server certificate must chain to.' })
  @Absentable()
  @Pem()
  caPem?: string;

  @ApiPropertyOptional({ description: 'PEM: the client certificate (with keyPem).' })
  @Absentable()
  @Pem()
  certPem?: string;

  // Checked whenever either half is there: the missing key is reported where it belongs.
  @ApiPropertyOptional({ description: 'PEM: the client key (with certPem).' })
  @ValidateIf((tls: EndpointTlsDto) => tls.keyPem !== undefined || tls.certPem !== undefined)
  @IsDefined({ message: PAIRED })
  @ValidateBy(
    { name: 'pairedKey', validator: { validate: (_value, args) => (args?.object as EndpointTlsDto).certPem !== undefined } },
    { message: PAIRED },
  )
  @Pem()
  keyPem?: string;
}

/**
 * The version's backend, attached to its endpoint by CreateVersionDto while the body is built, so that
 * a mismatch is reported at /endpoint/kind (class-validator shows a nested object nothing of its parent).
 * Not enumerable: it never reaches storage or an answer.
 */
const BACKEND = Symbol('backend');
type WithBackend = { [BACKEND]?: ModelBackend };

export function attachBackend<T>(endpoint: T, backend: unknown): T {
  if (typeof endpoint === 'object' && endpoint !== null && typeof backend === 'string') {
    Object.defineProperty(endpoint, BACKEND, { value: backend, enumerable: false });
  }
  return endpoint;
}

const KIND_MESSAGE = 'kind must be "http" (with a url) or "onnx" (with a modelPath).';

/** The endpoint kind a backend needs (only when the backend is one the check knows). */
const KindMatchesBackend = (): PropertyDecorator =>
  ValidateBy({
    name: 'kindMatchesBackend',
    validator: {
      validate: (kind, args) => {
        const backend = (args?.object as WithBackend)[BACKEND];
        return backend === undefined || (backend === 'onnx') === (kind === 'onnx');
      },
      defaultMessage: (args) =>
        (args?.object as WithBackend)[BACKEND] === 'onnx' ? 'An onnx version has an onnx endpoint.' : 'This backend has an http endpoint.',
    },
  });

export class HttpEndpointDto {
  @ApiProperty({ enum: ['http'] })
  @KindMatchesBackend()
  @Equals('http', { message: KIND_MESSAGE })
  kind!: 'http';

  @ApiProperty({ minLength: 1, maxLength: 2048, description: 'Base URL (http/https, no credentials); validated against private ranges.' })
  @Text(2048, 1)
  url!: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 256, description: "The model's name on the upstream server." })
  @Absentable()
  @Text(256, 1)
  upstreamModel?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 8192 },
    maxProperties: MAX_HEADERS,
    description: 'Extra upstream request headers; stored encrypted, never returned.',
  })
  @Absentable()
  @ValidateBy({
    name: 'httpHeaders',
    validator: { validate: (value) => headersProblem(value) === null, defaultMessage: (args) => headersProblem(args?.value) ?? '' },
  })
  headers?: Record<string, string>;

  @ApiPropertyOptional({ type: EndpointTimeoutsDto })
  @Absentable()
  @ValidateNested()
  @IsObject({ message: 'Must be an object.' })
  @Type(() => EndpointTimeoutsDto)
  timeouts?: EndpointTimeoutsDto;

  @ApiPropertyOptional({ type: EndpointTlsDto, description: 'mTLS to the model server; stored encrypted, never returned.' })
  @Absentable()
  @ValidateNested()
  @IsObject({ message: 'Must be an object.' })
  @Type(() => EndpointTlsDto)
  tls?: EndpointTlsDto;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100_000, description: 'Bulkhead override for this upstream.' })
  @Absentable()
  @Max(100_000, { message: 'Must be at most 100000.' })
  @IsPositive({ message: 'Must be positive.' })
  @IsInt({ message: 'Must be an integer.' })
  maxInFlight?: number;
}

export class OnnxEndpointDto {
  @ApiProperty({ enum: ['onnx'] })
  @KindMatchesBackend()
  @Equals('onnx', { message: KIND_MESSAGE })
  kind!: 'onnx';

  @ApiProperty({ minLength: 1, maxLength: 1024, description: 'A .onnx file relative to MODELS_DIR.' })
  @Text(1024, 1)
  modelPath!: string;
}

/**
 * What a body with neither kind is built into: only the kind is reported (the other members are let
 * through here, since which of them are allowed depends on the kind the caller meant).
 */
class UnknownEndpointDto {
  @IsIn(['http', 'onnx'], { message: KIND_MESSAGE })
  kind!: string;

  @Allow() url?: unknown;
  @Allow() upstreamModel?: unknown;
  @Allow() headers?: unknown;
  @Allow() timeouts?: unknown;
  @Allow() tls?: unknown;
  @Allow() maxInFlight?: unknown;
  @Allow() modelPath?: unknown;
}

export type EndpointInputDto = HttpEndpointDto | OnnxEndpointDto;

/** class-transformer builds an endpoint into the class its `kind` names. */
export const EndpointType = (): PropertyDecorator =>
  Type(() => UnknownEndpointDto, {
    keepDiscriminatorProperty: true,
    discriminator: {
      property: 'kind',
      subTypes: [
        { name: 'http', value: HttpEndpointDto },
        { name: 'onnx', value: OnnxEndpointDto },
      ],
    },
  });

/** The OpenAPI form of an endpoint: one of the two kinds, told apart by `kind`. */
export const ENDPOINT_SCHEMA = {
  oneOf: [{ $ref: getSchemaPath(HttpEndpointDto) }, { $ref: getSchemaPath(OnnxEndpointDto) }],
  discriminator: {
    propertyName: 'kind',
    mapping: { http: getSchemaPath(HttpEndpointDto), onnx: getSchemaPath(OnnxEndpointDto) },
  },
};

/** Registers both endpoint kinds as schema components (ENDPOINT_SCHEMA refers to them). */
export const ApiEndpointModels = (): ClassDecorator => ApiExtraModels(HttpEndpointDto, OnnxEndpointDto);

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
