import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';
import { column } from './column-types';

const { id, ref, text, str } = column;

/**
 * The model registry: models, their versions (endpoint sealed with the master key), aliases and the
 * history of stage transitions. JSON documents are text. Versions carry their model's org, project and
 * sensitivity so that the policy's conditions filter version lists in SQL without a join.
 */
export class CreateModelRegistry1764150000000 implements MigrationInterface {
  name = 'CreateModelRegistry1764150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const at = (name: string, nullable = false): TableColumnOptions => column.at(queryRunner, name, nullable);

    await queryRunner.createTable(
      new Table({
        name: 'models',
        columns: [
          id(),
          ref('org_id'),
          ref('project_id', true),
          str('name', 100),
          str('description', 2000, true),
          text('tags', false),
          str('owner', 255),
          str('sensitivity', 16),
          str('status', 16),
          at('created_at'),
          at('updated_at'),
        ],
        uniques: [{ name: 'uq_models_org_name', columnNames: ['org_id', 'name'] }],
        foreignKeys: [
          { columnNames: ['org_id'], referencedTableName: 'organizations', referencedColumnNames: ['id'] },
          { columnNames: ['project_id'], referencedTableName: 'projects', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'model_versions',
        columns: [
          id(),
          ref('model_id'),
          ref('org_id'),
          ref('project_id', true),
          str('sensitivity', 16),
          { name: 'version', type: 'integer', isNullable: false },
          str('stage', 16),
          str('status', 16),
          text('input_contract', false),
          text('output_schema'),
          text('pii_rule'),
          str('backend', 16),
          text('endpoint_sealed', false),
          str('region', 64, true),
          text('cost', false),
          text('deprecation'),
          at('created_at'),
          at('updated_at'),
        ],
        uniques: [{ name: 'uq_model_versions_model_version', columnNames: ['model_id', 'version'] }],
        foreignKeys: [{ columnNames: ['model_id'], referencedTableName: 'models', referencedColumnNames: ['id'] }],
      }),
    );
    await queryRunner.createIndex('model_versions', new TableIndex({ name: 'ix_model_versions_org', columnNames: ['org_id'] }));
    await queryRunner.createTable(
      new Table({
        name: 'model_aliases',
        columns: [
          { ...ref('model_id'), isPrimary: true },
          { ...str('name', 64), isPrimary: true },
          ref('version_id'),
          { name: 'protected', type: 'boolean', isNullable: false, default: false },
          str('updated_by', 255),
          at('updated_at'),
        ],
        foreignKeys: [
          { columnNames: ['model_id'], referencedTableName: 'models', referencedColumnNames: ['id'] },
          { columnNames: ['version_id'], referencedTableName: 'model_versions', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'model_stage_transitions',
        columns: [
          id(),
          ref('version_id'),
          str('from_stage', 16),
          str('to_stage', 16),
          str('actor', 255),
          str('reason', 1000, true),
          at('at'),
        ],
        foreignKeys: [{ columnNames: ['version_id'], referencedTableName: 'model_versions', referencedColumnNames: ['id'] }],
      }),
    );
    await queryRunner.createIndex(
      'model_stage_transitions',
      new TableIndex({ name: 'ix_model_stage_transitions_version', columnNames: ['version_id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['model_stage_transitions', 'model_aliases', 'model_versions', 'models']) {
      await queryRunner.dropTable(table);
    }
  }
}
