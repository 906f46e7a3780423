import { BadRequestException } from '@nestjs/common';
import { validateGatewaySn } from '@dock/protocol';
import type { Parsed } from '../../domain/query-params';

/** The value of a parsed parameter, or 400 with the parser's message. */
export function required<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new BadRequestException(parsed.error);
  return parsed.value;
}

export function dockSn(value: string, name = 'sn'): string {
  const parsed = validateGatewaySn(value, name);
  if (!parsed.ok) throw new BadRequestException(parsed.error.message);
  return parsed.value;
}

export function flightId(value: string): string {
  if (value.length === 0 || value.length > 256) {
    throw new BadRequestException('flightId: must be 1..256 characters');
  }
  return value;
}
