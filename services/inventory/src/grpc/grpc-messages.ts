import type { RelationshipSnapshot } from '@estate/contracts';
import type { PathNode, ReachPath } from '@estate/estate-graph';
import type { ReachAnswer } from '../reach/reach-queries';
import { jsonObject } from './grpc-errors';

/** The `AssetFields` message as proto-loader decodes it (keepCase). */
export interface AssetFieldsMessage {
  asset_version?: string;
  owner_team?: string;
  purpose?: string;
  environment?: string;
  data_classification?: string;
  policy_class?: string;
  lifecycle?: string;
  labels?: Record<string, string>;
  external_refs?: Record<string, string>;
  attributes_json?: string;
}

/** The asset fields the snapshot and the read-model view share; the view has nulls where the snapshot omits a field. */
interface AssetLike {
  assetId: string;
  kind: string;
  name: string;
  version: number;
  lifecycle: string;
  assetVersion?: string | null;
  ownerTeam?: string | null;
  purpose?: string | null;
  environment?: string | null;
  dataClassification?: string | null;
  policyClass?: string | null;
  labels: Record<string, string>;
  externalRefs: Record<string, string>;
  attributes: Record<string, unknown>;
  definitionHash?: string | null;
}

const text = (value: string | undefined): string | undefined => (value ? value : undefined);

/** Maps proto3 defaults (empty strings, empty maps) to absent fields, as the REST body would omit them. */
export function assetFieldsFromMessage(fields: AssetFieldsMessage | undefined): Record<string, unknown> {
  const f = fields ?? {};
  const hasEntries = (map: Record<string, string> | undefined) => (map && Object.keys(map).length > 0 ? map : undefined);
  return {
    assetVersion: text(f.asset_version),
    ownerTeam: text(f.owner_team),
    purpose: text(f.purpose),
    environment: text(f.environment),
    dataClassification: text(f.data_classification),
    policyClass: text(f.policy_class),
    lifecycle: text(f.lifecycle),
    labels: hasEntries(f.labels),
    externalRefs: hasEntries(f.external_refs),
    attributes: jsonObject(f.attributes_json, 'fields.attributes_json'),
  };
}

export function assetMessage(asset: AssetLike) {
  return {
    asset_id: asset.assetId,
    kind: asset.kind,
    name: asset.name,
    version: asset.version,
    lifecycle: asset.lifecycle,
    definition_hash: asset.definitionHash ?? '',
    fields: {
      asset_version: asset.assetVersion ?? '',
      owner_team: asset.ownerTeam ?? '',
      purpose: asset.purpose ?? '',
      environment: asset.environment ?? '',
      data_classification: asset.dataClassification ?? '',
      policy_class: asset.policyClass ?? '',
      lifecycle: asset.lifecycle,
      labels: asset.labels,
      external_refs: asset.externalRefs,
      attributes_json: JSON.stringify(asset.attributes),
    },
  };
}

export function relationshipMessage(r: RelationshipSnapshot) {
  return {
    relationship_id: r.relationshipId,
    type: r.type,
    from_id: r.fromId,
    from_kind: r.fromKind,
    to_id: r.toId,
    to_kind: r.toKind,
    source: r.source,
    version: r.version,
    first_seen_at: r.firstSeenAt,
    last_seen_at: r.lastSeenAt,
    valid_until: r.validUntil ?? '',
    ended_at: r.endedAt ?? '',
  };
}

const node = (n: PathNode) => ({ id: n.id, kind: n.kind, name: n.name });

function pathMessage(path: ReachPath) {
  const { target, controls } = path;
  return {
    nodes: path.nodes.map(node),
    relationships: path.relationships,
    target: { node: node(target), data_classification: target.dataClassification ?? '', side_effect: target.sideEffect },
    controls: {
      policy_classes: controls.policyClasses,
      approval_gates: controls.approvalGates.map(node),
      open_exception_windows: controls.openExceptionWindows.map(node),
    },
    ungated: path.ungated,
  };
}

export function reachMessage(answer: ReachAnswer) {
  return {
    start_ids: answer.startIds,
    ungated_paths: answer.ungatedPaths,
    paths: answer.paths.map(pathMessage),
    limits: { max_depth: answer.limits.maxDepth, max_paths: answer.limits.maxPaths, max_expansions: answer.limits.maxExpansions },
    truncated_by: answer.truncatedBy ?? '',
  };
}
