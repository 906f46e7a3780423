import { applyDecorators, Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiResponseOptions, ApiTags } from '@nestjs/swagger';
import { ErrorDto } from './api-error.dto';

export interface BearerControllerOptions {
  /** The route prefix; none: the routes name their whole path. */
  path?: string;
  /** The OpenAPI tag the routes are listed under. */
  tag: string;
  /** Answers documented on every route besides the 401 (e.g. a shared 400), as listed. */
  responses?: ApiResponseOptions[];
}

/**
 * A controller behind the bearer token (BearerAuthGuard): its tag, the security requirement and
 * the 401 every route answers, said once. It applies the decorators in the order the stack
 * `@ApiTags @ApiBearerAuth @ApiResponse(401) @ApiResponse(...responses) @Controller` would
 * (bottom up): the OpenAPI document lists the answers in the order that stack gave them.
 */
export function BearerController(options: BearerControllerOptions): ClassDecorator {
  return applyDecorators(
    options.path === undefined ? Controller() : Controller(options.path),
    // Written below the 401 in the stack, so applied before it: last listed, first applied.
    ...[...(options.responses ?? [])].reverse().map((response) => ApiResponse(response)),
    ApiResponse({ status: 401, description: 'Missing or unknown bearer token', type: ErrorDto }),
    ApiBearerAuth(),
    ApiTags(options.tag),
  );
}
