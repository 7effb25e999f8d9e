import { Injectable } from '@nestjs/common';
import type { ModelEndpoint } from '../model-registry.types';
import { OnnxModelPathValidator } from './onnx-model-path.validator';
import { UpstreamUrlValidator } from './upstream-url.validator';

/** Checks an endpoint at registration and returns it normalised (the URL as the HTTP client will read it). */
@Injectable()
export class EndpointValidator {
  constructor(
    private readonly urls: UpstreamUrlValidator,
    private readonly modelPaths: OnnxModelPathValidator,
  ) {}

  async validate(endpoint: ModelEndpoint): Promise<ModelEndpoint> {
    if (endpoint.kind === 'onnx') return { kind: 'onnx', modelPath: await this.modelPaths.validate(endpoint.modelPath) };
    return { ...endpoint, url: await this.urls.validate(endpoint.url) };
  }
}
