import type { Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { API_AUTH_SETTINGS, ApiAuthSettings, BearerAuthGuard } from './bearer-auth.guard';

/**
 * The providers that put BearerAuthGuard in front of every route of an app. Add them to the
 * app's root module: `providers: [...apiAuthProviders(apiAuthSettings(config), logger)]`.
 */
export function apiAuthProviders(settings: ApiAuthSettings, logger: Logger): Provider[] {
  if (settings.disabled) {
    logger.warn('AUTH_DISABLED=true: the API accepts requests without a token');
  } else if (settings.tokens.length === 0 && settings.adminTokens.length === 0) {
    logger.warn('API_TOKENS and ADMIN_API_TOKENS are empty: every authenticated route answers 401');
  }
  // How many, never which: the tokens are secrets.
  logger.info(
    {
      organizationTokens: settings.tokens.length,
      organizations: new Set(settings.tokens.map((entry) => entry.organizationId)).size,
      adminTokens: settings.adminTokens.length,
    },
    'API authentication',
  );
  return [
    { provide: API_AUTH_SETTINGS, useValue: settings },
    { provide: APP_GUARD, useClass: BearerAuthGuard },
  ];
}
