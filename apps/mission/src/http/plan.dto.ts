import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import { pageQuery } from '@dock/platform';
import type { Plan } from '../domain/plan';
import {
  epochMs,
  ExecutableConditionsDto,
  flightOptionsSchema,
  flightOptionsSpec,
  gatewaySnSchema,
  SimulateMissionDto,
} from './task.dto';

export const createPlanBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    creator: z.string().trim().min(1).max(100).optional(),
    gatewaySn: gatewaySnSchema,
    waylineId: z.string().uuid('must be the wayline UUID of the file service'),
    cron: z.string().min(9).max(200),
    timeZone: z.string().min(1).max(64),
    startsAt: epochMs.optional(),
    endsAt: epochMs,
    ...flightOptionsSchema,
  })
  .strict();

export type CreatePlanBody = z.infer<typeof createPlanBodySchema>;

export function planTemplateOf(body: CreatePlanBody): Plan['template'] {
  return flightOptionsSpec(body);
}

export const listPlansQuerySchema = z.object({ ...pageQuery(200, 50) }).strict();

export class CreatePlanDto {
  @ApiProperty() name!: string;
  @ApiPropertyOptional() creator?: string;
  @ApiProperty() gatewaySn!: string;
  @ApiProperty({ format: 'uuid' }) waylineId!: string;
  @ApiProperty({ example: '0 9 * * 1-5', description: 'minute hour day month weekday, local time' })
  cron!: string;
  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone of the cron expression' })
  timeZone!: string;
  @ApiPropertyOptional({ description: 'UTC ms; default now' }) startsAt?: number;
  @ApiProperty({ description: 'UTC ms; no task after it' }) endsAt!: number;
  @ApiPropertyOptional({ type: ExecutableConditionsDto })
  executableConditions?: ExecutableConditionsDto;
  @ApiProperty({ minimum: 20, maximum: 1500 }) rthAltitude!: number;
  @ApiPropertyOptional({ enum: [0, 1] }) rthMode?: number;
  @ApiPropertyOptional({ enum: [0, 1, 2], default: 0 }) outOfControlAction?: number;
  @ApiProperty({ enum: [0, 1] }) exitWaylineWhenRcLost!: number;
  @ApiPropertyOptional({ type: SimulateMissionDto }) simulateMission?: SimulateMissionDto;
  @ApiPropertyOptional({ enum: [0, 1], default: 0 }) waylineType?: number;
}

export class PlanDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() creator!: string;
  @ApiProperty() gatewaySn!: string;
  @ApiProperty() waylineId!: string;
  @ApiProperty() cron!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty() startsAt!: number;
  @ApiProperty() endsAt!: number;
  @ApiProperty({ enum: ['active', 'paused', 'deleted'] }) state!: string;
  @ApiProperty({ description: 'Occurrences up to here have their tasks (UTC ms)' })
  generatedUntil!: number;
  @ApiProperty() rthAltitude!: number;
  @ApiProperty() version!: number;
  @ApiProperty() createdAt!: number;
  @ApiProperty() updatedAt!: number;
}

export class PlanPageDto {
  @ApiProperty({ type: [PlanDto] }) items!: PlanDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export function toPlanDto(plan: Plan): PlanDto {
  return {
    id: plan.id,
    name: plan.name,
    creator: plan.creator,
    gatewaySn: plan.gatewaySn,
    waylineId: plan.waylineId,
    cron: plan.recurrence.cron,
    timeZone: plan.recurrence.timeZone,
    startsAt: plan.startsAt,
    endsAt: plan.endsAt,
    state: plan.state,
    generatedUntil: plan.generatedUntil,
    rthAltitude: plan.template.rthAltitude,
    version: plan.version,
    createdAt: plan.createdAt,
    updatedAt: plan.updatedAt,
  };
}
