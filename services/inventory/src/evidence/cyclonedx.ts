import { randomUUID } from 'node:crypto';
import type { AssetView } from '../assets/asset-queries';

export interface BomRelationship {
  type: string;
  fromId: string;
  toId: string;
}

const MODEL_KINDS = new Set(['model', 'model-version', 'deployment']);
const SERVICE_KINDS = new Set(['mcp-server', 'tool']);
/** Control assets are evidence of governance, not parts of the system, so they stay out of the dependency graph. */
const CONTROL_TYPES = new Set(['governed-by', 'gated-by', 'excepted-by', 'owned-by', 'limited-by', 'bundled-in']);

/**
 * Builds a CycloneDX 1.6 JSON BOM of the given assets: models as
 * `machine-learning-model` components with a model card, datasets as `data`
 * components, MCP servers and tools as services, everything else as
 * `application` components, and the relationships as the dependency graph.
 * Estate's own fields travel as `estate:*` properties.
 */
export function buildCycloneDx(assets: AssetView[], relationships: BomRelationship[], now: Date, subject?: AssetView): Record<string, unknown> {
  const included = new Set(assets.map((a) => a.assetId));
  const components = assets.filter((a) => !SERVICE_KINDS.has(a.kind)).map(component);
  const services = assets.filter((a) => SERVICE_KINDS.has(a.kind)).map(service);
  const dependsOn = new Map<string, Set<string>>(assets.map((a) => [a.assetId, new Set<string>()]));
  for (const r of relationships) {
    if (CONTROL_TYPES.has(r.type) || !included.has(r.fromId) || !included.has(r.toId)) continue;
    dependsOn.get(r.fromId)!.add(r.toId);
  }
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: now.toISOString(),
      tools: { components: [{ type: 'application', name: 'estate-inventory' }] },
      ...(subject ? { component: { type: 'application', 'bom-ref': `system:${subject.assetId}`, name: subject.name } } : {}),
    },
    components,
    services,
    dependencies: [...dependsOn.entries()].map(([ref, targets]) => ({ ref, dependsOn: [...targets].sort() })),
  };
}

function properties(asset: AssetView): Array<{ name: string; value: string }> {
  const fields: Array<[string, string | null]> = [
    ['estate:kind', asset.kind], ['estate:environment', asset.environment], ['estate:owner-team', asset.ownerTeam],
    ['estate:policy-class', asset.policyClass], ['estate:data-classification', asset.dataClassification], ['estate:lifecycle', asset.lifecycle],
    ['estate:definition-hash', asset.definitionHash],
  ];
  const refs = Object.entries(asset.externalRefs).map(([key, value]): [string, string] => [`estate:ref:${key}`, value]);
  return [...fields, ...refs].filter((p): p is [string, string] => p[1] !== null && p[1] !== '').map(([name, value]) => ({ name, value }));
}

function component(asset: AssetView): Record<string, unknown> {
  const base: Record<string, unknown> = {
    type: MODEL_KINDS.has(asset.kind) ? 'machine-learning-model' : asset.kind === 'dataset' ? 'data' : 'application',
    'bom-ref': asset.assetId,
    name: asset.name,
    ...(asset.assetVersion ? { version: asset.assetVersion } : {}),
    ...(asset.purpose ? { description: asset.purpose } : {}),
    properties: properties(asset),
  };
  if (MODEL_KINDS.has(asset.kind)) {
    base.modelCard = {
      considerations: {
        ...(asset.purpose ? { useCases: [asset.purpose] } : {}),
        ...(asset.ownerTeam ? { users: [asset.ownerTeam] } : {}),
      },
      properties: [{ name: 'estate:policy-class', value: asset.policyClass ?? 'unclassified' }],
    };
  }
  if (asset.kind === 'dataset') {
    base.data = [{
      type: 'dataset',
      name: asset.name,
      ...(asset.purpose ? { description: asset.purpose } : {}),
      ...(asset.dataClassification ? { classification: asset.dataClassification } : {}),
      ...(asset.ownerTeam ? { governance: { owners: [{ organization: { name: asset.ownerTeam } }] } } : {}),
    }];
  }
  return base;
}

function service(asset: AssetView): Record<string, unknown> {
  const url = asset.externalRefs['mcp.url'];
  return {
    'bom-ref': asset.assetId,
    name: asset.name,
    ...(asset.assetVersion ? { version: asset.assetVersion } : {}),
    ...(asset.purpose ? { description: asset.purpose } : {}),
    ...(url ? { endpoints: [url] } : {}),
    properties: properties(asset),
  };
}
