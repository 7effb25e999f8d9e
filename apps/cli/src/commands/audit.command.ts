import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { verifyAuditTrail } from '@infergate/audit';
import { DatabaseService } from '@infergate/database';
import { CliOutput } from '../cli-output';

interface VerifyOptions {
  chain?: string;
}

/**
 * `audit verify [--chain X]`: walks every hash chain (or one) and exits 0 with a summary when the
 * trail is intact, or 1 with one line naming the first changed, deleted or reordered event.
 */
@SubCommand({ name: 'verify', description: 'check the audit trail hash chains for changed, deleted or reordered events' })
export class AuditVerifyCommand extends CommandRunner {
  constructor(private readonly database: DatabaseService) {
    super();
  }

  @Option({ flags: '--chain <chain>', description: 'verify only this chain' })
  parseChain(value: string): string {
    return value;
  }

  async run(_params: string[], options: VerifyOptions = {}): Promise<void> {
    const pending = await this.database.pendingMigrations();
    if (pending.length > 0) throw new Error(`the database schema is not current (${pending.length} pending); run "migrate run" first`);
    await this.database.migrate();
    const result = await verifyAuditTrail(this.database.dataSource, { chain: options.chain });
    if (result.firstFinding) {
      const { kind, chain, eventId, seq, reason } = result.firstFinding;
      throw new Error(`audit trail broken (${kind} event ${eventId}, seq ${seq}, chain ${chain}): ${reason}`);
    }
    const events = result.chains.reduce((sum, chain) => sum + chain.events, 0);
    const pruned = result.chains.filter((chain) => chain.checkpointSeq !== null).length;
    CliOutput.line(
      `audit trail intact: ${events} events in ${result.chains.length} chain(s)` +
        (pruned > 0 ? `, ${pruned} resuming from a retention checkpoint` : '') +
        (result.unchained > 0 ? `; ${result.unchained} events from before the hash chain are not verifiable` : ''),
    );
  }
}

@Command({ name: 'audit', description: 'the audit trail', subCommands: [AuditVerifyCommand] })
export class AuditCommand extends CommandRunner {
  run(): Promise<void> {
    this.command.help();
    return Promise.resolve();
  }
}

export const AUDIT_COMMANDS = [AuditCommand, AuditVerifyCommand];
