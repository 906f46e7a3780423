import { z } from 'zod';

/**
 * The data of the three binding requests (dock-organization-binding.md), parsed leniently
 * where docks are known to vary. Kept in this one file so the lead can swap in libs/protocol's
 * validators for these methods once they are merged.
 */
export const BINDING_METHODS = {
  bindStatus: 'airport_bind_status',
  organizationGet: 'airport_organization_get',
  organizationBind: 'airport_organization_bind',
} as const;

export type BindingMethod = (typeof BINDING_METHODS)[keyof typeof BINDING_METHODS];

export function isBindingMethod(method: string | null): method is BindingMethod {
  return Object.values(BINDING_METHODS).includes(method as BindingMethod);
}

const sn = z.string().trim().min(1).max(64);
const text = (max: number) => z.string().trim().max(max);

export const bindStatusDataSchema = z.object({
  devices: z.array(z.object({ sn }).passthrough()).min(1).max(2),
});
export type BindStatusData = z.infer<typeof bindStatusDataSchema>;

export const organizationGetDataSchema = z.object({
  device_binding_code: text(64).min(1),
  organization_id: text(64).min(1),
});
export type OrganizationGetData = z.infer<typeof organizationGetDataSchema>;

export const organizationBindDataSchema = z.object({
  bind_devices: z
    .array(
      z
        .object({
          device_binding_code: text(64).min(1),
          organization_id: text(64).min(1),
          device_callsign: text(100).default(''),
          sn,
          device_model_key: text(32).default(''),
        })
        .passthrough(),
    )
    .min(1)
    .max(2),
});
export type OrganizationBindData = z.infer<typeof organizationBindDataSchema>;

export type ParsedBindingRequest =
  | { ok: true; method: 'airport_bind_status'; data: BindStatusData }
  | { ok: true; method: 'airport_organization_get'; data: OrganizationGetData }
  | { ok: true; method: 'airport_organization_bind'; data: OrganizationBindData }
  | { ok: false; method: BindingMethod; error: string };

export function parseBindingRequest(method: BindingMethod, data: unknown): ParsedBindingRequest {
  const schema =
    method === BINDING_METHODS.bindStatus
      ? bindStatusDataSchema
      : method === BINDING_METHODS.organizationGet
        ? organizationGetDataSchema
        : organizationBindDataSchema;
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = ['data', ...(issue?.path ?? [])].join('.');
    return { ok: false, method, error: `${where}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, method, data: parsed.data } as ParsedBindingRequest;
}
