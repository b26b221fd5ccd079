import { schemaErrorField } from './decision-point';
import type { DecisionRequestDto } from './decision.dto';

const request = { entities: [{ uid: { type: 'Tool', id: 't' } }, { uid: { type: 'Agent', id: 'a' } }] } as unknown as DecisionRequestDto;

describe('schema error field', () => {
  it('points at the entity attribute sent', () => {
    const message = 'error during entity deserialization: attribute `zzz` on `Agent::"a"` should not exist according to the schema';
    expect(schemaErrorField(message, request)).toBe('entities[1].attrs.zzz');
  });

  it('points at entities for one not sent', () => {
    const message = 'entity does not conform to the schema: in attribute `policyClass` on `Agent::"other"`, type mismatch';
    expect(schemaErrorField(message, request)).toBe('entities');
  });

  it('points at a wrong resource type', () => {
    expect(schemaErrorField('resource type `Tool` is not valid for `Action::"call_model"`', request)).toBe('resource.type');
    expect(schemaErrorField('principal type `Tool` is not valid for `Action::"invoke_tool"`', request)).toBe('principal.type');
  });

  it('points at context otherwise', () => {
    expect(schemaErrorField('while parsing context, expected the record to have an attribute `budgetState`, but it does not', request)).toBe('context');
  });
});
