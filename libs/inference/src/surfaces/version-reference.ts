import { RequestValidationException } from '@infergate/common';
import type { VersionReference } from '@infergate/model-registry';

/**
 * The `:version` path segment: a version number (`3`), or an alias name (`champion`, `production`).
 * Absent: the resolver follows `production`.
 */
export function versionReference(segment: string | undefined): VersionReference {
  if (segment === undefined) return undefined;
  if (/^[0-9]{1,9}$/.test(segment)) {
    const version = Number(segment);
    if (version < 1) throw RequestValidationException.at('/version', 'must be a positive version number or an alias name');
    return { version };
  }
  if (!/^[A-Za-z][A-Za-z0-9_.-]{0,62}$/.test(segment)) {
    throw RequestValidationException.at('/version', 'must be a positive version number or an alias name');
  }
  return { alias: segment };
}

/**
 * The OpenAI `model` field: a registry model name (or id), optionally `@<version or alias>`
 * (`support-bot`, `support-bot@3`, `support-bot@champion`).
 */
export function openAiModelReference(model: unknown): { model: string; reference: VersionReference } {
  if (typeof model !== 'string' || model.length === 0 || model.length > 200) {
    throw RequestValidationException.at('/model', 'must name a model of the registry');
  }
  const at = model.lastIndexOf('@');
  if (at <= 0) return { model, reference: undefined };
  return { model: model.slice(0, at), reference: versionReference(model.slice(at + 1)) };
}
