import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';
import { column } from './column-types';

const { id, ref, text, str } = column;

/** The tenancy directory and the credentials of the identity module. Lists are JSON text. */
export class CreateIdentity1764140000000 implements MigrationInterface {
  name = 'CreateIdentity1764140000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const at = (name: string, nullable = false): TableColumnOptions => column.at(queryRunner, name, nullable);

    await queryRunner.createTable(
      new Table({
        name: 'organizations',
        columns: [
          id(),
          str('name', 100),
          str('display_name', 200, true),
          str('status', 16),
          text('allowed_regions', false),
          text('allowed_cidrs', false),
          str('max_clearance', 16),
          at('created_at'),
          at('updated_at'),
        ],
        uniques: [{ name: 'uq_organizations_name', columnNames: ['name'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'projects',
        columns: [id(), ref('org_id'), str('name', 100), str('status', 16), at('created_at'), at('updated_at')],
        uniques: [{ name: 'uq_projects_org_name', columnNames: ['org_id', 'name'] }],
        foreignKeys: [{ columnNames: ['org_id'], referencedTableName: 'organizations', referencedColumnNames: ['id'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'applications',
        columns: [
          id(),
          ref('org_id'),
          ref('project_id', true),
          str('client_id', 64),
          str('name', 100),
          str('status', 16),
          str('auth_method', 32),
          text('allowed_scopes', false),
          str('secret_hash', 128, true),
          str('previous_secret_hash', 128, true),
          at('previous_secret_expires_at', true),
          text('jwks'),
          str('tls_cert_thumbprint', 64, true),
          str('tls_subject_san', 255, true),
          str('clearance', 16),
          text('allowed_regions', false),
          text('allowed_cidrs', false),
          at('created_at'),
          at('updated_at'),
          at('disabled_at', true),
        ],
        uniques: [{ name: 'uq_applications_client_id', columnNames: ['client_id'] }],
        foreignKeys: [
          { columnNames: ['org_id'], referencedTableName: 'organizations', referencedColumnNames: ['id'] },
          { columnNames: ['project_id'], referencedTableName: 'projects', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await queryRunner.createIndex('applications', new TableIndex({ name: 'ix_applications_org', columnNames: ['org_id'] }));
    await queryRunner.createIndex(
      'applications',
      new TableIndex({ name: 'ix_applications_thumbprint', columnNames: ['tls_cert_thumbprint'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          id(),
          ref('org_id', true),
          str('issuer', 255),
          str('subject', 255),
          str('email', 320, true),
          str('display_name', 200, true),
          at('created_at'),
          at('last_seen_at'),
        ],
        uniques: [{ name: 'uq_users_issuer_subject', columnNames: ['issuer', 'subject'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'role_bindings',
        columns: [
          id(),
          str('principal_type', 16),
          ref('principal_id'),
          str('role', 32),
          ref('org_id', true),
          ref('project_id', true),
          at('created_at'),
        ],
      }),
    );
    await queryRunner.createIndex(
      'role_bindings',
      new TableIndex({ name: 'ix_role_bindings_principal', columnNames: ['principal_type', 'principal_id'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'signing_keys',
        columns: [
          { name: 'kid', type: 'varchar', length: '64', isPrimary: true },
          str('algorithm', 16),
          text('public_jwk', false),
          text('private_key', false),
          str('status', 16),
          at('created_at'),
          at('activates_at'),
          at('retires_at', true),
          at('expires_at', true),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'trusted_issuers',
        columns: [
          id(),
          str('issuer', 255),
          ref('org_id', true),
          str('jwks_uri', 1024, true),
          { name: 'discovery', type: 'boolean', default: false },
          str('audience', 255),
          text('algorithms', false),
          text('claim_mapping', false),
          { name: 'clock_skew_seconds', type: 'integer', default: 30 },
          str('introspection_endpoint', 1024, true),
          str('introspection_client_id', 255, true),
          text('introspection_client_secret'),
          str('status', 16),
          at('created_at'),
          at('updated_at'),
        ],
        uniques: [{ name: 'uq_trusted_issuers_issuer', columnNames: ['issuer'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          { name: 'id', type: 'varchar', length: '32', isPrimary: true },
          ref('application_id'),
          ref('org_id'),
          str('name', 100),
          str('key_hash', 128),
          text('scopes', false),
          at('expires_at', true),
          at('revoked_at', true),
          at('last_used_at', true),
          at('created_at'),
        ],
        foreignKeys: [{ columnNames: ['application_id'], referencedTableName: 'applications', referencedColumnNames: ['id'] }],
      }),
    );
    await queryRunner.createIndex('api_keys', new TableIndex({ name: 'ix_api_keys_application', columnNames: ['application_id'] }));
    await queryRunner.createTable(
      new Table({
        name: 'revoked_tokens',
        columns: [{ name: 'jti', type: 'varchar', length: '128', isPrimary: true }, at('expires_at'), at('revoked_at')],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'revoked_tokens',
      'api_keys',
      'trusted_issuers',
      'signing_keys',
      'role_bindings',
      'users',
      'applications',
      'projects',
      'organizations',
    ]) {
      await queryRunner.dropTable(table);
    }
  }
}
