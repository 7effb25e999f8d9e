import { ProblemException } from '@infergate/common';

/** The resolved version's backend does not speak the protocol of the route called (e.g. `onnx` on /openai/v1). */
export class UnsupportedSurfaceException extends ProblemException {
  constructor(detail: string) {
    super({ status: 400, slug: 'unsupported-protocol', title: 'Bad Request', detail });
  }
}

/** A stream was asked for, but the version's output rules need the whole answer to check it. */
export class StreamingUnavailableException extends ProblemException {
  constructor() {
    super({
      status: 400,
      slug: 'streaming-unavailable',
      title: 'Bad Request',
      detail: "This model's answers are checked for personal data before they leave the gateway; request them without `stream`.",
    });
  }
}

/** The version names a backend kind no ModelBackend is registered for on this gateway (a deployment mistake). */
export class BackendNotAvailableException extends ProblemException {
  constructor() {
    super({
      status: 501,
      slug: 'backend-not-available',
      title: 'Not Implemented',
      detail: "This model's backend is not available on this gateway.",
    });
  }
}
