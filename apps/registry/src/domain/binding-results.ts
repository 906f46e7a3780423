/**
 * The result codes this cloud answers the binding requests with. The protocol leaves them to
 * the cloud (dock-organization-binding.md: 0 is success, anything else an error; the docs'
 * own example shows 210231 without a meaning). They are this service's public contract:
 * documented in apps/registry/README.md, never renumbered.
 */
export const BINDING_RESULT = {
  ok: 0,
  /** The request's data does not have the documented shape. */
  malformedRequest: 311000,
  /** No binding code of that organization matches. */
  wrongCode: 311001,
  /** The code matched but its expiry has passed. */
  expiredCode: 311002,
  /** The code matched but an operator revoked it. */
  revokedCode: 311003,
  /** No organization has that id. */
  unknownOrganization: 311004,
  /** The device is bound to another organization (unbind it there first). */
  boundToOtherOrganization: 311005,
  /** The cloud could not decide (a database failure); the dock may ask again. */
  internalError: 311099,
} as const;

export type BindingResult = (typeof BINDING_RESULT)[keyof typeof BINDING_RESULT];
