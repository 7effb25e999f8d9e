import { ApiProperty } from '@nestjs/swagger';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** One page of a list. */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * Runs a list query (already filtered, in SQL, to what the caller may see) as one stable page:
 * oldest first, ties broken by id, with the total of all matching rows.
 */
export async function pageOf<T extends ObjectLiteral, D>(
  rows: SelectQueryBuilder<T>,
  alias: string,
  query: { limit: number; offset: number },
  view: (row: T) => D,
): Promise<Page<D>> {
  const [items, total] = await rows
    .orderBy(`${alias}.createdAt`, 'ASC')
    .addOrderBy(`${alias}.id`, 'ASC')
    .take(query.limit)
    .skip(query.offset)
    .getManyAndCount();
  return { items: items.map(view), total, limit: query.limit, offset: query.offset };
}

/** The paging members of every list response (the item type is documented per route). */
export class PageMetaDto {
  @ApiProperty({ description: 'Items matching the filters, across all pages.' })
  total!: number;

  @ApiProperty()
  limit!: number;

  @ApiProperty()
  offset!: number;
}
