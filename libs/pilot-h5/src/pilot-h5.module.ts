import { DynamicModule, Module } from '@nestjs/common';
import { API_AUTH_SETTINGS } from '@dock/platform';
import { createPilotH5Controller, PILOT_BOOTSTRAP_SOURCE } from './http/pilot-h5.controller';
import {
  DEFAULT_PLATFORM_NAME,
  DEFAULT_THING_TIMEOUT_MS,
  normalizePathPrefix,
  PilotH5Options,
  THING_CALLBACK,
} from './pilot-h5.options';

/**
 * The Pilot 2 H5 access page: `GET {prefix}` (public page, script and style, no CDN) and
 * `POST {prefix}/bootstrap` (bearer token; licence, broker and API settings for the caller).
 * Needs the platform's LOGGER (PlatformModule) in the app.
 */
@Module({})
export class PilotH5Module {
  static register(options: PilotH5Options): DynamicModule {
    const thingTimeoutMs = options.thingTimeoutMs ?? DEFAULT_THING_TIMEOUT_MS;
    if (!Number.isInteger(thingTimeoutMs) || thingTimeoutMs < 1000) {
      throw new Error('PilotH5Module: thingTimeoutMs must be a whole number of ms, at least 1000');
    }
    const controller = createPilotH5Controller({
      prefix: normalizePathPrefix(options.pathPrefix),
      platformName: options.platformName ?? DEFAULT_PLATFORM_NAME,
      thingCallback: THING_CALLBACK,
      thingTimeoutMs,
    });
    return {
      module: PilotH5Module,
      controllers: [controller],
      providers: [
        { provide: PILOT_BOOTSTRAP_SOURCE, useValue: options.bootstrap },
        // For the bootstrap route's own BearerAuthGuard (see PilotH5Options.auth).
        { provide: API_AUTH_SETTINGS, useValue: options.auth },
      ],
    };
  }
}
