/**
 * Which successful authentications go to the audit trail. Failures are always audited; a success is
 * audited the first time a credential is used from a source address and again once per `intervalMs`
 * while it keeps being used from there. Every call still leaves its own trace where it matters (each
 * inference call and each change is an audit event naming the principal), so the trail keeps who
 * authenticated, with what, from where and since when — without an event per request for a client
 * that reuses one token thousands of times a second.
 *
 * Memory is bounded: the least recently audited credential is forgotten first (then audited again on
 * its next use, which only errs towards more events).
 */
export class SuccessAuditSampler {
  private readonly lastAudited = new Map<string, number>();

  constructor(
    private readonly intervalMs = 300_000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when this use of the credential (`credentialId`, from `source`) should be audited now. */
  shouldAudit(credentialId: string, source: string): boolean {
    const key = `${credentialId}\0${source}`;
    const now = this.now();
    const last = this.lastAudited.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.lastAudited.delete(key);
    this.lastAudited.set(key, now);
    if (this.lastAudited.size > this.maxEntries) this.lastAudited.delete(this.lastAudited.keys().next().value as string);
    return true;
  }
}
