import { Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { MissionService } from '../application/mission-service';
import { MISSION_SERVICE } from '../mission.tokens';
import { CommandDto, toCommandDto } from './task.dto';
import { BearerController, ErrorDto, RequestOrganization } from '@dock/platform';
import { uuidOr404 } from './uuid-param';

@BearerController({ path: 'commands', tag: 'commands' })
export class CommandsController {
  constructor(@Inject(MISSION_SERVICE) private readonly missions: MissionService) {}

  @Get(':id')
  @ApiOperation({
    summary: "A command's state: pending until the dock answers (accepted / refused) or times out",
  })
  @ApiOkResponse({ type: CommandDto })
  @ApiResponse({ status: 404, type: ErrorDto })
  async get(
    @Param('id') id: string,
    @RequestOrganization() organizationId: string,
  ): Promise<CommandDto> {
    return toCommandDto(await this.missions.findCommand(uuidOr404(id, 'command'), organizationId));
  }
}
