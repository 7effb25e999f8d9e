import { Injectable, Logger } from '@nestjs/common';

/** Something changed that cached credentials of this replica may depend on. */
export type CredentialChange =
  { kind: 'application'; applicationId: string } | { kind: 'organization'; orgId: string } | { kind: 'principal'; principalId: string };

/**
 * In-process notifications from the tenancy directory to the credential caches of this replica
 * (API keys), so a disabled application or a shrunk role binding is never served from a cache here.
 * Other replicas learn through the revocation store.
 */
@Injectable()
export class TenancyEvents {
  private readonly logger = new Logger(TenancyEvents.name);
  private readonly listeners: ((change: CredentialChange) => void)[] = [];

  onCredentialChange(listener: (change: CredentialChange) => void): void {
    this.listeners.push(listener);
  }

  credentialChanged(change: CredentialChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.error({ event: 'tenancy.listener_failed', err: error }, 'credential change listener failed');
      }
    }
  }
}
