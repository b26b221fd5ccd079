import { DATA_CLASSIFICATIONS } from '@estate/contracts';

export { ASSET_KINDS, DATA_CLASSIFICATIONS, LIFECYCLE_STATES, RELATIONSHIP_SOURCES } from '@estate/contracts';
export type { AssetKind, DataClassification, LifecycleState, RelationshipSource } from '@estate/contracts';

/** Returns 0 for public up to 3 for restricted, or -1 when the asset has no classification. */
export function sensitivityRank(classification: string | undefined | null): number {
  return classification ? (DATA_CLASSIFICATIONS as readonly string[]).indexOf(classification) : -1;
}
