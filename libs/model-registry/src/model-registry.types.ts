import type { Clearance, Principal } from '@infergate/contracts';
import type { InputContract, PiiRule } from '@infergate/validation';

export const MODEL_STAGES = ['draft', 'staging', 'production', 'deprecated', 'archived'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

export const MODEL_BACKENDS = ['kserve-v2', 'openai', 'http-json', 'onnx'] as const;
export type ModelBackend = (typeof MODEL_BACKENDS)[number];

export type ModelStatus = 'active' | 'disabled';

/** Per-call deadlines; unset fields fall back to the gateway defaults (`inference.*` config). */
export interface UpstreamTimeouts {
  connectMs?: number;
  firstByteMs?: number;
  totalMs?: number;
}

/** Where a `kserve-v2`, `openai` or `http-json` version is served. Stored encrypted at rest. */
export interface HttpEndpoint {
  kind: 'http';
  /** Base URL (http or https, no credentials); the backend appends its protocol's path. */
  url: string;
  /** The model's name on the upstream server, when it differs from the registry name. */
  upstreamModel?: string;
  /** Extra request headers (e.g. the model server's own API key). Never returned to non-publishers. */
  headers?: Record<string, string>;
  timeouts?: UpstreamTimeouts;
  /** Client certificate and trust for mTLS to the model server (PEM). */
  tls?: { caPem?: string; certPem?: string; keyPem?: string };
  /** Bulkhead override for this upstream. */
  maxInFlight?: number;
}

/** An `onnx` version: a model file below `MODELS_DIR`, executed in-process. */
export interface OnnxEndpoint {
  kind: 'onnx';
  /** Relative to `MODELS_DIR`; never escapes it. */
  modelPath: string;
}

export type ModelEndpoint = HttpEndpoint | OnnxEndpoint;

/** Quota units a call spends: per request, or per input element (rows, tensor elements or tokens). */
export interface ModelCost {
  units: number;
  per: 'request' | 'element';
}

export interface ModelDeprecation {
  /** RFC 9745 `Deprecation` date (ISO 8601). */
  deprecatedAt: string;
  /** RFC 8594 `Sunset` date (ISO 8601), when set. */
  sunsetAt?: string;
  /** The version number that replaces this one. */
  successorVersion?: number;
}

/**
 * Everything the inference proxy needs about the version a request resolved to. Produced by the
 * registry's ModelResolver after the principal's `read` and `infer` checks passed; the endpoint is
 * decrypted. Cached by the resolver; `cacheKey` changes whenever the version row changes.
 */
export interface ResolvedModelVersion {
  cacheKey: string;
  model: {
    id: string;
    orgId: string;
    projectId: string | null;
    name: string;
    sensitivity: Clearance;
  };
  version: {
    id: string;
    version: number;
    stage: ModelStage;
    region: string | null;
    backend: ModelBackend;
    endpoint: ModelEndpoint;
    inputContract: InputContract;
    outputSchema: Record<string, unknown> | null;
    piiRule: PiiRule | null;
    cost: ModelCost;
    deprecation: ModelDeprecation | null;
  };
  /** How the version was chosen: an explicit version number, or an alias name (`production` by default). */
  resolvedBy: { version: number } | { alias: string };
}

/** How a request names the version it wants. */
export type VersionReference = { version: number } | { alias: string } | undefined;

/**
 * The registry's port for the inference proxy. `model` is the model's name in the principal's
 * organization, or its id. Throws the common 404 problem when the principal may not read the model or
 * version (another organization's model looks missing), 403 when it may read but not infer (e.g. the
 * version's region is not among the principal's allowed regions; the detail says so), and 404 when
 * an alias is unset or the version is archived.
 */
export interface ModelResolver {
  resolve(principal: Principal, model: string, reference?: VersionReference): Promise<ResolvedModelVersion>;
}

export const MODEL_RESOLVER = Symbol('ModelResolver');
