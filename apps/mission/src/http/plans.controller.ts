import { Body, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiResponse,
} from '@nestjs/swagger';
import { NotFoundError } from '../application/errors';
import type { PlanService } from '../application/plan-service';
import type { MissionStore } from '../application/ports';
import { MISSION_STORE, PLAN_SERVICE } from '../mission.tokens';
import {
  createPlanBodySchema,
  listPlansQuerySchema,
  PlanDto,
  PlanPageDto,
  planTemplateOf,
  toPlanDto,
} from './plan.dto';
import { ApiZodBody, BearerController, ErrorDto, RequestOrganization } from '@dock/platform';
import { offsetPage, parseWith } from '@dock/platform';
import { uuidOr404 } from './uuid-param';

@BearerController({ path: 'plans', tag: 'plans' })
export class PlansController {
  constructor(
    @Inject(PLAN_SERVICE) private readonly plans: PlanService,
    @Inject(MISSION_STORE) private readonly store: MissionStore,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a recurring plan: a timed task at each cron occurrence until endsAt',
    description:
      'The cron expression is read in timeZone (IANA), so local times hold across daylight-' +
      'saving changes. Tasks are generated MISSION_PLAN_HORIZON_MS ahead.',
  })
  @ApiZodBody('CreatePlanDto', createPlanBodySchema)
  @ApiCreatedResponse({ type: PlanDto })
  @ApiResponse({ status: 400, type: ErrorDto })
  async create(
    @Body() body: unknown,
    @RequestOrganization() organizationId: string,
  ): Promise<PlanDto> {
    const input = parseWith(createPlanBodySchema, body);
    const plan = await this.plans.create({
      organizationId,
      name: input.name,
      creator: input.creator,
      gatewaySn: input.gatewaySn,
      waylineId: input.waylineId,
      recurrence: { cron: input.cron, timeZone: input.timeZone },
      startsAt: input.startsAt ?? null,
      endsAt: input.endsAt,
      template: planTemplateOf(input),
    });
    return toPlanDto(plan);
  }

  @Get()
  @ApiOperation({ summary: 'List plans (deleted ones excluded)' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOkResponse({ type: PlanPageDto })
  async list(
    @Query() query: unknown,
    @RequestOrganization() organizationId: string,
  ): Promise<PlanPageDto> {
    const q = parseWith(listPlansQuerySchema, query);
    return offsetPage(await this.store.listPlans(organizationId, q.limit, q.offset), toPlanDto, q);
  }

  @Get(':id')
  @ApiOkResponse({ type: PlanDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async get(
    @Param('id') id: string,
    @RequestOrganization() organizationId: string,
  ): Promise<PlanDto> {
    const plan = await this.store.findPlan(uuidOr404(id, 'plan'), organizationId);
    if (!plan) throw new NotFoundError(`no plan ${id}`);
    return toPlanDto(plan);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Pause a plan: no new tasks; its tasks that have not started are canceled',
  })
  @ApiOkResponse({ type: PlanDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  @ApiResponse({ status: 409, type: ErrorDto })
  async pause(
    @Param('id') id: string,
    @RequestOrganization() organizationId: string,
  ): Promise<PlanDto> {
    return toPlanDto(await this.plans.pause(uuidOr404(id, 'plan'), organizationId));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Resume a paused or suspended plan from now on',
    description:
      "Only on a dock that belongs to the plan's organization: otherwise 404, as for an unknown dock.",
  })
  @ApiOkResponse({ type: PlanDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  @ApiResponse({ status: 409, type: ErrorDto })
  async resume(
    @Param('id') id: string,
    @RequestOrganization() organizationId: string,
  ): Promise<PlanDto> {
    return toPlanDto(await this.plans.resume(uuidOr404(id, 'plan'), organizationId));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a plan: its tasks that have not started are canceled' })
  @ApiOkResponse({ type: PlanDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  @ApiResponse({ status: 409, type: ErrorDto })
  async remove(
    @Param('id') id: string,
    @RequestOrganization() organizationId: string,
  ): Promise<PlanDto> {
    return toPlanDto(await this.plans.delete(uuidOr404(id, 'plan'), organizationId));
  }
}
