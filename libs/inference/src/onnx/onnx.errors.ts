import { ProblemException } from '@infergate/common';

/** The version's model file is missing, unreadable, outside MODELS_DIR or not a valid ONNX graph. */
export class ModelFileUnavailableException extends ProblemException {
  constructor() {
    super({
      status: 503,
      slug: 'model-unavailable',
      title: 'Service Unavailable',
      detail: 'The model cannot be loaded right now. Retry later or contact the model owner.',
      headers: { 'Retry-After': '30' },
    });
  }
}

/** The request fits the registered contract but not the model file's own inputs (a registration mismatch). */
export class ModelInputMismatchException extends ProblemException {
  constructor(detail: string) {
    super({ status: 422, slug: 'model-input-mismatch', title: 'Unprocessable Content', detail });
  }
}

/** onnxruntime failed while running the graph (never its message: it can name internals). */
export class ModelExecutionFailedException extends ProblemException {
  constructor() {
    super({ status: 502, slug: 'model-execution-failed', title: 'Bad Gateway', detail: 'The model failed to compute an answer.' });
  }
}
