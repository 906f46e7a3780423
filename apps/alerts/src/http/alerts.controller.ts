import { Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { BearerController, ErrorDto, parseWith, RequestOrganization } from '@dock/platform';
import type { HmsStore } from '../application/ports';
import { HMS_STORE } from '../alerts.tokens';
import { alertQuerySchema, HmsAlertPageDto, toAlertDto } from './alerts.dto';

const stateQuery = {
  name: 'state',
  required: false,
  enum: ['active', 'cleared', 'all'],
  description: 'active (default): not cleared; cleared: past alerts; all',
};
const limitQuery = { name: 'limit', required: false, description: '1..500, default 100' };
const beforeQuery = {
  name: 'before',
  required: false,
  description: 'first seen before (UTC ms): `nextBefore` of the previous page',
};

@BearerController({
  tag: 'hms-alerts',
  responses: [{ status: 400, description: 'Invalid query parameter (named)', type: ErrorDto }],
})
export class AlertsController {
  constructor(@Inject(HMS_STORE) private readonly store: HmsStore) {}

  @Get('hms-alerts')
  @ApiOperation({ summary: "The organization's HMS alerts, newest first (active by default)" })
  @ApiQuery(stateQuery)
  @ApiQuery({ name: 'gatewaySn', required: false, description: 'only this dock (SN)' })
  @ApiQuery({ name: 'flightId', required: false, description: 'only this flight' })
  @ApiQuery(limitQuery)
  @ApiQuery(beforeQuery)
  @ApiOkResponse({ type: HmsAlertPageDto })
  list(
    @Query() query: unknown,
    @RequestOrganization() organizationId: string,
  ): Promise<HmsAlertPageDto> {
    return this.page(parseWith(alertQuerySchema, query), organizationId);
  }

  @Get('docks/:gatewaySn/hms-alerts')
  @ApiOperation({ summary: "One dock's HMS alerts (its own and its aircraft's)" })
  @ApiQuery(stateQuery)
  @ApiQuery(limitQuery)
  @ApiQuery(beforeQuery)
  @ApiOkResponse({ type: HmsAlertPageDto })
  byDock(
    @Param('gatewaySn') gatewaySn: string,
    @Query() query: unknown,
    @RequestOrganization() organizationId: string,
  ): Promise<HmsAlertPageDto> {
    return this.page(
      parseWith(alertQuerySchema, { ...(query as object), gatewaySn }),
      organizationId,
    );
  }

  @Get('flights/:flightId/hms-alerts')
  @ApiOperation({ summary: 'HMS alerts raised during one flight (all states by default)' })
  @ApiQuery({ ...stateQuery, description: 'all (default); active: not cleared; cleared' })
  @ApiQuery(limitQuery)
  @ApiQuery(beforeQuery)
  @ApiOkResponse({ type: HmsAlertPageDto })
  byFlight(
    @Param('flightId') flightId: string,
    @Query() query: unknown,
    @RequestOrganization() organizationId: string,
  ): Promise<HmsAlertPageDto> {
    return this.page(
      parseWith(alertQuerySchema, { state: 'all', ...(query as object), flightId }),
      organizationId,
    );
  }

  private async page(
    query: ReturnType<typeof alertQuerySchema.parse>,
    organizationId: string,
  ): Promise<HmsAlertPageDto> {
    const alerts = await this.store.listAlerts({ ...query, organizationId });
    const last = alerts.at(-1);
    return {
      items: alerts.map(toAlertDto),
      nextBefore: alerts.length === query.limit && last ? last.firstSeenAt : null,
    };
  }
}
