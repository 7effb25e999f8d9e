import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

export const MAX_PAGE_LIMIT = 200;
export const MAX_PAGE_OFFSET = 1_000_000;

/**
 * limit/offset of every list route's query; list queries extend it. Query values are strings: @Type()
 * converts them explicitly (the pipe has no implicit conversion) and @IsInt() then refuses what was not
 * an integer ("abc" → NaN, "1.5").
 */
export class PaginationQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT, default: 50 })
  @Type(() => Number)
  @IsInt({ message: 'Must be an integer.' })
  @Min(1, { message: 'Must be at least 1.' })
  @Max(MAX_PAGE_LIMIT, { message: `Must be at most ${MAX_PAGE_LIMIT}.` })
  limit: number = 50;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_PAGE_OFFSET, default: 0 })
  @Type(() => Number)
  @IsInt({ message: 'Must be an integer.' })
  @Min(0, { message: 'Must be at least 0.' })
  @Max(MAX_PAGE_OFFSET, { message: `Must be at most ${MAX_PAGE_OFFSET}.` })
  offset: number = 0;
}
