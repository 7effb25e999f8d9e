import type { AuditEventInput } from '@infergate/audit';
import type { Principal, Role } from '@infergate/contracts';
import type { PolicyRule, PolicySet, PolicySource } from '../policy/policy.types';

/** Test helpers for the authorization specs (and the lead's e2e suites); no Nest, no files. */

export function testPrincipal(overrides: Partial<Principal> & { roleNames?: Role[] } = {}): Principal {
  const { roleNames = ['model-consumer'], ...rest } = overrides;
  const orgId = rest.orgId === undefined ? 'org-a' : rest.orgId;
  return {
    kind: 'application',
    subject: 'app-1',
    orgId,
    projectIds: ['p-1'],
    roles: roleNames.map((role) => ({ role, orgId, projectId: null })),
    scopes: ['infer', 'models:read'],
    clearance: 'internal',
    allowedRegions: ['eu'],
    allowedCidrs: [],
    authMethod: 'access_token',
    ...rest,
  };
}

export function testPolicySet(rules: PolicyRule[], version = 'v1'): PolicySet {
  return { version, rules, files: ['test.yaml'], loadedAt: new Date(0) };
}

/** A policy source whose set the test swaps, telling listeners like the real one does. */
export class TestPolicySource implements PolicySource {
  private readonly listeners: ((set: PolicySet) => void)[] = [];

  constructor(private set: PolicySet) {}

  current(): PolicySet {
    return this.set;
  }

  onChange(listener: (set: PolicySet) => void): void {
    this.listeners.push(listener);
  }

  swap(set: PolicySet): void {
    this.set = set;
    for (const listener of this.listeners) listener(set);
  }
}

/** Collects audit events instead of storing them. */
export class RecordingAudit {
  readonly events: AuditEventInput[] = [];

  record(event: AuditEventInput): Promise<string> {
    this.events.push(event);
    return Promise.resolve(String(this.events.length));
  }
}
