import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { apiDoc } from '@dock/platform';
import { BindingCode, bindingCodeStatus } from '../domain/binding-code';
import type { Device } from '../domain/device';
import { ORGANIZATION_NAME_MAX, Organization } from '../domain/organization';
import { modelName } from '../domain/product-models';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** An ISO 8601 time with a zone, or milliseconds since the epoch. */
const instant = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .datetime({
      offset: true,
      message: 'must be an ISO 8601 time with a zone, e.g. 2026-01-31T12:00:00Z',
    })
    .transform((text) => Date.parse(text)),
]);

// The name's length is checked by the domain (validOrganizationName), with its own message.
export const organizationBodySchema = z
  .object({
    name: apiDoc(z.string(), { maxLength: ORGANIZATION_NAME_MAX, example: 'Site North Team' }),
  })
  .strict();
export const issueCodeBodySchema = z
  .object({
    expiresAt: apiDoc(instant.optional(), {
      description: 'When the code stops working (ISO 8601 or epoch ms); never when absent',
      example: '2026-12-31T23:59:59Z',
    }),
  })
  .strict();
export const expireCodeBodySchema = z
  .object({
    at: instant.optional().describe('When it expires (ISO 8601 or epoch ms); now when absent'),
  })
  .strict();

export class OrganizationDto {
  @ApiProperty({
    format: 'uuid',
    description: 'What an operator types in Pilot 2 as the organization ID',
  })
  id!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class BindingCodeDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'uuid' })
  organizationId!: string;
  @ApiProperty({ enum: ['active', 'expired', 'revoked'] })
  status!: string;
  @ApiProperty({ description: 'The last characters of the code, to tell codes apart' })
  hint!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  expiresAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  revokedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  lastUsedAt!: string | null;
}

export class IssuedBindingCodeDto extends BindingCodeDto {
  @ApiProperty({
    description:
      'The code to type in Pilot 2 with the organization ID. Shown this once: only its hash is stored.',
    example: 'K7MQ2WXR9D',
  })
  code!: string;
}

export class DeviceDto {
  @ApiProperty()
  sn!: string;
  @ApiProperty({ description: 'The dock the device belongs to (its own SN for a dock)' })
  gatewaySn!: string;
  @ApiProperty({ enum: ['gateway', 'sub_device'] })
  role!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Product key {domain}-{type}-{sub_type}',
  })
  modelKey!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Model name; null for an unknown key' })
  model!: string | null;
  @ApiProperty({ nullable: true, type: String })
  firmwareVersion!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' })
  organizationId!: string | null;
  @ApiProperty({ nullable: true, type: String })
  callsign!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  boundAt!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'The binding code used',
  })
  boundWithCodeId!: string | null;
  @ApiProperty()
  online!: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When online last changed',
  })
  presenceChangedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  lastSeenAt!: string | null;
}

export function organizationDto(organization: Organization): OrganizationDto {
  return {
    id: organization.id,
    name: organization.name,
    createdAt: iso(organization.createdAt) as string,
    updatedAt: iso(organization.updatedAt) as string,
  };
}

export function bindingCodeDto(code: BindingCode, now: number): BindingCodeDto {
  return {
    id: code.id,
    organizationId: code.organizationId,
    status: bindingCodeStatus(code, now),
    hint: code.hint,
    createdAt: iso(code.createdAt) as string,
    expiresAt: iso(code.expiresAt),
    revokedAt: iso(code.revokedAt),
    lastUsedAt: iso(code.lastUsedAt),
  };
}

export function deviceDto(device: Device): DeviceDto {
  return {
    sn: device.sn,
    gatewaySn: device.gatewaySn,
    role: device.role,
    modelKey: device.modelKey,
    model: modelName(device.modelKey) ?? null,
    firmwareVersion: device.firmwareVersion,
    organizationId: device.organizationId,
    callsign: device.callsign,
    boundAt: iso(device.boundAt),
    boundWithCodeId: device.boundCodeId,
    online: device.online,
    presenceChangedAt: iso(device.presenceChangedAt),
    lastSeenAt: iso(device.lastSeenAt),
  };
}
