/**
 * Product keys ("{domain}-{type}-{sub_type}", the protocol's device_model_key) and the model
 * each names, from dock-device-topology.md §2. Unknown keys are kept as keys: a new model must
 * not stop a dock from registering.
 */
const MODELS: Readonly<Record<string, string>> = {
  '3-1-0': 'DJI Dock',
  '3-2-0': 'DJI Dock 2',
  '3-3-0': 'DJI Dock 3',
  '0-67-0': 'Matrice 30',
  '0-67-1': 'Matrice 30T',
  '0-91-0': 'Matrice 3D',
  '0-91-1': 'Matrice 3TD',
  '0-100-0': 'Matrice 4D',
  '0-100-1': 'Matrice 4TD',
  '0-60-0': 'Matrice 300 RTK',
  '0-89-0': 'Matrice 350 RTK',
  '0-77-0': 'Mavic 3E',
  '0-77-1': 'Mavic 3T',
  '0-77-2': 'Mavic 3M',
  '2-119-0': 'DJI RC Plus',
  '2-144-0': 'DJI RC Pro Enterprise',
  '2-56-0': 'DJI Smart Controller Enterprise',
  '2-174-0': 'DJI RC Plus 2',
};

const KEY = /^\d{1,3}-\d{1,5}-\d{1,5}$/;

/** The model name of a product key, or undefined for a key this table does not know. */
export function modelName(key: string | null | undefined): string | undefined {
  return key ? MODELS[key] : undefined;
}

/** The key as given when it has the right shape, undefined otherwise. */
export function normaliseProductKey(key: unknown): string | undefined {
  return typeof key === 'string' && KEY.test(key.trim()) ? key.trim() : undefined;
}

/**
 * The product key of an update_topo entry: domain, type and sub_type may arrive as numbers or
 * numeric strings (docs and firmware differ); anything else gives no key.
 */
export function productKeyOf(entry: {
  domain?: unknown;
  type?: unknown;
  sub_type?: unknown;
}): string | undefined {
  const parts = [entry.domain, entry.type, entry.sub_type].map(wholeNumber);
  if (parts.some((part) => part === undefined)) return undefined;
  return normaliseProductKey(parts.join('-'));
}

function wholeNumber(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= 0 ? number : undefined;
}
