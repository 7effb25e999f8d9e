import type { ResolvedModelVersion } from '../model-registry.types';
import { deprecationHeaders } from './deprecation-headers';

const resolved = (deprecation: ResolvedModelVersion['version']['deprecation']) =>
  ({ model: { name: 'churn model' }, version: { deprecation } }) as unknown as ResolvedModelVersion;

describe('deprecationHeaders', () => {
  it('says nothing for a version without deprecation', () => {
    expect(deprecationHeaders(resolved(null))).toEqual({});
  });

  it('writes Deprecation as @unix-seconds (RFC 9745), Sunset as an HTTP-date and Link to the successor', () => {
    expect(
      deprecationHeaders(
        resolved({ deprecatedAt: '2026-01-01T00:00:00.900Z', sunsetAt: '2026-07-01T12:00:00+02:00', successorVersion: 3 }),
      ),
    ).toEqual({
      Deprecation: '@1767225600',
      Sunset: 'Wed, 01 Jul 2026 10:00:00 GMT',
      Link: '</v1/models/churn%20model/versions/3>; rel="successor-version"',
    });
  });

  it('leaves out what is not set and lets the caller shape the successor link', () => {
    expect(deprecationHeaders(resolved({ deprecatedAt: '2026-01-01T00:00:00Z' }))).toEqual({ Deprecation: '@1767225600' });
    expect(
      deprecationHeaders(
        resolved({ deprecatedAt: '2026-01-01T00:00:00Z', successorVersion: 2 }),
        (name, v) => `/v2/models/${name}/versions/${v}`,
      ),
    ).toMatchObject({ Link: '</v2/models/churn model/versions/2>; rel="successor-version"' });
  });
});
