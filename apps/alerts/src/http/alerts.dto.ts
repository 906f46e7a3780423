import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import { instantQuery } from '@dock/platform';
import { alertFacts, type StoredAlert } from '../domain/hms/hms-alert';
import { pageLimit } from './validation';

export const alertQuerySchema = z
  .object({
    state: z.enum(['active', 'cleared', 'all']).default('active'),
    gatewaySn: z.string().min(1).max(64).optional(),
    flightId: z.string().min(1).max(200).optional(),
    limit: pageLimit(),
    /** Alerts first seen before this (UTC ms): the next page. */
    before: instantQuery().optional(),
  })
  .strict();

export class HmsAlertDto {
  @ApiProperty() id!: string;
  @ApiProperty() organizationId!: string;
  @ApiProperty() gatewaySn!: string;
  @ApiProperty({ nullable: true, type: String }) flightId!: string | null;
  @ApiProperty({ description: '"{domain}-{type}-{sub_type}": 0-… aircraft, 3-… dock' })
  deviceType!: string;
  @ApiProperty({ example: '0x16100083' }) code!: string;
  @ApiProperty({ description: '0 notification, 1 reminder, 2 warning' }) level!: number;
  @ApiProperty({ description: '0 flight mission, 1 device management, 2 media, 3 hms' })
  module!: number;
  @ApiProperty() inTheSky!: boolean;
  @ApiProperty({ description: 'A transient alarm that clears by itself' }) imminent!: boolean;
  @ApiProperty({ nullable: true, type: Number }) componentIndex!: number | null;
  @ApiProperty({ nullable: true, type: Number }) sensorIndex!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) args!: Record<string, unknown>;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'From the operator HMS message table (ALERTS_HMS_MESSAGES_FILE); null without',
  })
  message!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty() firstSeenAt!: string;
  @ApiProperty() lastSeenAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) clearedAt!: string | null;
  @ApiProperty({ description: 'How many hms messages listed it' }) count!: number;
}

export class HmsAlertPageDto {
  @ApiProperty({ type: [HmsAlertDto] }) items!: HmsAlertDto[];
  @ApiPropertyOptional({
    description: 'Pass as `before` for the next page',
    nullable: true,
    type: Number,
  })
  nextBefore!: number | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toAlertDto(alert: StoredAlert & { organizationId: string }): HmsAlertDto {
  return {
    id: alert.id,
    organizationId: alert.organizationId,
    ...alertFacts(alert),
    active: alert.clearedAt === null,
    firstSeenAt: iso(alert.firstSeenAt),
    lastSeenAt: iso(alert.lastSeenAt),
    clearedAt: alert.clearedAt === null ? null : iso(alert.clearedAt),
    count: alert.count,
  };
}
