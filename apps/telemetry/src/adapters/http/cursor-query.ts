import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { parseLimit, required } from '@dock/platform';
import { decodeTimeCursor, type TimeCursor } from '../../domain/query-params';

export interface PageSize {
  max: number;
  fallback: number;
}

/**
 * The query of a list paged with the `next` cursor: the page size and where the previous page
 * ended. Applied in the order of the `@ApiQuery(limit) @ApiQuery(after)` stack it stands for.
 */
export function ApiCursorQuery(size: PageSize): MethodDecorator {
  return applyDecorators(
    ApiQuery({ name: 'after', required: false, description: 'the `next` of the previous page' }),
    ApiQuery({
      name: 'limit',
      required: false,
      description: `1..${size.max}, default ${size.fallback}`,
    }),
  );
}

/** The page size and the time cursor of such a query, or the 400 naming the one at fault. */
export function timeCursorPage(
  limit: string | undefined,
  after: string | undefined,
  size: PageSize,
): { limit: number; after: TimeCursor | null } {
  return {
    limit: required(parseLimit(limit, size.fallback, size.max)),
    after: required(decodeTimeCursor(after)),
  };
}
