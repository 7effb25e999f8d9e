import type { QueryRunner, TableColumnOptions } from 'typeorm';

/** Column types that differ between the two supported drivers, so one migration serves both. */
export function columnTypes(queryRunner: QueryRunner): { timestamp: string } {
  return { timestamp: queryRunner.connection.options.type === 'postgres' ? 'timestamptz' : 'datetime' };
}

/** The column shapes the migrations use, written once: ids and references are UUID text, JSON is text. */
export const column = {
  id: (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: true }),
  ref: (name: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isNullable: nullable }),
  text: (name: string, nullable = true): TableColumnOptions => ({ name, type: 'text', isNullable: nullable }),
  str: (name: string, length: number, nullable = false): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: String(length),
    isNullable: nullable,
  }),
  /** A point in time (timestamptz on PostgreSQL, datetime on SQLite). */
  at: (queryRunner: QueryRunner, name: string, nullable = false): TableColumnOptions => ({
    name,
    type: columnTypes(queryRunner).timestamp,
    isNullable: nullable,
  }),
};
