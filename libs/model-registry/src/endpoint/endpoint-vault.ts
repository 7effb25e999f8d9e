import { Injectable } from '@nestjs/common';
import { SecretBox } from '@infergate/identity';
import type { ModelEndpoint } from '../model-registry.types';

/**
 * Seals a version's endpoint (URL, headers, TLS keys) for storage and opens it again. The version id is
 * bound as associated data, so a sealed endpoint copied onto another version does not open.
 */
@Injectable()
export class EndpointVault {
  constructor(private readonly box: SecretBox) {}

  seal(versionId: string, endpoint: ModelEndpoint): string {
    return this.box.seal(JSON.stringify(endpoint), context(versionId));
  }

  open(versionId: string, sealed: string): ModelEndpoint {
    return JSON.parse(this.box.open(sealed, context(versionId))) as ModelEndpoint;
  }
}

function context(versionId: string): string {
  return `model_versions.endpoint:${versionId}`;
}
