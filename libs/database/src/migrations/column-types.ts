import type { QueryRunner } from 'typeorm';

/** Column types that differ between the two supported drivers, so one migration serves both. */
export function columnTypes(queryRunner: QueryRunner): { timestamp: string } {
  return { timestamp: queryRunner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime' };
}
