import { z } from 'zod';
import { isAllowedIdpUrl } from './idp-http';
import { EXTERNAL_ALGORITHMS, MAX_EXTERNAL_SKEW_SECONDS } from './external-token.verifier';
import type { TrustedIssuerEntity } from './trusted-issuer.entity';

const idpUrl = (max: number) =>
  z
    .string()
    .max(max)
    .refine(isAllowedIdpUrl, { message: 'must be an https URL (http only for a loopback host), without credentials or fragment' });

const claimName = z.string().min(1).max(200);

export const claimMappingSchema = z
  .object({
    org: claimName.optional(),
    roles: claimName.optional(),
    scopes: claimName.optional(),
    clearance: claimName.optional(),
    projects: claimName.optional(),
    regions: claimName.optional(),
  })
  .strict();

const introspectionSchema = z
  .object({
    endpoint: idpUrl(1024).optional(),
    clientId: z.string().min(1).max(255),
    clientSecret: z.string().min(1).max(1024),
  })
  .strict();

const fields = {
  orgId: z.string().min(1).max(36).nullable(),
  jwksUri: idpUrl(1024).nullable(),
  discovery: z.boolean(),
  audience: z.string().min(1).max(255),
  algorithms: z
    .array(z.enum(EXTERNAL_ALGORITHMS))
    .min(1)
    .max(EXTERNAL_ALGORITHMS.length)
    .transform((list) => [...new Set(list)]),
  claimMapping: claimMappingSchema,
  clockSkewSeconds: z.number().int().min(0).max(MAX_EXTERNAL_SKEW_SECONDS),
  introspection: introspectionSchema.nullable(),
};

/** POST /v1/admin/issuers */
export const createTrustedIssuerSchema = z
  .object({
    issuer: idpUrl(255),
    orgId: fields.orgId.optional().default(null),
    jwksUri: fields.jwksUri.optional().default(null),
    discovery: fields.discovery.optional().default(false),
    audience: fields.audience,
    algorithms: fields.algorithms,
    claimMapping: fields.claimMapping.optional().default({}),
    clockSkewSeconds: fields.clockSkewSeconds.optional().default(30),
    introspection: fields.introspection.optional().default(null),
  })
  .strict()
  .refine((input) => input.jwksUri !== null || input.discovery || input.introspection?.endpoint !== undefined, {
    message: 'give jwksUri, discovery: true, or an introspection endpoint',
    path: ['jwksUri'],
  })
  .refine((input) => !input.introspection || input.introspection.endpoint !== undefined || input.discovery, {
    message: 'an introspection client needs an endpoint or discovery: true',
    path: ['introspection', 'endpoint'],
  });
export type CreateTrustedIssuerInput = z.output<typeof createTrustedIssuerSchema>;

/** PATCH /v1/admin/issuers/:id — the issuer URL itself cannot change; create another issuer instead. */
export const updateTrustedIssuerSchema = z
  .object({
    orgId: fields.orgId.optional(),
    jwksUri: fields.jwksUri.optional(),
    discovery: fields.discovery.optional(),
    audience: fields.audience.optional(),
    algorithms: fields.algorithms.optional(),
    claimMapping: fields.claimMapping.optional(),
    clockSkewSeconds: fields.clockSkewSeconds.optional(),
    introspection: fields.introspection.optional(),
  })
  .strict();
export type UpdateTrustedIssuerInput = z.output<typeof updateTrustedIssuerSchema>;

/** What the admin API shows of a trusted issuer: never the introspection client secret. */
export interface TrustedIssuerResponse {
  id: string;
  issuer: string;
  orgId: string | null;
  jwksUri: string | null;
  discovery: boolean;
  audience: string;
  algorithms: string[];
  claimMapping: Record<string, string>;
  clockSkewSeconds: number;
  introspection: { endpoint: string | null; clientId: string; clientSecretSet: boolean } | null;
  status: string;
  createdAt: string;
  updatedAt: string;
}

export function toTrustedIssuerResponse(entity: TrustedIssuerEntity): TrustedIssuerResponse {
  return {
    id: entity.id,
    issuer: entity.issuer,
    orgId: entity.orgId,
    jwksUri: entity.jwksUri,
    discovery: entity.discovery,
    audience: entity.audience,
    algorithms: [...entity.algorithms],
    claimMapping: { ...entity.claimMapping },
    clockSkewSeconds: entity.clockSkewSeconds,
    introspection: entity.introspectionClientId
      ? {
          endpoint: entity.introspectionEndpoint,
          clientId: entity.introspectionClientId,
          clientSecretSet: Boolean(entity.introspectionClientSecret),
        }
      : null,
    status: entity.status,
    createdAt: new Date(entity.createdAt).toISOString(),
    updatedAt: new Date(entity.updatedAt).toISOString(),
  };
}
