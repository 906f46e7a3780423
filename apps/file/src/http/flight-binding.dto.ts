import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { taskStates } from '@dock/contracts';

export const bindFlightBodySchema = z.object({
  waylineId: z.string().uuid().describe('The wayline the flight flies'),
  gatewaySn: z.string().min(1).max(64).describe("The dock's SN"),
});

export class FlightBindingDto {
  @ApiProperty()
  flightId!: string;
  @ApiProperty()
  waylineId!: string;
  @ApiProperty()
  gatewaySn!: string;
  @ApiProperty({
    nullable: true,
    enum: taskStates,
    description: 'Last task state seen on mission.task-events',
  })
  taskState!: string | null;
  @ApiProperty({ format: 'date-time' })
  boundAt!: string;
}

export class FlightWaylineDto extends FlightBindingDto {
  @ApiProperty({ description: 'Fresh expiring URL for flighttask_prepare file.url' })
  url!: string;
  @ApiProperty({ description: 'MD5 of the KMZ (file.fingerprint)' })
  fingerprint!: string;
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}
