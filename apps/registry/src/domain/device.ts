/**
 * One device as the registry knows it: a gateway (the dock) or a sub-device (its aircraft).
 * Times are milliseconds since the epoch.
 */
export interface Device {
  readonly sn: string;
  /** The dock it belongs to (its own SN for a dock). */
  readonly gatewaySn: string;
  readonly role: 'gateway' | 'sub_device';
  readonly modelKey: string | null;
  readonly firmwareVersion: string | null;
  readonly organizationId: string | null;
  readonly callsign: string | null;
  readonly boundAt: number | null;
  readonly boundCodeId: string | null;
  /** tid of the airport_organization_bind that bound it: a redelivered request is a no-op. */
  readonly boundTid: string | null;
  readonly online: boolean;
  readonly presenceChangedAt: number | null;
  readonly lastSeenAt: number | null;
}

export function newDevice(sn: string, gatewaySn: string, role: Device['role']): Device {
  return {
    sn,
    gatewaySn,
    role,
    modelKey: null,
    firmwareVersion: null,
    organizationId: null,
    callsign: null,
    boundAt: null,
    boundCodeId: null,
    boundTid: null,
    online: false,
    presenceChangedAt: null,
    lastSeenAt: null,
  };
}

/** What goes to registry.device-events (see libs/contracts device-records.ts). */
export type DeviceChange =
  | {
      readonly kind: 'presence';
      readonly device: Device;
      readonly online: boolean;
      readonly cause: string;
      readonly at: number;
    }
  | {
      readonly kind: 'topology';
      readonly device: Device;
      readonly subDeviceSns: readonly string[];
      readonly cause: string;
      readonly at: number;
    }
  | {
      readonly kind: 'binding';
      readonly device: Device;
      readonly bound: boolean;
      /** The organization joined (bound) or left (unbound). */
      readonly organizationId: string;
      readonly cause: string;
      readonly at: number;
    };
