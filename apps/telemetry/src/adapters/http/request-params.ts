import { badRequest } from '@dock/platform';
import { validateGatewaySn } from '@dock/protocol';

export { required } from '@dock/platform';

export function dockSn(value: string, name = 'sn'): string {
  const parsed = validateGatewaySn(value, name);
  if (!parsed.ok) throw badRequest([{ field: name, problem: `must be a ${parsed.error.rule}` }]);
  return parsed.value;
}

export function flightId(value: string): string {
  if (value.length === 0 || value.length > 256) {
    throw badRequest([{ field: 'flightId', problem: 'must be 1..256 characters' }]);
  }
  return value;
}
