/**
 * Organizations (DJI "workspaces"): every dock, task, plan, wayline, flight and device record
 * belongs to exactly one. This id is the organization that owns every record written before
 * organizations existed (each service's migration fills it in), and the one the embedded mode
 * creates on first start. It is an identifier, not a secret: joining it needs a binding code.
 */
export const DEFAULT_ORGANIZATION_ID = '00000000-0000-4000-8000-000000000001';

/** Its name until an operator renames it. */
export const DEFAULT_ORGANIZATION_NAME = 'Default organization';
