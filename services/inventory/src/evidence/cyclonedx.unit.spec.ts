import type { AssetView } from '../assets/asset-queries';
import { bomValidator } from '../../test/cyclonedx-validator';
import { buildCycloneDx } from './cyclonedx';

const asset = (assetId: string, kind: string, extra: Partial<AssetView> = {}): AssetView => ({
  assetId, kind, name: assetId, version: 1, assetVersion: null, ownerTeam: 'support-ai', purpose: `${assetId} purpose`, environment: 'prod',
  dataClassification: null, policyClass: 'customer-facing', lifecycle: 'active', labels: {}, externalRefs: {}, attributes: {}, definitionHash: null,
  registeredAt: '2026-06-01T00:00:00.000Z', updatedAt: '2026-06-01T00:00:00.000Z', ...extra,
});

describe('CycloneDX export', () => {
  const validate = bomValidator();
  const assets = [
    asset('agent-1', 'agent'),
    asset('model-1', 'model', { assetVersion: '2024-08-06', externalRefs: { 'openai.model': 'gpt-4o' } }),
    asset('tickets', 'dataset', { dataClassification: 'restricted' }),
    asset('github', 'mcp-server', { externalRefs: { 'mcp.url': 'https://api.githubcopilot.com/mcp/' } }),
    asset('search', 'tool', { definitionHash: 'a'.repeat(64) }),
    asset('payments', 'policy-class'),
  ];
  const relationships = [
    { type: 'uses', fromId: 'agent-1', toId: 'model-1' },
    { type: 'uses', fromId: 'agent-1', toId: 'github' },
    { type: 'exposes', fromId: 'github', toId: 'search' },
    { type: 'reads', fromId: 'search', toId: 'tickets' },
    { type: 'governed-by', fromId: 'search', toId: 'payments' },
    { type: 'reads', fromId: 'agent-1', toId: 'outside-the-export' },
  ];

  it('validates against the CycloneDX 1.6 schema', () => {
    const bom = buildCycloneDx(assets, relationships, new Date('2026-06-02T00:00:00Z'), assets[0]);
    const valid = validate(bom);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('maps kinds onto components, services and dependencies', () => {
    const bom = buildCycloneDx(assets, relationships, new Date('2026-06-02T00:00:00Z')) as any;
    const types = Object.fromEntries(bom.components.map((c: any) => [c['bom-ref'], c.type]));
    expect(types).toEqual({ 'agent-1': 'application', 'model-1': 'machine-learning-model', tickets: 'data', payments: 'application' });
    expect(bom.components.find((c: any) => c['bom-ref'] === 'model-1').modelCard.considerations.useCases).toEqual(['model-1 purpose']);
    expect(bom.components.find((c: any) => c['bom-ref'] === 'tickets').data[0].classification).toBe('restricted');
    expect(bom.services.map((s: any) => s['bom-ref'])).toEqual(['github', 'search']);
    expect(bom.services[0].endpoints).toEqual(['https://api.githubcopilot.com/mcp/']);
    const deps = Object.fromEntries(bom.dependencies.map((d: any) => [d.ref, d.dependsOn]));
    expect(deps['agent-1']).toEqual(['github', 'model-1']);
    expect(deps.search).toEqual(['tickets']);
  });
});
