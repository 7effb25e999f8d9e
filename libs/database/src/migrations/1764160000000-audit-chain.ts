import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';
import { columnTypes } from './column-types';

/**
 * The audit trail becomes tamper-evident: every event carries its chain, its position in it, the
 * previous event's hash and its own. Rows stored before this migration keep null there: they are
 * reported as unchained by `audit verify` rather than backfilled, since a hash computed now would
 * vouch for content nobody can vouch for. Retention checkpoints say where a pruned chain resumes.
 */
export class AuditChain1764160000000 implements MigrationInterface {
  name = 'AuditChain1764160000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const types = columnTypes(queryRunner);
    await queryRunner.addColumns('audit_events', [
      new TableColumn({ name: 'chain', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'seq', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'prev_hash', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'hash', type: 'varchar', length: '64', isNullable: true }),
    ]);
    // (org_id, occurred_at) and (action, occurred_at) exist since the table was created.
    await queryRunner.createIndices('audit_events', [
      new TableIndex({ name: 'ux_audit_events_chain_seq', columnNames: ['chain', 'seq'], isUnique: true }),
      new TableIndex({ name: 'ix_audit_events_time_id', columnNames: ['occurred_at', 'id'] }),
      new TableIndex({ name: 'ix_audit_events_actor', columnNames: ['actor_id'] }),
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'audit_checkpoints',
        columns: [
          { name: 'chain', type: 'varchar', length: '64', isPrimary: true },
          { name: 'through_seq', type: 'bigint', isNullable: false },
          { name: 'through_hash', type: 'varchar', length: '64', isNullable: false },
          { name: 'pruned_at', type: types.timestamp, isNullable: false },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_checkpoints');
    for (const name of ['ix_audit_events_actor', 'ix_audit_events_time_id', 'ux_audit_events_chain_seq']) {
      await queryRunner.dropIndex('audit_events', name);
    }
    await queryRunner.dropColumns('audit_events', ['hash', 'prev_hash', 'seq', 'chain']);
  }
}
