import { AppError } from '@estate/service-kit';
import type { AssetSnapshot } from '@estate/contracts';
import { RegisterAssetRequest, UpdateAssetRequest } from './asset.dto';

/** Fields an update may change, in the order the changed-field list reports them. */
const UPDATABLE = [
  'name', 'assetVersion', 'ownerTeam', 'purpose', 'environment', 'dataClassification', 'policyClass', 'lifecycle', 'labels', 'externalRefs', 'attributes',
] as const;

const SECRET_LOOKING = /(secret|token|password|api[_-]?key|authorization|private[_-]?key)/i;

/** Builds the first snapshot of a new asset. */
export function decideRegister(request: RegisterAssetRequest, newId: () => string): AssetSnapshot {
  const snapshot: AssetSnapshot = {
    assetId: request.id ?? newId(),
    kind: request.kind,
    name: request.name,
    version: 1,
    lifecycle: request.lifecycle ?? 'active',
    labels: stringMap(request.labels ?? {}, 'labels'),
    externalRefs: stringMap(request.externalRefs ?? {}, 'externalRefs'),
    attributes: request.attributes ?? {},
  };
  for (const field of ['assetVersion', 'ownerTeam', 'purpose', 'environment', 'dataClassification', 'policyClass'] as const) {
    if (request[field] !== undefined) (snapshot as unknown as Record<string, unknown>)[field] = request[field];
  }
  return snapshot;
}

/**
 * Applies an update to the current snapshot. Returns the fields that really
 * changed; an empty list means the command is a no-op and records no event.
 */
export function decideUpdate(current: AssetSnapshot, request: UpdateAssetRequest): { next: AssetSnapshot; changedFields: string[] } {
  if (current.lifecycle === 'retired') throw new AppError('conflict', `asset ${current.assetId} is retired; register a new asset instead of changing it`);
  const next: AssetSnapshot = { ...current, version: current.version + 1 };
  const changedFields: string[] = [];
  for (const field of UPDATABLE) {
    const value = request[field];
    if (value === undefined) continue;
    const checked = field === 'labels' || field === 'externalRefs' ? stringMap(value as Record<string, unknown>, field) : value;
    if (JSON.stringify(checked) === JSON.stringify(current[field])) continue;
    (next as unknown as Record<string, unknown>)[field] = checked;
    changedFields.push(field);
  }
  return { next, changedFields };
}

export function decideRetire(current: AssetSnapshot): AssetSnapshot {
  if (current.lifecycle === 'retired') throw new AppError('conflict', `asset ${current.assetId} is already retired`);
  return { ...current, version: current.version + 1, lifecycle: 'retired' };
}

/** Labels and external references are flat string maps; a key that names a secret is rejected so no credential is stored by mistake. */
/** Bounds of `labels` and `externalRefs`: enough for tagging and cross-references, small enough to index and show. */
const MAX_MAP_ENTRIES = 200;
const MAX_MAP_KEY_LENGTH = 256;
const MAX_MAP_VALUE_LENGTH = 4096;

function stringMap(value: Record<string, unknown>, field: string): Record<string, string> {
  const entries = Object.entries(value);
  if (entries.length > MAX_MAP_ENTRIES) {
    throw new AppError('invalid_argument', `${field} has ${entries.length} entries; at most ${MAX_MAP_ENTRIES} are allowed. Keep bulk data in attributes or outside the inventory`, field);
  }
  for (const [key, entry] of entries) {
    if (key.length === 0) throw new AppError('invalid_argument', `${field} has an empty key; name each entry`, field);
    if (key.length > MAX_MAP_KEY_LENGTH) throw new AppError('invalid_argument', `${field} key "${key.slice(0, 40)}…" is ${key.length} characters; keys are at most ${MAX_MAP_KEY_LENGTH}`, field);
    if (typeof entry !== 'string') throw new AppError('invalid_argument', `${field}.${key} must be a string`, `${field}.${key}`);
    if (entry.length > MAX_MAP_VALUE_LENGTH) {
      throw new AppError('invalid_argument', `${field}.${key} is ${entry.length} characters; values are at most ${MAX_MAP_VALUE_LENGTH}`, `${field}.${key}`);
    }
    if (SECRET_LOOKING.test(key)) {
      throw new AppError('invalid_argument', `${field}.${key} looks like a secret; store a reference to a secret manager entry, never its value`, `${field}.${key}`);
    }
  }
  return value as Record<string, string>;
}
