import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { apiDoc } from '@dock/platform';
import type { Delivery, Subscription } from '../application/ports';
import { WEBHOOK_EVENT_TYPES } from '../domain/webhooks/event-types';
import { pageLimit } from './validation';

export const createSubscriptionSchema = z
  .object({
    url: apiDoc(z.string().min(1).max(2048), {
      example: 'https://tickets.example.com/hooks/dock',
    }),
    eventTypes: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).max(WEBHOOK_EVENT_TYPES.length),
    /** Given by the user (at least 24 characters), or generated and shown once. */
    secret: z
      .string()
      .min(24)
      .max(256)
      .optional()
      .describe('Your own signing secret (24+ characters); default: generated'),
    description: z.string().max(500).optional(),
  })
  .strict();

export const deliveriesQuerySchema = z
  .object({
    state: z.enum(['pending', 'delivered', 'dead']).optional(),
    limit: pageLimit(),
  })
  .strict();

export const limitQuerySchema = z.object({ limit: pageLimit() }).strict();

export const uuidSchema = z.string().uuid();
export const deliveryIdSchema = z.string().regex(/^\d{1,18}$/, 'must be a delivery id');

export class SubscriptionDto {
  @ApiProperty() id!: string;
  @ApiProperty() organizationId!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) eventTypes!: string[];
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() createdAt!: string;
}

export class CreatedSubscriptionDto extends SubscriptionDto {
  @ApiProperty({ description: 'The signing secret. Shown only in this response: keep it.' })
  secret!: string;
}

export class DeliveryDto {
  @ApiProperty() id!: string;
  @ApiProperty() subscriptionId!: string;
  @ApiProperty({ description: 'Stable per event (X-Dock-Webhook-Id): deduplicate on it' })
  eventId!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'dead'] }) state!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: Number }) lastStatus!: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Last attempt, ms' })
  latencyMs!: number | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) nextAttemptAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastAttemptAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) deliveredAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) deadAt!: string | null;
}

export class ReplayResultDto {
  @ApiProperty({ description: 'How many dead-lettered deliveries were queued again' })
  replayed!: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toSubscriptionDto(s: Subscription): SubscriptionDto {
  return {
    id: s.id,
    organizationId: s.organizationId,
    url: s.url,
    eventTypes: [...s.eventTypes],
    description: s.description,
    createdAt: new Date(s.createdAt).toISOString(),
  };
}

export function toDeliveryDto(d: Delivery): DeliveryDto {
  return {
    id: d.id,
    subscriptionId: d.subscriptionId,
    eventId: d.eventId,
    eventType: d.eventType,
    state: d.state,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    latencyMs: d.latencyMs,
    createdAt: new Date(d.createdAt).toISOString(),
    nextAttemptAt: d.state === 'pending' ? iso(d.nextAttemptAt) : null,
    lastAttemptAt: iso(d.lastAttemptAt),
    deliveredAt: iso(d.deliveredAt),
    deadAt: iso(d.deadAt),
  };
}
