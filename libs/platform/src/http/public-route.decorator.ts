import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorDto } from './api-error.dto';

export const PUBLIC_ROUTE = 'platform:public-route';

/**
 * Marks a controller or handler as reachable without a bearer token (e.g. a download route
 * that carries its own signature). Everything else is protected by BearerAuthGuard.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

export const ADMIN_ONLY_ROUTE = 'platform:admin-only-route';

/**
 * Marks a controller or handler as reachable with an admin token only (ADMIN_API_TOKENS):
 * organization management. An organization's token answers 403 there (documented here).
 */
export const AdminOnly = (): MethodDecorator & ClassDecorator =>
  applyDecorators(
    ApiResponse({
      status: 403,
      description: "An organization's token (admin tokens only)",
      type: ErrorDto,
    }),
    SetMetadata(ADMIN_ONLY_ROUTE, true),
  );
