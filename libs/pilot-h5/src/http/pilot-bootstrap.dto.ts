import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// The OpenAPI description of POST {prefix}/bootstrap; the shapes are PageBootstrap's.

class PilotLicenseDto {
  @ApiProperty({ description: 'DJI Cloud API app id (platformVerifyLicense, 1st argument)' })
  appId!: string;
  @ApiProperty({ description: 'App key (2nd argument). Secret' })
  appKey!: string;
  @ApiProperty({ description: 'App licence (3rd argument). Secret' })
  license!: string;
}

class PilotMqttDto {
  @ApiProperty({ example: 'tcp://203.0.113.10:1883', description: 'tcp:// or ws:// only' })
  host!: string;
  @ApiProperty()
  username!: string;
  @ApiProperty({ description: 'Secret' })
  password!: string;
}

class PilotApiDto {
  @ApiProperty({ example: 'https://cloud.example.com' })
  host!: string;
  @ApiProperty({ description: 'Sent by Pilot as X-Auth-Token. Secret' })
  token!: string;
}

class PilotOrganizationDto {
  @ApiProperty({ format: 'uuid', description: 'Pilot workspace id (platformSetWorkspaceId)' })
  id!: string;
  @ApiProperty()
  name!: string;
}

export class PilotBootstrapDto {
  @ApiProperty({ description: 'First argument of platformSetInformation' })
  platformName!: string;
  @ApiProperty({ type: PilotLicenseDto })
  license!: PilotLicenseDto;
  @ApiProperty({ type: PilotMqttDto })
  mqtt!: PilotMqttDto;
  @ApiProperty({ type: PilotApiDto })
  api!: PilotApiDto;
  @ApiProperty({ type: PilotOrganizationDto })
  organization!: PilotOrganizationDto;
  @ApiPropertyOptional({ description: "Shown in Pilot's cloud portal; default: organization name" })
  workspaceName?: string;
}
