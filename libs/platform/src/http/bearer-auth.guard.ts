import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { HealthController } from '../health/health.controller';
import { MetricsController } from '../metrics/metrics.controller';
import { PUBLIC_ROUTE } from './public-route.decorator';
import { requestOrganization } from './request-organization';
import { bearerToken, matchesAnyToken } from './token-match';

export const API_AUTH_SETTINGS = Symbol('API_AUTH_SETTINGS');

export interface ApiAuthSettings {
  /** Accepted bearer tokens (API_TOKENS). None: every protected route answers 401. */
  tokens: readonly string[];
  /** AUTH_DISABLED: let every request through (embedded development runs only). */
  disabled: boolean;
}

/** Probes and scrapes must work without credentials: the orchestrator and Prometheus call them. */
const ALWAYS_PUBLIC: readonly unknown[] = [HealthController, MetricsController];

/**
 * Requires `Authorization: Bearer <token>` with one of the configured tokens on every route
 * except the platform's health and metrics routes and those marked @Public(), then resolves the
 * request's organization (see request-organization.ts) once, so a bad X-Organization-Id
 * answers 400 before any handler runs. Public routes are not scoped (a signed download
 * carries its own authority); a public route with its own guard resolves it there.
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
    if (this.settings.disabled) return this.scoped(request);
    const token = bearerToken(request.headers.authorization);
    if (token !== undefined && matchesAnyToken(token, this.settings.tokens)) {
      return this.scoped(request);
    }
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer');
    throw new UnauthorizedException(
      token === undefined ? 'a bearer token is required' : 'the bearer token is not accepted',
    );
  }

  /** Issue 15: the token's organization; today the header (requestOrganization). */
  private scoped(request: Request): true {
    requestOrganization(request);
    return true;
  }

  private isPublic(context: ExecutionContext): boolean {
    if (ALWAYS_PUBLIC.includes(context.getClass())) return true;
    return (
      this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, [
        context.getHandler(),
        context.getClass(),
      ]) === true
    );
  }
}
