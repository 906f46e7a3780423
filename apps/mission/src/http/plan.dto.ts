import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { apiDoc, pageQuery } from '@dock/platform';
import { Plan, PLAN_STATES, PLAN_SUSPENSION_REASONS } from '../domain/plan';
import {
  creatorSchema,
  epochMs,
  flightOptionsSchema,
  flightOptionsSpec,
  gatewaySnSchema,
} from './task.dto';

export const createPlanBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    creator: creatorSchema,
    gatewaySn: gatewaySnSchema,
    waylineId: z.string().uuid('must be the wayline UUID of the file service'),
    cron: apiDoc(z.string().min(9).max(200).describe('minute hour day month weekday, local time'), {
      example: '0 9 * * 1-5',
    }),
    timeZone: apiDoc(z.string().min(1).max(64).describe('IANA time zone of the cron expression'), {
      example: 'Europe/Berlin',
    }),
    startsAt: epochMs.optional().describe('UTC ms; default now'),
    endsAt: epochMs.describe('UTC ms; no task after it'),
    ...flightOptionsSchema,
  })
  .strict();

export type CreatePlanBody = z.infer<typeof createPlanBodySchema>;

export function planTemplateOf(body: CreatePlanBody): Plan['template'] {
  return flightOptionsSpec(body);
}

export const listPlansQuerySchema = z.object({ ...pageQuery(200, 50) }).strict();

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
  @ApiProperty({
    enum: PLAN_STATES,
    description:
      'active: generates tasks; paused, deleted: by an operator; suspended: by the system, ' +
      'see stateReason (resume once the cause is gone)',
  })
  state!: string;
  @ApiProperty({
    enum: PLAN_SUSPENSION_REASONS,
    nullable: true,
    type: String,
    description:
      'Why the plan is suspended (null otherwise). dock_moved_organization: its dock now belongs to another organization or none; its tasks not yet sent to the dock were canceled with this cause',
  })
  stateReason!: string | null;
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
    stateReason: plan.stateReason,
    generatedUntil: plan.generatedUntil,
    rthAltitude: plan.template.rthAltitude,
    version: plan.version,
    createdAt: plan.createdAt,
    updatedAt: plan.updatedAt,
  };
}
