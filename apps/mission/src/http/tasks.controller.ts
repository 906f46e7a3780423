import { Body, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
} from '@nestjs/swagger';
import { taskStates } from '@dock/contracts';
import { NotFoundError } from '../application/errors';
import type { MissionService } from '../application/mission-service';
import type { MissionStore } from '../application/ports';
import { MISSION_SERVICE, MISSION_STORE } from '../mission.tokens';
import {
  CommandDto,
  createTaskBodySchema,
  listTasksQuerySchema,
  resumeFromBreakpointBodySchema,
  TaskDetailDto,
  TaskDto,
  TaskPageDto,
  taskSpecOf,
  toCommandDto,
  toTaskDto,
  toTransitionDto,
} from './task.dto';
import {
  ApiZodBody,
  BearerController,
  ErrorDto,
  offsetPage,
  parseWith,
  RequestOrganization,
} from '@dock/platform';

@BearerController({ path: 'tasks', tag: 'tasks' })
export class TasksController {
  constructor(
    @Inject(MISSION_SERVICE) private readonly missions: MissionService,
    @Inject(MISSION_STORE) private readonly store: MissionStore,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a wayline task (immediate, timed or conditional)',
    description:
      'Binds the flight to its wayline at the file service and schedules it. Immediate tasks ' +
      'are prepared and executed at once; timed tasks are prepared MISSION_PREPARE_LEAD_MS ' +
      'before executeTime and executed at executeTime; conditional tasks are prepared with ' +
      'readyConditions and executed when the dock reports flighttask_ready inside the window.',
  })
  @ApiZodBody('CreateTaskDto', createTaskBodySchema)
  @ApiCreatedResponse({ type: TaskDto })
  @ApiResponse({ status: 400, description: 'Invalid field (named in problems)', type: ErrorDto })
  @ApiResponse({ status: 503, description: 'The file service did not answer', type: ErrorDto })
  async create(
    @Body() body: unknown,
    @RequestOrganization() organizationId: string,
  ): Promise<TaskDto> {
    const input = parseWith(createTaskBodySchema, body);
    const task = await this.missions.createTask({
      organizationId,
      name: input.name,
      creator: input.creator,
      gatewaySn: input.gatewaySn,
      waylineId: input.waylineId,
      spec: taskSpecOf(input),
    });
    return toTaskDto(task);
  }

  @Get()
  @ApiOperation({ summary: 'List tasks, newest planned first, with filters and paging' })
  @ApiQuery({ name: 'gatewaySn', required: false })
  @ApiQuery({
    name: 'state',
    required: false,
    description: `comma-separated: ${taskStates.join(', ')}`,
  })
  @ApiQuery({ name: 'planId', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'planned time >= (UTC ms)' })
  @ApiQuery({ name: 'to', required: false, description: 'planned time <= (UTC ms)' })
  @ApiQuery({ name: 'limit', required: false, description: '1..200, default 50' })
  @ApiQuery({ name: 'offset', required: false, description: 'default 0' })
  @ApiOkResponse({ type: TaskPageDto })
  @ApiResponse({ status: 400, type: ErrorDto })
  async list(
    @Query() query: unknown,
    @RequestOrganization() organizationId: string,
  ): Promise<TaskPageDto> {
    const q = parseWith(listTasksQuerySchema, query);
    const page = await this.store.listTasks({
      organizationId,
      gatewaySn: q.gatewaySn,
      states: q.state,
      planId: q.planId,
      from: q.from,
      to: q.to,
      limit: q.limit,
      offset: q.offset,
    });
    return offsetPage(page, toTaskDto, q);
  }

  @Get(':flightId')
  @ApiOperation({ summary: 'A task with its progress, last result and transition history' })
  @ApiOkResponse({ type: TaskDetailDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async get(
    @Param('flightId') flightId: string,
    @RequestOrganization() organizationId: string,
  ): Promise<TaskDetailDto> {
    const task = await this.store.findTask(flightId, organizationId);
    if (!task) throw new NotFoundError(`no task ${flightId}`);
    const history = await this.store.history(flightId);
    return { ...toTaskDto(task), history: history.map(toTransitionDto) };
  }

  @Post(':flightId/pause')
  @HttpCode(202)
  @ApiOperation({ summary: 'Pause a running task (flighttask_pause); answers the pending command' })
  @ApiAcceptedResponse({ type: CommandDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  @ApiResponse({ status: 409, description: 'The task is not running', type: ErrorDto })
  async pause(
    @Param('flightId') flightId: string,
    @RequestOrganization() organizationId: string,
  ): Promise<CommandDto> {
    return toCommandDto(await this.missions.pauseOrResume(flightId, 'pause', organizationId));
  }

  @Post(':flightId/resume')
  @HttpCode(202)
  @ApiOperation({ summary: 'Resume a paused task (flighttask_recovery)' })
  @ApiAcceptedResponse({ type: CommandDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  @ApiResponse({ status: 409, description: 'The task is not paused', type: ErrorDto })
  async resume(
    @Param('flightId') flightId: string,
    @RequestOrganization() organizationId: string,
  ): Promise<CommandDto> {
    return toCommandDto(await this.missions.pauseOrResume(flightId, 'resume', organizationId));
  }

  @Post(':flightId/resume-from-breakpoint')
  @ApiOperation({
    summary: 'Create a new immediate task that resumes an interrupted one from its break point',
  })
  @ApiZodBody('ResumeFromBreakpointDto', resumeFromBreakpointBodySchema, { required: false })
  @ApiCreatedResponse({ type: TaskDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  @ApiResponse({ status: 409, description: 'Not interrupted, or no break point', type: ErrorDto })
  async resumeFromBreakpoint(
    @Param('flightId') flightId: string,
    @Body() body: unknown,
    @RequestOrganization() organizationId: string,
  ): Promise<TaskDto> {
    const input = parseWith(resumeFromBreakpointBodySchema, body);
    return toTaskDto(
      await this.missions.resumeFromBreakpoint(flightId, input.creator, organizationId),
    );
  }
}
