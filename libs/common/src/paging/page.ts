import { ApiProperty } from '@nestjs/swagger';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** One page of a list. */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** What pageOf() needs of a list query (PaginationQueryDto, or any DTO that extends it). */
export interface Pagination {
  limit: number;
  offset: number;
}

/**
 * Runs a list query (already filtered, in SQL, to what the caller may see) as one stable page, ordered
 * by `order` (oldest first by default), ties broken by id, with the total of all matching rows.
 */
export async function pageOf<T extends ObjectLiteral, D>(
  rows: SelectQueryBuilder<T>,
  alias: string,
  query: Pagination,
  view: (row: T) => D | Promise<D>,
  order: { column: string; direction: 'ASC' | 'DESC' } = { column: 'createdAt', direction: 'ASC' },
): Promise<Page<D>> {
  const [items, total] = await rows
    .orderBy(`${alias}.${order.column}`, order.direction)
    .addOrderBy(`${alias}.id`, 'ASC')
    .take(query.limit)
    .skip(query.offset)
    .getManyAndCount();
  return { items: await Promise.all(items.map(view)), total, limit: query.limit, offset: query.offset };
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
