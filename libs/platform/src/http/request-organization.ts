import {
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  HttpException,
} from '@nestjs/common';
import type { Request } from 'express';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import { ApiPrincipal, ORGANIZATION_ID_PATTERN } from './api-tokens';

/**
 * The organization a request acts in: every record a scoped route reads or writes belongs to
 * it. Resolved once per request, by the auth guard that let the request in (BearerAuthGuard, or
 * a route's own guard such as telemetry's stream guard), and read by handlers through
 * `@RequestOrganization()`.
 *
 * It comes from the bearer token (issue 15): an organization's token acts in its organization
 * only. The optional `X-Organization-Id` header may name it again (the console sends it) but
 * never another one (403). An admin token names the organization it acts in with the header
 * (required on a scoped route). With AUTH_DISABLED (development only) the header chooses,
 * defaulting to the default organization.
 */
export const ORGANIZATION_HEADER = 'X-Organization-Id';

export type OrganizationResolution =
  | { ok: true; organizationId: string }
  | { ok: false; status: 400 | 403; code: string; problem: string };

/** The one resolution rule (pure, unit-tested). */
export function resolveOrganization(
  principal: ApiPrincipal,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): OrganizationResolution {
  const value = headers[ORGANIZATION_HEADER.toLowerCase()];
  if (Array.isArray(value)) return invalid('give the header once');
  if (value !== undefined && !isOrganizationId(value)) {
    return invalid('must be 1..64 characters of A-Z, a-z, 0-9, _ and -');
  }
  switch (principal.role) {
    case 'organization':
      if (value !== undefined && value !== principal.organizationId) {
        return {
          ok: false,
          status: 403,
          code: 'organization_not_allowed',
          problem: 'names another organization than the one the bearer token belongs to',
        };
      }
      return { ok: true, organizationId: principal.organizationId };
    case 'admin':
      if (value === undefined) {
        return invalid('required with an admin token (say which organization it acts in)');
      }
      return { ok: true, organizationId: value };
    case 'anonymous':
      return { ok: true, organizationId: value ?? DEFAULT_ORGANIZATION_ID };
  }
}

function invalid(problem: string): OrganizationResolution {
  return { ok: false, status: 400, code: 'invalid_request', problem };
}

export function isOrganizationId(value: unknown): value is string {
  return typeof value === 'string' && ORGANIZATION_ID_PATTERN.test(value);
}

/** Where the principal and the resolved organization travel on the request object. */
const PRINCIPAL = Symbol('platform:request-principal');
const RESOLVED = Symbol('platform:request-organization');

type ScopedRequest = Request & { [PRINCIPAL]?: ApiPrincipal; [RESOLVED]?: string };

/** Records who the request is (its guard authenticated it). */
export function setRequestPrincipal(request: Request, principal: ApiPrincipal): void {
  (request as ScopedRequest)[PRINCIPAL] = principal;
}

/**
 * Who the request is. A route no guard authenticated (a @Public() one) has no principal: it
 * must not ask (that is a programming error, answered 403 rather than trusting anyone).
 */
export function requestPrincipal(request: Request): ApiPrincipal {
  const principal = (request as ScopedRequest)[PRINCIPAL];
  if (principal === undefined) {
    throw new ForbiddenException('this route does not authenticate its caller');
  }
  return principal;
}

/** Sets the request's organization (a guard that knows it from another credential, e.g. a ticket). */
export function setRequestOrganization(request: Request, organizationId: string): void {
  (request as ScopedRequest)[RESOLVED] = organizationId;
}

/**
 * The request's organization: the one a guard set, or else resolved (and remembered) now from
 * the principal and the header. A bad header answers 400 naming it; a header naming another
 * organization than the token's answers 403.
 */
export function requestOrganization(request: Request): string {
  const scoped = request as ScopedRequest;
  const known = scoped[RESOLVED];
  if (known !== undefined) return known;
  const resolved = resolveOrganization(requestPrincipal(request), request.headers);
  if (!resolved.ok) {
    throw new HttpException(
      {
        statusCode: resolved.status,
        code: resolved.code,
        message: `${ORGANIZATION_HEADER}: ${resolved.problem}`,
        problems: [{ field: ORGANIZATION_HEADER, problem: resolved.problem }],
      },
      resolved.status,
    );
  }
  scoped[RESOLVED] = resolved.organizationId;
  return resolved.organizationId;
}

/** Handler parameter: the organization the request acts in, e.g. `@RequestOrganization() org: string`. */
export const RequestOrganization = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string =>
    requestOrganization(context.switchToHttp().getRequest<Request>()),
);

/** Handler parameter: who the request is, e.g. `@RequestPrincipal() caller: ApiPrincipal`. */
export const RequestPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ApiPrincipal =>
    requestPrincipal(context.switchToHttp().getRequest<Request>()),
);
