import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { BackendNotAvailableException, UnsupportedSurfaceException } from '../surfaces/inference.errors';
import type { InferenceSurface } from '../surfaces/inference.types';
import { InferenceBackend, type ModelBackend } from './model-backend';

const USE_NATIVE_OR_V2 =
  'This model is not served by an OpenAI-compatible backend; use /v1/models/{model}/infer or /v2/models/{model}/infer.';
const USE_OPENAI = 'This model is served by an OpenAI-compatible backend; use /openai/v1.';
const USE_NATIVE = 'This model is not served over the Open Inference Protocol; use /v1/models/{model}/infer.';
const USE_V2 = 'This model is only served over the Open Inference Protocol; use /v2/models/{model}/infer.';

/** A backend with, per surface, why it cannot serve it (undefined: it can); computed once at start. */
interface Entry {
  backend: ModelBackend;
  refusals: Record<InferenceSurface, string | undefined>;
}

/** Which surface a client should use instead, from what the backend implements. */
function refusalsOf(backend: ModelBackend): Entry['refusals'] {
  const elsewhere = (fallback: string): string => (backend.openai ? USE_OPENAI : fallback);
  return {
    native: backend.native ? undefined : elsewhere(USE_V2),
    'kserve-v2': backend.kserve ? undefined : elsewhere(USE_NATIVE),
    openai: backend.openai ? undefined : USE_NATIVE_OR_V2,
  };
}

/**
 * The ModelBackend of each backend kind: every provider marked `@InferenceBackend('kind')`, in any
 * module of the application, found once at start-up (two for one kind refuse to start). The lookup
 * on the request path is one Map read.
 */
@Injectable()
export class ModelBackendRegistry implements OnModuleInit {
  private readonly byKind = new Map<string, Entry>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: InferenceBackend.KEY })) {
      const kind = this.discovery.getMetadataByDecorator(InferenceBackend, wrapper);
      if (kind === undefined || !wrapper.isDependencyTreeStatic() || wrapper.instance === undefined) continue;
      this.register(kind, wrapper.instance as ModelBackend);
    }
  }

  /** Adds a backend by hand (tests, or a module that builds its backend at run time). */
  register(kind: string, backend: ModelBackend): void {
    if (this.byKind.has(kind)) throw new Error(`Two model backends are registered for the backend kind '${kind}'.`);
    this.byKind.set(kind, { backend, refusals: refusalsOf(backend) });
  }

  /** The kinds served on this gateway. */
  kinds(): string[] {
    return [...this.byKind.keys()];
  }

  /** The backend serving `kind` over `surface`; 400 unsupported-protocol naming the surface to use, 501 for an unknown kind. */
  for(kind: string, surface: InferenceSurface): ModelBackend {
    const entry = this.byKind.get(kind);
    if (entry === undefined) throw new BackendNotAvailableException();
    const refusal = entry.refusals[surface];
    if (refusal !== undefined) throw new UnsupportedSurfaceException(refusal);
    return entry.backend;
  }
}
