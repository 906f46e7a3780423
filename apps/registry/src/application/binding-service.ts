import type {
  AirportBindStatusData,
  AirportBindStatusReplyData,
  AirportOrganizationBindData,
  AirportOrganizationBindReplyData,
  AirportOrganizationGetData,
  AirportOrganizationGetReplyData,
} from '@dock/protocol';
import { hashBindingCode } from '../domain/binding-code';
import { checkCode } from '../domain/binding-decisions';
import { BINDING_RESULT } from '../domain/binding-results';
import { normaliseProductKey } from '../domain/product-models';
import type { RegistryStore } from './ports';

/**
 * A binding reply's data, typed by libs/protocol (the gateway checks it with the same library's
 * validators before it reaches the dock). A refusal carries `result` only: an `output` sent
 * with it would have to have the success shape, or the gateway refuses the whole answer.
 */
export type BindingReplyData =
  AirportBindStatusReplyData | AirportOrganizationGetReplyData | AirportOrganizationBindReplyData;

/** The cloud side of the three binding requests a dock sends on thing/product/{gw}/requests. */
export class BindingService {
  constructor(
    private readonly store: RegistryStore,
    private readonly now: () => number = Date.now,
  ) {}

  async bindStatus(data: AirportBindStatusData): Promise<AirportBindStatusReplyData> {
    const sns = data.devices.map((device) => device.sn);
    const devices = new Map((await this.store.findDevices(sns)).map((d) => [d.sn, d]));
    const organizationIds = [...new Set([...devices.values()].map((d) => d.organizationId))];
    const names = new Map<string, string>();
    for (const id of organizationIds) {
      if (!id) continue;
      const organization = await this.store.findOrganization(id);
      if (organization) names.set(id, organization.name);
    }
    return {
      result: BINDING_RESULT.ok,
      output: {
        bind_status: sns.map((sn) => {
          const device = devices.get(sn);
          const organizationId = device?.organizationId ?? null;
          const bound = organizationId !== null && names.has(organizationId);
          return {
            sn,
            is_device_bind_organization: bound,
            organization_id: bound ? organizationId : '',
            organization_name: bound ? (names.get(organizationId as string) ?? '') : '',
            device_callsign: bound ? (device?.callsign ?? '') : '',
          };
        }),
      },
    };
  }

  async organizationGet(
    data: AirportOrganizationGetData,
  ): Promise<AirportOrganizationGetReplyData> {
    const organization = await this.store.findOrganization(data.organization_id.trim());
    const code = organization
      ? await this.store.findBindingCodeByHash(hashBindingCode(data.device_binding_code))
      : undefined;
    const result = checkCode(organization, code, this.now());
    if (result !== BINDING_RESULT.ok || !organization) return { result };
    return { result, output: { organization_name: organization.name } };
  }

  async organizationBind(
    gatewaySn: string,
    tid: string,
    data: AirportOrganizationBindData,
  ): Promise<AirportOrganizationBindReplyData> {
    const results = await this.store.bind({
      gatewaySn,
      tid,
      now: this.now(),
      devices: data.bind_devices.map((device) => ({
        sn: device.sn,
        organizationId: device.organization_id.trim().toLowerCase(),
        // Absent on some firmware (libs/protocol): an unnamed device.
        callsign: (device.device_callsign ?? '').trim(),
        modelKey: normaliseProductKey(device.device_model_key) ?? null,
        codeHash: hashBindingCode(device.device_binding_code),
      })),
    });
    return {
      result: BINDING_RESULT.ok,
      output: { err_infos: results.map(({ sn, errCode }) => ({ sn, err_code: errCode })) },
    };
  }
}
