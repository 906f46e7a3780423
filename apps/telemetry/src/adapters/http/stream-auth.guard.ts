import {
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import {
  API_AUTH_SETTINGS,
  ApiAuthSettings,
  apiTokensOf,
  authenticateBearer,
  mayActIn,
  requestOrganization,
  setRequestOrganization,
  setRequestPrincipal,
} from '@dock/platform';
import {
  TicketRefusal,
  unverifiedTicketOrganization,
  verifyStreamTicket,
} from '../../domain/stream-ticket';
import type { TelemetryConfig } from '../../telemetry.config';
import { TELEMETRY_CONFIG } from '../../telemetry.tokens';

const TICKET_REFUSALS: Record<TicketRefusal, string> = {
  malformed: 'the stream ticket is not a ticket',
  not_accepted: 'the stream ticket is not accepted',
  expired: 'the stream ticket has expired: get a new one with POST /stream/tickets',
};

const clients = new WeakMap<Request, string>();

/**
 * Who holds a stream, for its caps: a digest of the API token the request carried or that
 * signed its ticket (never the token itself), `anonymous` when authentication is disabled.
 */
export function streamClientOf(request: Request): string {
  return clients.get(request) ?? 'anonymous';
}

function clientKey(token: string): string {
  return `token:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
}

/**
 * Authentication of `GET /stream`, the one route that takes a credential in its URL, because a
 * browser's EventSource cannot send an Authorization header. It accepts, like every route,
 * `Authorization: Bearer <token>` (checked as BearerAuthGuard does; when the header is there,
 * it alone decides), or else `?ticket=` with a stream ticket from `POST /stream/tickets`
 * (see domain/stream-ticket.ts). The route is @Public() for the global BearerAuthGuard and
 * carries this guard instead; every other route still accepts the header only.
 *
 * Why a ticket rather than the API token in the query string: URLs end up in browser history,
 * in proxy and load-balancer access logs and in Referer headers, out of this service's reach.
 * A ticket found there expires within TELEMETRY_STREAM_TICKET_TTL_MS and opens only the
 * stream; a long-lived API token would open the whole API until someone rotates it.
 *
 * It also resolves the request's organization, as BearerAuthGuard does for other routes: with
 * the header, the token's (requestOrganization); with a ticket, the one the ticket was issued
 * for, provided its signer may act there (a browser cannot send the header, and must not
 * choose another organization).
 */
@Injectable()
export class StreamAuthGuard implements CanActivate {
  constructor(
    @Inject(API_AUTH_SETTINGS) private readonly settings: ApiAuthSettings,
    @Inject(TELEMETRY_CONFIG) private readonly config: TelemetryConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    if (this.settings.disabled) return this.withoutAuthentication(request);
    const refuse = (message: string): never => {
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException(message);
    };

    const header = request.headers.authorization;
    if (header !== undefined) {
      const authenticated = authenticateBearer(this.settings, header);
      if (!authenticated.ok) return refuse(authenticated.message);
      setRequestPrincipal(request, authenticated.principal);
      requestOrganization(request);
      if (authenticated.token !== undefined) clients.set(request, clientKey(authenticated.token));
      return true;
    }

    const ticket: unknown = request.query.ticket;
    if (ticket === undefined) {
      return refuse(
        'a bearer token (Authorization header) or a stream ticket (?ticket=, from ' +
          'POST /stream/tickets) is required',
      );
    }
    if (typeof ticket !== 'string') return refuse('ticket: give exactly one');
    const signers = apiTokensOf(this.settings).signers();
    const check = verifyStreamTicket(
      ticket,
      signers.map((signer) => signer.token),
      Date.now(),
      this.config.TELEMETRY_STREAM_TICKET_TTL_MS,
    );
    if (!check.ok) return refuse(TICKET_REFUSALS[check.reason]);
    const organizationId = check.organizationId ?? DEFAULT_ORGANIZATION_ID;
    const principal = signers.find((signer) => signer.token === check.signer)?.principal;
    // A ticket opens only what its signer may see: an organization's token signs tickets of its
    // own organization only (a ticket naming another one, signed with it, is forged).
    if (principal === undefined || !mayActIn(principal, organizationId)) {
      return refuse(TICKET_REFUSALS.not_accepted);
    }
    setRequestPrincipal(request, principal);
    setRequestOrganization(request, organizationId);
    clients.set(request, clientKey(check.signer));
    return true;
  }

  /** AUTH_DISABLED: every request passes; a ticket still says which organization it opens. */
  private withoutAuthentication(request: Request): true {
    const ticket: unknown = request.query?.ticket;
    const fromTicket = typeof ticket === 'string' ? unverifiedTicketOrganization(ticket) : null;
    setRequestPrincipal(request, { role: 'anonymous' });
    if (request.headers.authorization === undefined && fromTicket !== null) {
      setRequestOrganization(request, fromTicket);
    } else {
      requestOrganization(request);
    }
    return true;
  }
}
