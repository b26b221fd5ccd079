import { BundleInvalidError, parseBundle } from './bundle';
import { buildCedarSchema } from './cedar-schema';
import { generateToolActions } from './tool-actions';

const schema = buildCedarSchema();

function issuesOf(text: string, schemaText = schema) {
  try {
    parseBundle(text, schemaText);
  } catch (error) {
    expect(error).toBeInstanceOf(BundleInvalidError);
    return (error as BundleInvalidError).issues;
  }
  throw new Error('expected the bundle to be rejected');
}

describe('parseBundle', () => {
  it('names policies by @id and reads annotations', () => {
    const parsed = parseBundle(
      `@id("write.gate")
@approvers("security, governance")
@quorum("2")
@approval_ttl("600")
@reason("Writes need two approvers.")
forbid (principal, action == Action::"write_dataset", resource);

@id("read.redacted")
@obligation("redact")
permit (principal, action == Action::"read_dataset", resource);

permit (principal, action == Action::"call_model", resource);
`,
      schema,
    );
    expect(Object.keys(parsed.policies)).toEqual(['write.gate', 'read.redacted', 'policy2']);
    expect(parsed.meta.get('write.gate')).toEqual({
      id: 'write.gate', effect: 'forbid', approvers: ['security', 'governance'], quorum: 2, approvalTtlSeconds: 600, reason: 'Writes need two approvers.', obligation: undefined,
    });
    expect(parsed.meta.get('read.redacted')).toMatchObject({ effect: 'permit', obligation: 'redact' });
    expect(parsed.meta.get('read.redacted')?.approvers).toBeUndefined();
    expect(parsed.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('defaults quorum to 1 and expiry to an hour', () => {
    const parsed = parseBundle('@id("g")\n@approvers("finops")\nforbid (principal, action, resource);', schema);
    expect(parsed.meta.get('g')).toMatchObject({ approvers: ['finops'], quorum: 1, approvalTtlSeconds: 3600 });
  });

  it('reports a syntax error with its position', () => {
    const issues = issuesOf('@id("x")\npermit (principal, action, resource)\nwhen { context.environment == };');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ message: 'unexpected token `}`', line: 3, column: 31 });
  });

  it('reports a schema violation with policy id and position', () => {
    const issues = issuesOf(`@id("fine")
permit (principal, action, resource);

@id("broken")
forbid (principal, action == Action::"call_model", resource)
when { resource.colour == "red" };`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ policyId: 'broken', line: 6, column: 8 });
    expect(issues[0].message).toContain('attribute `colour` on entity type `ModelRoute` not found');
    expect(issues[0].help).toContain('provider');
  });

  it('rejects duplicate ids', () => {
    const issues = issuesOf('@id("same")\npermit (principal, action, resource);\n@id("same")\nforbid (principal, action, resource);');
    expect(issues).toEqual([{ policyId: 'same', message: 'two policies share @id("same"); each policy id must be unique' }]);
  });

  it('rejects approvers on a permit', () => {
    const issues = issuesOf('@id("p")\n@approvers("security")\npermit (principal, action, resource);');
    expect(issues[0]).toMatchObject({ policyId: 'p' });
    expect(issues[0].message).toContain('needs a forbid policy');
  });

  it.each(['0', '-1', '1.5', 'two', '12345678'])('rejects quorum %s', (quorum) => {
    const issues = issuesOf(`@id("g")\n@approvers("security")\n@quorum("${quorum}")\nforbid (principal, action, resource);`);
    expect(issues[0]).toMatchObject({ policyId: 'g' });
    expect(issues[0].message).toContain('must be a positive whole number');
  });

  it('rejects templates', () => {
    const issues = issuesOf('@id("t")\npermit (principal == ?principal, action, resource);');
    expect(issues[0].message).toContain('policy templates are not supported');
  });

  it('rejects an invalid schema', () => {
    const issues = issuesOf('permit (principal, action, resource);', 'entity Broken {');
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0].line).toBe(1);
  });

  it('types tool arguments from the imported schema', () => {
    const [refund] = generateToolActions([
      { name: 'refund', inputSchema: { type: 'object', properties: { amount: { type: 'integer' } }, required: ['amount'] } },
    ]);
    const toolSchema = buildCedarSchema([refund]);
    const limit = '@id("limit")\nforbid (principal, action == Action::"tool:refund", resource)\nwhen { context.arguments.amount > 500 };';
    expect(Object.keys(parseBundle(limit, toolSchema).policies)).toEqual(['limit']);

    const mistyped = issuesOf(limit.replace('> 500', '> "500"'), toolSchema);
    expect(mistyped[0]).toMatchObject({ policyId: 'limit', line: 3 });
    const unknownTool = issuesOf(limit, schema);
    expect(unknownTool[0].message).toContain('tool:refund');
  });
});
