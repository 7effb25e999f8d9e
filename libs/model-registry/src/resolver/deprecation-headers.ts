import type { ResolvedModelVersion } from '../model-registry.types';

/**
 * Response headers announcing that the resolved version is deprecated: `Deprecation` (RFC 9745,
 * `@<unix seconds>`), `Sunset` (RFC 8594, an HTTP-date) and a `Link` to the successor version
 * (`rel="successor-version"`, RFC 5829). Empty when the version has no deprecation.
 * `successorUrl` builds the link target; by default the registry's URL of that version.
 */
export function deprecationHeaders(
  resolved: Pick<ResolvedModelVersion, 'model' | 'version'>,
  successorUrl: (modelName: string, version: number) => string = defaultSuccessorUrl,
): Record<string, string> {
  const deprecation = resolved.version.deprecation;
  if (!deprecation) return {};
  const headers: Record<string, string> = {};
  const deprecatedAt = Date.parse(deprecation.deprecatedAt);
  if (Number.isFinite(deprecatedAt)) headers['Deprecation'] = `@${Math.floor(deprecatedAt / 1000)}`;
  const sunsetAt = deprecation.sunsetAt === undefined ? NaN : Date.parse(deprecation.sunsetAt);
  if (Number.isFinite(sunsetAt)) headers['Sunset'] = new Date(sunsetAt).toUTCString();
  if (deprecation.successorVersion !== undefined) {
    headers['Link'] = `<${successorUrl(resolved.model.name, deprecation.successorVersion)}>; rel="successor-version"`;
  }
  return headers;
}

function defaultSuccessorUrl(modelName: string, version: number): string {
  return `/v1/models/${encodeURIComponent(modelName)}/versions/${version}`;
}
