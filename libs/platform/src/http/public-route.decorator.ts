import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'platform:public-route';

/**
 * Marks a controller or handler as reachable without a bearer token (e.g. a download route
 * that carries its own signature). Everything else is protected by BearerAuthGuard.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
