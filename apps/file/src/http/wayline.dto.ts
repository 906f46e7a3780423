import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Wayline } from '../domain/waylines/wayline';

export class WaylineMetadataDto {
  @ApiProperty({
    nullable: true,
    type: String,
    example: '0-67-0',
    description: 'Aircraft model key (domain-type-subtype)',
  })
  droneModelKey!: string | null;
  @ApiProperty({ type: [String], example: ['1-52-0'] })
  payloadModelKeys!: string[];
  @ApiProperty({ nullable: true, type: String, example: 'waypoint' })
  templateType!: string | null;
  @ApiProperty({ example: 12 })
  waypointCount!: number;
  @ApiProperty({ example: 1, description: 'Executable waylines in waylines.wpml' })
  waylineCount!: number;
  @ApiProperty({ nullable: true, type: Number, example: 1534.2 })
  distanceMeters!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 412.5 })
  durationSeconds!: number | null;
  @ApiProperty({ nullable: true, type: String })
  author!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'wpml:createTime (ms)' })
  createdAtMs!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'wpml:updateTime (ms)' })
  updatedAtMs!: number | null;
}

export class WaylineDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({
    description: 'MD5 of the KMZ bytes (hex), the fingerprint docks verify',
    example: 'd41d8cd98f00b204e9800998ecf8427e',
  })
  fingerprint!: string;
  @ApiProperty()
  sizeBytes!: number;
  @ApiProperty({ type: WaylineMetadataDto })
  metadata!: WaylineMetadataDto;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  static of(wayline: Wayline): WaylineDto {
    return {
      id: wayline.id,
      name: wayline.name,
      fingerprint: wayline.fingerprint,
      sizeBytes: wayline.sizeBytes,
      metadata: wayline.metadata,
      createdAt: wayline.createdAt.toISOString(),
    };
  }
}

export class WaylinePageDto {
  @ApiProperty({ type: [WaylineDto] })
  items!: WaylineDto[];
  @ApiProperty()
  total!: number;
  @ApiProperty()
  limit!: number;
  @ApiProperty()
  offset!: number;
}

export class DownloadUrlDto {
  @ApiProperty({ description: 'Expiring download URL (signed), as docks see it' })
  url!: string;
  @ApiProperty({ description: 'MD5 of the KMZ bytes (hex)' })
  fingerprint!: string;
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

export class UploadWaylineDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The KMZ file' })
  file!: unknown;
  @ApiPropertyOptional({ description: 'Display name; defaults to the file name without .kmz' })
  name?: string;
}
