import { ArgumentsHost, NotFoundException } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { AuditService } from '@infergate/audit';
import { ProblemDetailsFilter, AccessForbiddenException, ResourceNotFoundException } from '@infergate/common';
import type { PolicyRule } from '../policy/policy.types';
import { AuthzTestModel, startTestDatabase } from './ability-sql-testing';
import { RecordingAudit, TestPolicySource, testPolicySet, testPrincipal } from './ability-testing';
import { AbilityCache } from './ability.cache';

import { CaslAccessPolicy } from './casl-access-policy';

const rules: PolicyRule[] = [
  {
    id: 'consumer-read',
    effect: 'allow',
    roles: ['model-consumer'],
    actions: ['read', 'infer'],
    subject: 'Model',
    conditions: { orgId: '${principal.orgId}' },
  },
  { id: 'no-archived-infer', effect: 'deny', roles: ['*'], actions: ['infer'], subject: 'Model', conditions: { stage: 'archived' } },
  {
    id: 'publisher-fields',
    effect: 'allow',
    roles: ['model-publisher'],
    actions: ['read'],
    subject: 'ModelVersion',
    conditions: { orgId: '${principal.orgId}' },
    fields: ['id', 'name', 'upstreamUrl'],
  },
  { id: 'consumer-versions', effect: 'allow', roles: ['model-consumer'], actions: ['read'], subject: 'ModelVersion' },
  { id: 'hide-upstream', effect: 'deny', roles: ['model-consumer'], actions: ['read'], subject: 'ModelVersion', fields: ['upstreamUrl'] },
];

describe(CaslAccessPolicy.name, () => {
  let audit: RecordingAudit;
  let sut: CaslAccessPolicy;
  const consumer = testPrincipal({ roleNames: ['model-consumer'], orgId: 'org-a' });

  beforeEach(() => {
    audit = new RecordingAudit();
    sut = new CaslAccessPolicy(new AbilityCache(new TestPolicySource(testPolicySet(rules, 'sha-1'))), audit as unknown as AuditService);
  });

  describe('can', () => {
    it('checks the instance when there is one, the type otherwise', () => {
      expect(sut.can(consumer, 'read', 'Model', { id: 'm1', orgId: 'org-a' })).toBe(true);
      expect(sut.can(consumer, 'read', 'Model', { id: 'm2', orgId: 'org-b' })).toBe(false);
      expect(sut.can(consumer, 'read', 'Model')).toBe(true);
      expect(sut.can(consumer, 'delete', 'Model')).toBe(false);
    });

    it('checks a frozen resource, and one already checked as another type', () => {
      const shared = { id: 'x', orgId: 'org-a' };
      expect(sut.can(consumer, 'read', 'Model', shared)).toBe(true);

      expect(sut.can(consumer, 'read', 'ModelVersion', shared)).toBe(true);
      expect(sut.can(consumer, 'infer', 'Model', Object.freeze({ id: 'y', orgId: 'org-a', stage: 'archived' }))).toBe(false);
    });
  });

  describe('assert', () => {
    it('passes silently when allowed', () => {
      expect(() => sut.assert(consumer, 'infer', 'Model', { id: 'm1', orgId: 'org-a', stage: 'production' })).not.toThrow();
      expect(audit.events).toEqual([]);
    });

    it("answers another organization's resource with a 404, audited with no-allow-rule", () => {
      expect(() => sut.assert(consumer, 'infer', 'Model', { id: 'm2', orgId: 'org-b' })).toThrow(ResourceNotFoundException);
      expect(audit.events).toEqual([
        expect.objectContaining({
          action: 'authz.denied',
          outcome: 'denied',
          actor: { type: 'application', id: 'app-1' },
          orgId: 'org-a',
          resource: { type: 'Model', id: 'm2' },
          reason: 'no-allow-rule',
          details: { action: 'infer', subject: 'Model', resourceId: 'm2', rule: 'no-allow-rule', policyVersion: 'sha-1', status: 404 },
        }),
      ]);
    });

    it('answers a readable resource the action is denied on with a 403 naming the deny rule', () => {
      expect(() => sut.assert(consumer, 'infer', 'Model', { id: 'm3', orgId: 'org-a', stage: 'archived' })).toThrow(
        AccessForbiddenException,
      );
      expect(audit.events[0]).toMatchObject({ reason: 'no-archived-infer', details: { rule: 'no-archived-infer', status: 403 } });
    });

    it('answers 403 when readable but no rule allows the action', () => {
      expect(() => sut.assert(consumer, 'update', 'Model', { id: 'm1', orgId: 'org-a' })).toThrow(AccessForbiddenException);
      expect(audit.events[0]).toMatchObject({ details: { action: 'update', rule: 'no-allow-rule', status: 403 } });
    });

    it('renders the 404 byte for byte like the gateway renders a path where nothing exists', () => {
      const render = (error: unknown) => {
        const sent: { body?: string; status?: number; headers?: unknown } = {};
        const reply = {
          sent: false,
          raw: { headersSent: false },
          code(status: number) {
            sent.status = status;
            return this;
          },
          headers(headers: unknown) {
            sent.headers = headers;
            return this;
          },
          type() {
            return this;
          },
          send(body: string) {
            sent.body = body;
            return this;
          },
        };
        const request = { url: '/v1/models/m2', id: 'req-1' };
        const host = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ArgumentsHost;
        new ProblemDetailsFilter().catch(error, host);
        return sent;
      };
      let denial: unknown;
      try {
        sut.assert(consumer, 'read', 'Model', { id: 'm2', orgId: 'org-b' });
      } catch (error) {
        denial = error;
      }

      // What Nest's router throws for a path with no route.
      expect(render(denial)).toEqual(render(new NotFoundException('Cannot GET /v1/models/m2')));
    });
  });

  describe('readableFields', () => {
    it("is 'all' when no rule restricts fields", () => {
      expect(sut.readableFields(consumer, 'Model', { id: 'm1', orgId: 'org-a' })).toBe('all');
    });

    it('lists the fields an allow rule names', () => {
      const publisher = testPrincipal({ roleNames: ['model-publisher'] });

      expect(sut.readableFields(publisher, 'ModelVersion', { id: 'v1', orgId: 'org-a', name: 'n', upstreamUrl: 'u', secret: 's' })).toEqual(
        ['id', 'name', 'upstreamUrl'],
      );
    });

    it('drops the fields a deny rule names, even under an unrestricted allow', () => {
      const fields = sut.readableFields(consumer, 'ModelVersion', { id: 'v1', orgId: 'org-a', name: 'n', upstreamUrl: 'u' });

      expect(fields).toEqual(['id', 'orgId', 'name']);
    });

    it('is nothing when the resource may not be read', () => {
      expect(sut.readableFields(consumer, 'Model', { id: 'm2', orgId: 'org-b' })).toEqual([]);
    });
  });

  describe('restrictQuery', () => {
    let dataSource: DataSource;

    beforeAll(async () => {
      dataSource = await startTestDatabase();
    });

    afterAll(async () => {
      await dataSource.destroy();
    });

    const restricted = (principal = consumer, action: 'read' | 'infer' = 'read') =>
      sut.restrictQuery(dataSource.getRepository(AuthzTestModel).createQueryBuilder('m'), 'm', principal, action, 'Model');

    it("narrows the query to the principal's organization, in SQL, counts included", async () => {
      const [found, count] = await restricted().getManyAndCount();

      expect(count).toBe(128);
      expect(found.every((row) => row.orgId === 'org-a')).toBe(true);
      expect(await restricted(consumer, 'infer').getCount()).toBe(96);
    });

    it('gives nothing to a principal whose placeholders have no value', async () => {
      const query = restricted(testPrincipal({ roleNames: ['model-consumer'], orgId: null }));

      expect(query.getQuery()).toContain('1 = 0');
      expect(await query.getCount()).toBe(0);
    });
  });
});
