import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { ModelFileUnavailableException } from './onnx.errors';
import { INFERENCE_OPTIONS, type InferenceModuleOptions } from '../inference.options';

export type OnnxRuntime = typeof import('onnxruntime-node');

let runtime: Promise<OnnxRuntime> | undefined;

/**
 * onnxruntime-node, loaded on the first model call rather than at start-up: its native library costs
 * every replica several MB of resident memory, and most deployments serve no in-process model. The
 * first call to an `onnx` model takes that much longer (the library loads once, in tens of ms, before
 * the session is created); later calls do not.
 */
export function loadOnnxRuntime(): Promise<OnnxRuntime> {
  runtime ??= import('onnxruntime-node');
  return runtime;
}

/**
 * One onnxruntime session per model file, created on first use and kept for the life of the process
 * (session creation parses and optimises the graph: milliseconds to seconds, never per call).
 * Concurrent first calls share one creation; a failed creation is forgotten so that a fixed file is
 * picked up by the next call. Files are confined to `MODELS_DIR`: a path that leaves it (`..`,
 * absolute, or a symlink pointing outside) is refused.
 */
@Injectable()
export class OnnxSessionPool implements OnApplicationShutdown {
  private readonly logger = new Logger(OnnxSessionPool.name);
  private readonly sessions = new Map<string, Promise<InferenceSession>>();
  private readonly modelsDir: string;

  constructor(@Inject(INFERENCE_OPTIONS) options: InferenceModuleOptions) {
    this.modelsDir = resolve(options.modelsDir);
  }

  session(modelPath: string): Promise<InferenceSession> {
    const cached = this.sessions.get(modelPath);
    if (cached) return cached;
    const created = this.create(modelPath);
    this.sessions.set(modelPath, created);
    created.catch(() => this.sessions.delete(modelPath));
    return created;
  }

  /** The absolute file a version's `modelPath` names, or a refusal when it leaves MODELS_DIR. */
  async locate(modelPath: string): Promise<string> {
    if (isAbsolute(modelPath)) throw new ModelFileUnavailableException();
    const root = await realpath(this.modelsDir).catch(() => this.modelsDir);
    const file = await realpath(resolve(root, modelPath)).catch(() => {
      throw new ModelFileUnavailableException();
    });
    const inside = relative(root, file);
    if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) throw new ModelFileUnavailableException();
    return file;
  }

  private async create(modelPath: string): Promise<InferenceSession> {
    const file = await this.locate(modelPath);
    try {
      const { InferenceSession } = await loadOnnxRuntime();
      // One intra-op thread: the gateway serves many small concurrent calls; parallelism comes from
      // onnxruntime running sessions off the event loop, not from splitting one tiny matmul.
      const session = await InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
      this.logger.log({ event: 'inference.onnx.session_created', modelPath }, 'onnx session created');
      return session;
    } catch (error) {
      this.logger.error({ event: 'inference.onnx.session_failed', modelPath, err: error }, 'onnx model file could not be loaded');
      throw new ModelFileUnavailableException();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const pending of sessions) {
      const session = await pending.catch(() => undefined);
      await session?.release().catch(() => undefined);
    }
  }
}
