import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { HealthController } from '../health/health.controller';
import { MetricsController } from '../metrics/metrics.controller';
import { ApiPrincipal, ApiTokens, OrganizationToken } from './api-tokens';
import { ADMIN_ONLY_ROUTE, PUBLIC_ROUTE } from './public-route.decorator';
import {
  ORGANIZATION_HEADER,
  requestOrganization,
  setRequestPrincipal,
} from './request-organization';
import { bearerToken } from './token-match';

export const API_AUTH_SETTINGS = Symbol('API_AUTH_SETTINGS');

export interface ApiAuthSettings {
  /** API_TOKENS: each token acts in its one organization. None: only admin tokens pass. */
  tokens: readonly OrganizationToken[];
  /** ADMIN_API_TOKENS: organization management, and acting in a named organization. */
  adminTokens: readonly string[];
  /** AUTH_DISABLED: let every request through (NODE_ENV=development only). */
  disabled: boolean;
}

/** The settings of a config validated with authEnv (libs/platform/src/config/env-fields.ts). */
export function apiAuthSettings(config: {
  API_TOKENS: readonly OrganizationToken[];
  ADMIN_API_TOKENS: readonly string[];
  AUTH_DISABLED: boolean;
}): ApiAuthSettings {
  return {
    tokens: config.API_TOKENS,
    adminTokens: config.ADMIN_API_TOKENS,
    disabled: config.AUTH_DISABLED,
  };
}

const registries = new WeakMap<ApiAuthSettings, ApiTokens>();

/** The token registry of these settings (built once per settings object). */
export function apiTokensOf(settings: ApiAuthSettings): ApiTokens {
  let tokens = registries.get(settings);
  if (!tokens) {
    tokens = new ApiTokens(settings.tokens, settings.adminTokens);
    registries.set(settings, tokens);
  }
  return tokens;
}

/**
 * Who presents `authorization` (an `Authorization` header value), or why not: the one rule of
 * every route, shared by guards with their own credentials (telemetry's stream guard).
 */
export function authenticateBearer(
  settings: ApiAuthSettings,
  authorization: string | undefined,
): { ok: true; principal: ApiPrincipal; token?: string } | { ok: false; message: string } {
  if (settings.disabled) return { ok: true, principal: { role: 'anonymous' } };
  const token = bearerToken(authorization);
  if (token === undefined) return { ok: false, message: 'a bearer token is required' };
  const principal = apiTokensOf(settings).authenticate(token);
  if (principal === undefined) return { ok: false, message: 'the bearer token is not accepted' };
  return { ok: true, principal, token };
}

/** Probes and scrapes must work without credentials: the orchestrator and Prometheus call them. */
const ALWAYS_PUBLIC: readonly unknown[] = [HealthController, MetricsController];

/**
 * Requires `Authorization: Bearer <token>` with an accepted token on every route except the
 * platform's health and metrics routes and those marked @Public(), records who the caller is
 * (requestPrincipal), refuses organization tokens on @AdminOnly() routes (403), and resolves
 * the request's organization (see request-organization.ts) up front when it can, so a bad or
 * foreign X-Organization-Id answers before any handler runs. Public routes are not scoped (a
 * signed download carries its own authority); a public route with its own guard resolves it
 * there.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_AUTH_SETTINGS) private readonly settings: ApiAuthSettings,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    if (this.isPublic(context)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const authenticated = authenticateBearer(this.settings, request.headers.authorization);
    if (!authenticated.ok) {
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException(authenticated.message);
    }
    const { principal } = authenticated;
    setRequestPrincipal(request, principal);
    if (this.isAdminOnly(context) && principal.role === 'organization') {
      throw new ForbiddenException({
        statusCode: 403,
        code: 'admin_required',
        message:
          "this route needs an admin token (ADMIN_API_TOKENS); an organization's token cannot use it",
      });
    }
    // An organization's token: its organization, checked against the header now. An admin
    // token: the header's organization when it names one (a route that needs one and got none
    // answers 400 when it asks).
    if (
      principal.role !== 'admin' ||
      request.headers[ORGANIZATION_HEADER.toLowerCase()] !== undefined
    ) {
      requestOrganization(request);
    }
    return true;
  }

  private isPublic(context: ExecutionContext): boolean {
    if (ALWAYS_PUBLIC.includes(context.getClass())) return true;
    return this.flag(context, PUBLIC_ROUTE);
  }

  private isAdminOnly(context: ExecutionContext): boolean {
    return this.flag(context, ADMIN_ONLY_ROUTE);
  }

  private flag(context: ExecutionContext, key: string): boolean {
    return (
      this.reflector.getAllAndOverride<boolean | undefined>(key, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
  }
}
