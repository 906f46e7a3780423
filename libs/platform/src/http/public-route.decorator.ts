import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'platform:public-route';

/**
 * Marks a controller or handler as reachable without a bearer token (e.g. a download route
 * that carries its own signature). Everything else is protected by BearerAuthGuard.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

export const ADMIN_ONLY_ROUTE = 'platform:admin-only-route';

/**
 * Marks a controller or handler as reachable with an admin token only (ADMIN_API_TOKENS):
 * organization management. An organization's token answers 403 there.
 */
export const AdminOnly = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ADMIN_ONLY_ROUTE, true);
