import { Body, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { validateGatewaySn } from '@dock/protocol';
import type { MissionService } from '../application/mission-service';
import { MISSION_SERVICE } from '../mission.tokens';
import { CancelOutcomeDto, cancelTasksBodySchema, CommandDto, toCommandDto } from './task.dto';
import {
  ApiZodBody,
  badRequest,
  BearerController,
  ErrorDto,
  parseWith,
  RequestOrganization,
} from '@dock/platform';

@BearerController({
  path: 'docks/:gatewaySn',
  tag: 'docks',
  responses: [{ status: 400, description: 'Invalid dock SN or body', type: ErrorDto }],
})
export class DocksController {
  constructor(@Inject(MISSION_SERVICE) private readonly missions: MissionService) {}

  @Post('tasks/cancel')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Cancel tasks of one dock that have not started (flighttask_undo)',
    description:
      'All or none: any task that started (or is unknown) refuses the call. Tasks never sent ' +
      'to the dock are canceled at once; the others when the dock accepts the undo.',
  })
  @ApiZodBody('CancelTasksDto', cancelTasksBodySchema)
  @ApiAcceptedResponse({ type: CancelOutcomeDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  @ApiResponse({ status: 409, description: 'A task has started or is final', type: ErrorDto })
  async cancel(
    @Param('gatewaySn') gatewaySn: string,
    @Body() body: unknown,
    @RequestOrganization() organizationId: string,
  ): Promise<CancelOutcomeDto> {
    checkSn(gatewaySn);
    const input = parseWith(cancelTasksBodySchema, body);
    const outcome = await this.missions.cancelTasks(
      gatewaySn,
      [...new Set(input.flightIds)],
      organizationId,
    );
    return { ...outcome, command: outcome.command ? toCommandDto(outcome.command) : null };
  }

  @Post('return-home')
  @HttpCode(202)
  @ApiOperation({ summary: 'One-key return to home (return_home)' })
  @ApiAcceptedResponse({ type: CommandDto })
  async returnHome(
    @Param('gatewaySn') gatewaySn: string,
    @RequestOrganization() organizationId: string,
  ): Promise<CommandDto> {
    checkSn(gatewaySn);
    return toCommandDto(await this.missions.dockCommand(gatewaySn, 'return_home', organizationId));
  }

  @Post('return-home/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel the return to home (return_home_cancel)' })
  @ApiAcceptedResponse({ type: CommandDto })
  async cancelReturnHome(
    @Param('gatewaySn') gatewaySn: string,
    @RequestOrganization() organizationId: string,
  ): Promise<CommandDto> {
    checkSn(gatewaySn);
    return toCommandDto(
      await this.missions.dockCommand(gatewaySn, 'return_home_cancel', organizationId),
    );
  }
}

function checkSn(gatewaySn: string): void {
  const checked = validateGatewaySn(gatewaySn);
  if (!checked.ok) throw badRequest([{ field: 'gatewaySn', problem: checked.error.rule }]);
}
