import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';

/**
 * For the authorization specs only: a small table to run restrictQuery against a real SQLite
 * database and compare its rows with what can() says. The table is created by hand, like every
 * table of the product (which never uses `synchronize`).
 */
@Entity('authz_test_model')
export class AuthzTestModel {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  // A column name unlike its property: the translation must go through TypeORM's property mapping.
  @Column({ name: 'org_id', type: 'varchar', nullable: true })
  orgId!: string | null;

  @Column({ type: 'varchar', nullable: true })
  stage!: string | null;

  @Column({ type: 'integer', nullable: true })
  size!: number | null;

  @Column({ type: 'varchar', nullable: true })
  sensitivity!: string | null;

  @Column({ type: 'boolean' })
  published!: boolean;
}

export const TEST_VALUES = {
  orgId: ['org-a', 'org-b', null],
  stage: ['archived', 'production', 'staging', null],
  size: [null, 1, 5, 10],
  sensitivity: ['public', 'internal', 'restricted', null],
  published: [true, false],
} as const;

/** Every combination of TEST_VALUES: 384 rows, NULLs included. */
export function allTestRows(): AuthzTestModel[] {
  const rows: AuthzTestModel[] = [];
  let id = 1;
  for (const orgId of TEST_VALUES.orgId)
    for (const stage of TEST_VALUES.stage)
      for (const size of TEST_VALUES.size)
        for (const sensitivity of TEST_VALUES.sensitivity)
          for (const published of TEST_VALUES.published) rows.push({ id: id++, orgId, stage, size, sensitivity, published });
  return rows;
}

export async function startTestDatabase(): Promise<DataSource> {
  const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [AuthzTestModel] });
  await dataSource.initialize();
  await dataSource.query(
    'CREATE TABLE authz_test_model (id integer PRIMARY KEY, org_id varchar NULL, stage varchar NULL, size integer NULL, sensitivity varchar NULL, published boolean NOT NULL)',
  );
  await dataSource.getRepository(AuthzTestModel).insert(allTestRows());
  return dataSource;
}
