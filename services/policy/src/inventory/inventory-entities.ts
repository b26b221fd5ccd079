import type { AssetSnapshot } from '@estate/contracts';
import type { EntityJson } from '@estate/policy-engine';

/** The Cedar entity type each inventory asset kind maps to; other kinds are not policy entities. */
export const CEDAR_TYPE_OF_KIND: Partial<Record<string, string>> = {
  agent: 'Agent',
  tool: 'Tool',
  'mcp-server': 'McpServer',
  dataset: 'Dataset',
  'model-route': 'ModelRoute',
  'output-channel': 'OutputChannel',
  team: 'Team',
  'policy-class': 'PolicyClass',
};

/** An asset with the names its active relationships point at, as the projection reads them back. */
export interface AssetWithLinks {
  snapshot: AssetSnapshot;
  definitionDrifted: boolean;
  /** Names of tools the agent `calls`: its tool scope. */
  calledTools: string[];
  /** Names of MCP servers that `exposes` this tool: its Cedar parents. */
  exposedBy: string[];
  /** Names of policy classes the asset is `governed-by`. */
  governedBy: string[];
  /** Names of teams the asset is `owned-by`. */
  ownedBy: string[];
}

/**
 * Builds the Cedar entity of an asset, with only the attributes the schema
 * declares. A declared relationship wins over the snapshot's own field
 * because it is the newer, explicit statement.
 */
export function entityOfAsset(asset: AssetWithLinks): EntityJson | undefined {
  const { snapshot } = asset;
  const type = CEDAR_TYPE_OF_KIND[snapshot.kind];
  if (!type) return undefined;
  const uid = { type, id: snapshot.name };
  const owner = asset.ownedBy[0] ?? snapshot.ownerTeam;
  const attrs: Record<string, unknown> = {};
  const parents: Array<{ type: string; id: string }> = [];
  const set = (name: string, value: unknown) => {
    if (value !== undefined && value !== null) attrs[name] = value;
  };

  switch (type) {
    case 'Agent':
      set('environment', snapshot.environment);
      set('policyClass', asset.governedBy[0] ?? snapshot.policyClass);
      set('owner', owner);
      set('toolScope', [...asset.calledTools].sort());
      if (owner) parents.push({ type: 'Team', id: owner });
      break;
    case 'Tool':
      set('environment', snapshot.environment);
      set('definitionHash', snapshot.definitionHash);
      set('definitionDrifted', asset.definitionDrifted);
      if (typeof snapshot.attributes.sideEffects === 'boolean') set('sideEffects', snapshot.attributes.sideEffects);
      for (const server of [...asset.exposedBy].sort()) parents.push({ type: 'McpServer', id: server });
      break;
    case 'McpServer':
      set('environment', snapshot.environment);
      set('owner', owner);
      break;
    case 'Dataset':
      set('environment', snapshot.environment);
      set('classification', snapshot.dataClassification);
      break;
    case 'OutputChannel':
      if (typeof snapshot.attributes.customerFacing === 'boolean') set('customerFacing', snapshot.attributes.customerFacing);
      break;
  }
  return { uid, attrs, parents } as EntityJson;
}
