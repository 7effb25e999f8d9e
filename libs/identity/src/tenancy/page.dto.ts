import { ApiProperty } from '@nestjs/swagger';

/** One page of a list. */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
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
