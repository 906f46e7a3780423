import { Body, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
} from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import {
  ApiZodBody,
  badRequest,
  BearerController,
  ErrorDto,
  parseWith,
  refusal,
  RequestOrganization,
} from '@dock/platform';
import type { Subscription, WebhookStore } from '../application/ports';
import { WEBHOOK_POLICY, WEBHOOK_STORE, WAKEUPS } from '../alerts.tokens';
import { refusedAddressKind } from '../domain/webhooks/address-policy';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhooks/event-types';
import { generateWebhookSecret } from '../domain/webhooks/signature';
import {
  createSubscriptionSchema,
  CreatedSubscriptionDto,
  deliveriesQuerySchema,
  DeliveryDto,
  deliveryIdSchema,
  limitQuerySchema,
  ReplayResultDto,
  SubscriptionDto,
  toDeliveryDto,
  toSubscriptionDto,
  uuidSchema,
} from './webhooks.dto';

export interface WebhookPolicy {
  allowPrivate: boolean;
}

export interface DispatchWakeup {
  dispatch(): void;
}

const LIMIT_QUERY = { name: 'limit', required: false, description: '1..500, default 100' };

function notFound(what: string) {
  return refusal(404, 'not_found', `${what} not found`);
}

@BearerController({
  path: 'webhooks',
  tag: 'webhooks',
  responses: [{ status: 400, description: 'Invalid field or parameter (named)', type: ErrorDto }],
})
export class WebhooksController {
  constructor(
    @Inject(WEBHOOK_STORE) private readonly store: WebhookStore,
    @Inject(WEBHOOK_POLICY) private readonly policy: WebhookPolicy,
    @Inject(WAKEUPS) private readonly wakeups: DispatchWakeup,
  ) {}

  @Get('event-types')
  @ApiOperation({ summary: 'The event types a subscription may ask for' })
  @ApiOkResponse({ schema: { type: 'array', items: { type: 'string' } } })
  eventTypes(): readonly string[] {
    return WEBHOOK_EVENT_TYPES;
  }

  @Post('subscriptions')
  @ApiOperation({
    summary: 'Subscribe a URL to event types',
    description:
      'Deliveries are signed with the secret (see the service README); the secret is returned ' +
      'only here. URLs resolving to loopback, private or link-local addresses are refused ' +
      'unless ALERTS_WEBHOOK_ALLOW_PRIVATE=true.',
  })
  @ApiZodBody('CreateSubscriptionDto', createSubscriptionSchema)
  @ApiCreatedResponse({ type: CreatedSubscriptionDto })
  async create(
    @Body() body: unknown,
    @RequestOrganization() organizationId: string,
  ): Promise<CreatedSubscriptionDto> {
    const input = parseWith(createSubscriptionSchema, body);
    this.checkUrl(input.url);
    const subscription: Subscription = {
      id: randomUUID(),
      organizationId,
      url: input.url,
      secret: input.secret ?? generateWebhookSecret(),
      eventTypes: [...new Set(input.eventTypes)],
      description: input.description ?? null,
      createdAt: Date.now(),
    };
    await this.store.createSubscription(subscription);
    return { ...toSubscriptionDto(subscription), secret: subscription.secret };
  }

  @Get('subscriptions')
  @ApiOperation({ summary: "The organization's subscriptions (secrets are never shown again)" })
  @ApiOkResponse({ type: [SubscriptionDto] })
  async list(@RequestOrganization() organizationId: string): Promise<SubscriptionDto[]> {
    return (await this.store.listSubscriptions(organizationId)).map(toSubscriptionDto);
  }

  @Get('subscriptions/:id')
  @ApiOkResponse({ type: SubscriptionDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async get(
    @Param('id') id: string,
    @RequestOrganization() organizationId: string,
  ): Promise<SubscriptionDto> {
    return toSubscriptionDto(await this.subscription(id, organizationId));
  }

  @Delete('subscriptions/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a subscription and its delivery log' })
  @ApiNoContentResponse()
  @ApiResponse({ status: 404, type: ErrorDto })
  async remove(
    @Param('id') id: string,
    @RequestOrganization() organizationId: string,
  ): Promise<void> {
    const subscription = await this.subscription(id, organizationId);
    if (!(await this.store.deleteSubscription(subscription.id, organizationId))) {
      throw notFound('subscription');
    }
  }

  @Get('subscriptions/:id/deliveries')
  @ApiOperation({ summary: 'Delivery log: status, attempts, last error, latency; newest first' })
  @ApiQuery({
    name: 'state',
    required: false,
    enum: ['pending', 'delivered', 'dead'],
    description: 'only deliveries in this state; default: all',
  })
  @ApiQuery(LIMIT_QUERY)
  @ApiOkResponse({ type: [DeliveryDto] })
  @ApiResponse({ status: 404, type: ErrorDto })
  async deliveries(
    @Param('id') id: string,
    @Query() query: unknown,
    @RequestOrganization() organizationId: string,
  ): Promise<DeliveryDto[]> {
    const options = parseWith(deliveriesQuerySchema, query);
    const subscription = await this.subscription(id, organizationId);
    return (await this.store.listDeliveries(subscription.id, options)).map(toDeliveryDto);
  }

  @Get('dead-letters')
  @ApiOperation({ summary: 'Deliveries that failed for the whole retry window, newest first' })
  @ApiQuery(LIMIT_QUERY)
  @ApiOkResponse({ type: [DeliveryDto] })
  async deadLetters(
    @Query() query: unknown,
    @RequestOrganization() organizationId: string,
  ): Promise<DeliveryDto[]> {
    const { limit } = parseWith(limitQuerySchema, query);
    return (await this.store.listDeadLetters(organizationId, limit)).map(toDeliveryDto);
  }

  @Post('deliveries/:id/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue one dead-lettered delivery again (a fresh retry window)' })
  @ApiAcceptedResponse({ type: ReplayResultDto })
  @ApiResponse({ status: 404, description: 'No such dead-lettered delivery', type: ErrorDto })
  async replayOne(
    @Param('id') id: string,
    @RequestOrganization() organizationId: string,
  ): Promise<ReplayResultDto> {
    if (!deliveryIdSchema.safeParse(id).success) {
      throw badRequest([{ field: 'id', problem: 'must be a delivery id (digits)' }]);
    }
    const deliveryId = id;
    const replayed = await this.store.replay(organizationId, { deliveryId }, Date.now());
    if (replayed === 0) throw notFound('dead-lettered delivery');
    this.wakeups.dispatch();
    return { replayed };
  }

  @Post('subscriptions/:id/replay')
  @HttpCode(202)
  @ApiOperation({ summary: "Queue all of a subscription's dead-lettered deliveries again" })
  @ApiAcceptedResponse({ type: ReplayResultDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async replayAll(
    @Param('id') id: string,
    @RequestOrganization() organizationId: string,
  ): Promise<ReplayResultDto> {
    const subscription = await this.subscription(id, organizationId);
    const replayed = await this.store.replay(
      organizationId,
      { subscriptionId: subscription.id },
      Date.now(),
    );
    if (replayed > 0) this.wakeups.dispatch();
    return { replayed };
  }

  /** The subscription if it belongs to the request's organization; another's is a 404. */
  private async subscription(id: string, organizationId: string): Promise<Subscription> {
    if (!uuidSchema.safeParse(id).success) {
      throw badRequest([{ field: 'id', problem: 'must be a subscription id (UUID)' }]);
    }
    const subscription = await this.store.getSubscription(id);
    if (!subscription || subscription.organizationId !== organizationId) {
      throw notFound('subscription');
    }
    return subscription;
  }

  /** http(s), no credentials in it, and not a refused address literal (DNS is checked per send). */
  private checkUrl(raw: string): void {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw badRequest([{ field: 'url', problem: 'must be an absolute http:// or https:// URL' }]);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw badRequest([{ field: 'url', problem: 'must be an absolute http:// or https:// URL' }]);
    }
    if (url.username || url.password) {
      throw badRequest([{ field: 'url', problem: 'must not carry credentials' }]);
    }
    if (this.policy.allowPrivate) return;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const kind =
      host === 'localhost' || host.endsWith('.localhost') ? 'loopback' : refusedAddressKind(host);
    if (kind !== null && kind !== 'not-an-ip') {
      throw badRequest([
        {
          field: 'url',
          problem: `points at a ${kind} address; refused (ALERTS_WEBHOOK_ALLOW_PRIVATE=true allows it)`,
        },
      ]);
    }
  }
}
