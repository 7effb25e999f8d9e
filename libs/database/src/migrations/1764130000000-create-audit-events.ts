import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { columnTypes } from './column-types';

export class CreateAuditEvents1764130000000 implements MigrationInterface {
  name = 'CreateAuditEvents1764130000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const types = columnTypes(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'occurred_at', type: types.timestamp, isNullable: false },
          { name: 'actor_type', type: 'varchar', length: '32', isNullable: false },
          { name: 'actor_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'org_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'action', type: 'varchar', length: '128', isNullable: false },
          { name: 'resource_type', type: 'varchar', length: '64', isNullable: true },
          { name: 'resource_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'outcome', type: 'varchar', length: '16', isNullable: false },
          { name: 'reason', type: 'varchar', length: '255', isNullable: true },
          { name: 'request_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'details', type: 'text', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex(
      'audit_events',
      new TableIndex({ name: 'ix_audit_events_org_time', columnNames: ['org_id', 'occurred_at'] }),
    );
    await queryRunner.createIndex(
      'audit_events',
      new TableIndex({ name: 'ix_audit_events_action_time', columnNames: ['action', 'occurred_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_events');
  }
}
