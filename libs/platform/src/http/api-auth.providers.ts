import type { Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { API_AUTH_SETTINGS, ApiAuthSettings, BearerAuthGuard } from './bearer-auth.guard';

/**
 * The providers that put BearerAuthGuard in front of every route of an app. Add them to the
 * app's root module: `providers: [...apiAuthProviders({ tokens, disabled }, logger)]`.
 */
export function apiAuthProviders(settings: ApiAuthSettings, logger: Logger): Provider[] {
  if (settings.disabled) {
    logger.warn('AUTH_DISABLED=true: the API accepts requests without a token');
  } else if (settings.tokens.length === 0) {
    logger.warn('API_TOKENS is empty: every authenticated route answers 401');
  }
  return [
    { provide: API_AUTH_SETTINGS, useValue: settings },
    { provide: APP_GUARD, useClass: BearerAuthGuard },
  ];
}
