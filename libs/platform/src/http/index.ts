export * from './public-route.decorator';
export * from './token-match';
export * from './bearer-auth.guard';
export * from './api-auth.providers';
export * from './openapi';
export * from './openapi-routes';
export * from './api-error.dto';
export * from './request-organization';
