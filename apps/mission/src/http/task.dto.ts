import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { instantQuery, pageQuery } from '@dock/platform';
import { taskStates } from '@dock/contracts';
import { validateGatewaySn } from '@dock/protocol';
import type { StoredCommand } from '../application/ports';
import type { Task, TaskSpec, TaskTransition } from '../domain/task';

/** 13-digit epoch milliseconds (UTC), as the dock protocol counts time. */
export const epochMs = z
  .number({ invalid_type_error: 'must be epoch milliseconds (UTC)' })
  .int('must be a whole number of milliseconds')
  .min(1_000_000_000_000, 'must be 13-digit epoch milliseconds')
  .max(9_999_999_999_999, 'must be 13-digit epoch milliseconds');

const zeroOne = z.union([z.literal(0), z.literal(1)], {
  errorMap: () => ({ message: 'must be 0 or 1' }),
});

/** A dock SN the gateway can address (the same rule as the MQTT topics). */
export const gatewaySnSchema = z.string().superRefine((sn, ctx) => {
  const checked = validateGatewaySn(sn);
  if (!checked.ok) ctx.addIssue({ code: 'custom', message: `must be a ${checked.error.rule}` });
});

/** Who asked for the task (or plan); 'api' when the body does not say. */
export const creatorSchema = z.string().trim().min(1).max(100).default('api');

export const TASK_TYPE_NAMES = ['immediate', 'timed', 'conditional'] as const;
export type TaskTypeName = (typeof TASK_TYPE_NAMES)[number];

/** The flight parameters a task and a plan's tasks share (flighttask_prepare's options). */
export const flightOptionsSchema = {
  executableConditions: z
    .object({ storageCapacity: z.number().int().min(0).max(2_147_483_647).describe('MB') })
    .strict()
    .optional(),
  rthAltitude: z
    .number()
    .int()
    .min(20, 'must be 20..1500 m')
    .max(1500, 'must be 20..1500 m')
    .describe('metres'),
  rthMode: zeroOne.optional().describe('0 optimal, 1 preset height'),
  outOfControlAction: z
    .union([z.literal(0), z.literal(1), z.literal(2)], {
      errorMap: () => ({ message: 'must be 0 (RTH), 1 (hover) or 2 (land)' }),
    })
    .default(0)
    .describe('0 RTH, 1 hover, 2 land'),
  exitWaylineWhenRcLost: zeroOne.describe('0 continue the wayline, 1 exit it'),
  simulateMission: z
    .object({
      isEnable: zeroOne,
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
    })
    .strict()
    .optional(),
  waylineType: zeroOne.default(0),
};

export const createTaskBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    creator: creatorSchema,
    gatewaySn: gatewaySnSchema.describe("The dock's SN"),
    waylineId: z
      .string()
      .uuid('must be the wayline UUID of the file service')
      .describe('The wayline (file service id)'),
    taskType: z.enum(TASK_TYPE_NAMES),
    executeTime: epochMs
      .optional()
      .describe('UTC epoch ms; required for timed tasks (>= now + 2 min)'),
    readyConditions: z
      .object({
        batteryCapacity: z.number().int().min(0).max(100),
        beginTime: epochMs.describe('UTC epoch ms'),
        endTime: epochMs.describe('UTC epoch ms'),
      })
      .strict()
      .optional()
      .describe('Required for conditional tasks'),
    breakPoint: z
      .object({
        index: z.number().int().min(0),
        state: zeroOne,
        progress: z.number().min(0).max(1),
        waylineId: z.number().int().min(0),
      })
      .strict()
      .optional(),
    ...flightOptionsSchema,
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.taskType === 'timed' && body.executeTime === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['executeTime'],
        message: 'is required for a timed task',
      });
    }
    if (body.taskType === 'conditional' && body.readyConditions === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['readyConditions'],
        message: 'is required for a conditional task',
      });
    }
  });

export type CreateTaskBody = z.infer<typeof createTaskBodySchema>;

type FlightOptions = z.infer<z.ZodObject<typeof flightOptionsSchema>>;

/** The flight options as the task spec stores them (protocol field shapes). */
export function flightOptionsSpec(body: FlightOptions) {
  return {
    executableConditions: body.executableConditions
      ? { storage_capacity: body.executableConditions.storageCapacity }
      : null,
    rthAltitude: body.rthAltitude,
    rthMode: body.rthMode ?? null,
    outOfControlAction: body.outOfControlAction,
    exitWaylineWhenRcLost: body.exitWaylineWhenRcLost,
    simulateMission: body.simulateMission
      ? {
          is_enable: body.simulateMission.isEnable,
          latitude: body.simulateMission.latitude,
          longitude: body.simulateMission.longitude,
        }
      : null,
    waylineType: body.waylineType,
  };
}

export function taskSpecOf(body: CreateTaskBody): TaskSpec {
  return {
    taskType: TASK_TYPE_NAMES.indexOf(body.taskType) as TaskSpec['taskType'],
    executeTime: body.taskType === 'timed' ? (body.executeTime ?? null) : null,
    readyConditions: body.readyConditions
      ? {
          battery_capacity: body.readyConditions.batteryCapacity,
          begin_time: body.readyConditions.beginTime,
          end_time: body.readyConditions.endTime,
        }
      : null,
    breakPoint: body.breakPoint
      ? {
          index: body.breakPoint.index,
          state: body.breakPoint.state,
          progress: body.breakPoint.progress,
          wayline_id: body.breakPoint.waylineId,
        }
      : null,
    ...flightOptionsSpec(body),
  };
}

const commaStates = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(taskStates)));

export const listTasksQuerySchema = z
  .object({
    gatewaySn: z.string().min(1).max(64).optional(),
    state: commaStates.optional(),
    planId: z.string().uuid().optional(),
    from: instantQuery().optional(),
    to: instantQuery().optional(),
    ...pageQuery(200, 50),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    path: ['to'],
    message: 'must not be before from',
  });

export const cancelTasksBodySchema = z
  .object({
    flightIds: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(100)
      .describe('Tasks of this dock that have not started'),
  })
  .strict();

export const resumeFromBreakpointBodySchema = z.object({ creator: creatorSchema }).strict();

// ---- OpenAPI descriptions of the JSON the API speaks ----

export class ReadyConditionsDto {
  @ApiProperty({ minimum: 0, maximum: 100 }) batteryCapacity!: number;
  @ApiProperty({ description: 'UTC epoch ms' }) beginTime!: number;
  @ApiProperty({ description: 'UTC epoch ms' }) endTime!: number;
}

export class ExecutableConditionsDto {
  @ApiProperty({ description: 'MB' }) storageCapacity!: number;
}

export class BreakPointDto {
  @ApiProperty() index!: number;
  @ApiProperty({ enum: [0, 1] }) state!: number;
  @ApiProperty({ minimum: 0, maximum: 1 }) progress!: number;
  @ApiProperty() waylineId!: number;
}

export class SimulateMissionDto {
  @ApiProperty({ enum: [0, 1] }) isEnable!: number;
  @ApiProperty() latitude!: number;
  @ApiProperty() longitude!: number;
}

export class ResultDto {
  @ApiProperty({ nullable: true, type: Number }) code!: number | null;
  @ApiProperty({ nullable: true, type: String }) meaning!: string | null;
}

export class ProgressDto {
  @ApiProperty() status!: string;
  @ApiProperty({ nullable: true, type: Number }) currentStep!: number | null;
  @ApiProperty({ nullable: true, type: Number }) percent!: number | null;
  @ApiProperty({ nullable: true, type: Number }) waypointIndex!: number | null;
  @ApiProperty({ nullable: true, type: Number }) mediaCount!: number | null;
  @ApiProperty({ nullable: true, type: Number }) waylineMissionState!: number | null;
  @ApiProperty({ nullable: true, type: Object, description: 'ext.break_point as the dock sent it' })
  breakPoint!: Record<string, unknown> | null;
  @ApiProperty({ description: "The dock's timestamp of the report (UTC ms)" })
  reportedAt!: number;
}

export class TransitionDto {
  @ApiProperty({ enum: taskStates, nullable: true }) from!: string | null;
  @ApiProperty({ enum: taskStates }) to!: string;
  @ApiProperty() cause!: string;
  @ApiProperty({ nullable: true, type: Number }) resultCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) resultMeaning!: string | null;
  @ApiProperty({ description: 'UTC ms' }) at!: number;
}

export class TaskDto {
  @ApiProperty({ description: 'The task id, sent to the dock as flight_id' }) flightId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() creator!: string;
  @ApiProperty() gatewaySn!: string;
  @ApiProperty() waylineId!: string;
  @ApiProperty({ nullable: true, type: String }) planId!: string | null;
  @ApiProperty({ nullable: true, type: String }) resumedFrom!: string | null;
  @ApiProperty({ enum: TASK_TYPE_NAMES }) taskType!: TaskTypeName;
  @ApiProperty({ nullable: true, type: Number }) executeTime!: number | null;
  @ApiProperty({ nullable: true, type: ReadyConditionsDto })
  readyConditions!: ReadyConditionsDto | null;
  @ApiProperty({ nullable: true, type: ExecutableConditionsDto })
  executableConditions!: ExecutableConditionsDto | null;
  @ApiProperty() rthAltitude!: number;
  @ApiProperty({ nullable: true, type: Number }) rthMode!: number | null;
  @ApiProperty() outOfControlAction!: number;
  @ApiProperty() exitWaylineWhenRcLost!: number;
  @ApiProperty({ nullable: true, type: BreakPointDto }) breakPoint!: BreakPointDto | null;
  @ApiProperty({ nullable: true, type: SimulateMissionDto })
  simulateMission!: SimulateMissionDto | null;
  @ApiProperty() waylineType!: number;
  @ApiProperty({ enum: taskStates }) state!: string;
  @ApiProperty({ description: 'Optimistic concurrency version' }) version!: number;
  @ApiProperty({ type: ResultDto, description: 'The last result code and its meaning' })
  result!: ResultDto;
  @ApiProperty({ description: 'Why the task is in its state' }) lastCause!: string;
  @ApiProperty({ nullable: true, type: ProgressDto }) progress!: ProgressDto | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'When the scheduler acts next (UTC ms)',
  })
  nextActionAt!: number | null;
  @ApiProperty({ description: 'Sends of the current step so far' }) attempts!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'flighttask_ready received (UTC ms)' })
  readyAt!: number | null;
  @ApiProperty() createdAt!: number;
  @ApiProperty() updatedAt!: number;
}

export class TaskDetailDto extends TaskDto {
  @ApiProperty({ type: [TransitionDto] }) history!: TransitionDto[];
}

export class TaskPageDto {
  @ApiProperty({ type: [TaskDto] }) items!: TaskDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class CommandDto {
  @ApiProperty({ description: 'The correlation id' }) id!: string;
  @ApiProperty() gatewaySn!: string;
  @ApiProperty() method!: string;
  @ApiProperty({ type: [String] }) flightIds!: string[];
  @ApiProperty() attempt!: number;
  @ApiProperty({ enum: ['pending', 'accepted', 'refused', 'timeout', 'invalid'] }) state!: string;
  @ApiProperty({ type: ResultDto }) result!: ResultDto;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() requestedAt!: number;
  @ApiProperty({ nullable: true, type: Number }) completedAt!: number | null;
}

export class CancelOutcomeDto {
  @ApiProperty({ type: [String], description: 'Canceled at once (never sent to the dock)' })
  canceled!: string[];
  @ApiProperty({ type: [String], description: 'Canceled when the dock accepts flighttask_undo' })
  pending!: string[];
  @ApiProperty({ nullable: true, type: CommandDto }) command!: CommandDto | null;
}

export function toTaskDto(task: Task): TaskDto {
  const { spec } = task;
  return {
    flightId: task.flightId,
    name: task.name,
    creator: task.creator,
    gatewaySn: task.gatewaySn,
    waylineId: task.waylineId,
    planId: task.planId,
    resumedFrom: task.resumedFrom,
    taskType: TASK_TYPE_NAMES[spec.taskType],
    executeTime: spec.executeTime,
    readyConditions: spec.readyConditions
      ? {
          batteryCapacity: spec.readyConditions.battery_capacity,
          beginTime: spec.readyConditions.begin_time,
          endTime: spec.readyConditions.end_time,
        }
      : null,
    executableConditions: spec.executableConditions
      ? { storageCapacity: spec.executableConditions.storage_capacity }
      : null,
    rthAltitude: spec.rthAltitude,
    rthMode: spec.rthMode,
    outOfControlAction: spec.outOfControlAction,
    exitWaylineWhenRcLost: spec.exitWaylineWhenRcLost,
    breakPoint: spec.breakPoint
      ? {
          index: spec.breakPoint.index,
          state: spec.breakPoint.state,
          progress: spec.breakPoint.progress,
          waylineId: spec.breakPoint.wayline_id,
        }
      : null,
    simulateMission: spec.simulateMission
      ? {
          isEnable: spec.simulateMission.is_enable,
          latitude: spec.simulateMission.latitude,
          longitude: spec.simulateMission.longitude,
        }
      : null,
    waylineType: spec.waylineType,
    state: task.state,
    version: task.version,
    result: { code: task.resultCode, meaning: task.resultMeaning },
    lastCause: task.lastCause,
    progress: task.progress
      ? { ...task.progress, breakPoint: task.progress.breakPoint ?? null }
      : null,
    nextActionAt: task.nextActionAt,
    attempts: task.attempts,
    readyAt: task.readyAt,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
  };
}

export function toTransitionDto(transition: TaskTransition): TransitionDto {
  return { ...transition };
}

export function toCommandDto(command: StoredCommand): CommandDto {
  return {
    id: command.id,
    gatewaySn: command.gatewaySn,
    method: command.method,
    flightIds: command.flightIds,
    attempt: command.attempt,
    state: command.state,
    result: { code: command.resultCode, meaning: command.resultMeaning },
    error: command.error,
    requestedAt: command.requestedAt,
    completedAt: command.completedAt,
  };
}
