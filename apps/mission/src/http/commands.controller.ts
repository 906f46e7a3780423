import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '../application/errors';
import type { MissionService } from '../application/mission-service';
import { MISSION_SERVICE } from '../mission.tokens';
import { CommandDto, toCommandDto } from './task.dto';
import { ErrorDto, RequestOrganization } from '@dock/platform';

@ApiTags('commands')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'Missing or unknown bearer token', type: ErrorDto })
@Controller('commands')
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
    // The column is a uuid: anything else cannot exist (and must not reach SQL as a uuid).
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError(`no command ${id}`);
    return toCommandDto(await this.missions.findCommand(id, organizationId));
  }
}
