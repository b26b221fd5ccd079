import { IsInt, isISO8601, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, isUUID, IsUUID, Min } from 'class-validator';
import { ContractError } from './errors';
import { EventEnvelope } from './envelope';
import { EventDefinition, findEventDefinition, knownVersions } from './registry';
import { absentOrString, isPlainObject, nonEmpty, STRICT_DATE } from './plain-checks';
import { validatePlain } from './validation';

class EnvelopeShape {
  @IsUUID() eventId!: string;
  @IsString() @IsNotEmpty() type!: string;
  @IsInt() @Min(1) schemaVersion!: number;
  @IsString() @IsNotEmpty() tenantId!: string;
  @IsISO8601({ strict: true }) occurredAt!: string;
  @IsISO8601({ strict: true }) recordedAt!: string;
  @IsString() @IsNotEmpty() producer!: string;
  @IsOptional() @IsString() correlationId?: string;
  @IsOptional() @IsString() causationId?: string;
  @IsString() @IsNotEmpty() key!: string;
  @IsObject() payload!: Record<string, unknown>;
}

/** A Kafka record as the adapter sends it. Headers repeat the routing fields so tools can filter without parsing. */
export interface EncodedEvent {
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  /** Milliseconds since the epoch: when Estate accepted the event. */
  timestamp: number;
}

/** Validates an envelope against its definition and serialises it for the definition's topic. */
export function encodeEvent(envelope: EventEnvelope): EncodedEvent {
  const definition = requireDefinition(envelope.type, envelope.schemaVersion);
  checkPayload(definition, envelope.payload);
  return {
    topic: definition.topic,
    key: envelope.key,
    value: Buffer.from(JSON.stringify(envelope)),
    headers: {
      'estate-event-type': envelope.type,
      'estate-schema-version': String(envelope.schemaVersion),
      'estate-tenant': envelope.tenantId,
    },
    timestamp: Date.parse(envelope.recordedAt),
  };
}

/**
 * Parses and validates one record's bytes. Throws ContractError with a code
 * the dead-letter topic records; never returns a half-checked envelope.
 */
export function decodeEvent(bytes: Buffer | null, expectedTopic?: string): EventEnvelope {
  if (!bytes || bytes.length === 0) {
    throw new ContractError('malformed_json', 'record value is empty; expected a JSON event envelope');
  }
  let plain: unknown;
  try {
    plain = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ContractError('malformed_json', `record value is not JSON: ${(error as Error).message}`);
  }
  if (!envelopeIsValid(plain)) {
    throw new ContractError('invalid_envelope', 'event envelope is invalid', envelopeIssues(plain));
  }
  const envelope = plain as EventEnvelope;
  const definition = requireDefinition(envelope.type, envelope.schemaVersion);
  if (expectedTopic && definition.topic !== expectedTopic && !definition.acceptsTopic?.(expectedTopic)) {
    throw new ContractError(
      'wrong_topic',
      `event ${envelope.type} v${envelope.schemaVersion} belongs on ${definition.topic}, not ${expectedTopic}`,
    );
  }
  checkPayload(definition, envelope.payload);
  return envelope;
}

/**
 * Applies the rules of EnvelopeShape with class-validator's own standalone
 * checks but without class-transformer's copy, which made the envelope check
 * the largest cost of decoding a span event. Every consumer decodes every
 * event, so this runs once per record. Only an envelope this rejects goes
 * through EnvelopeShape, which words the issues. `codec.unit.spec.ts` checks
 * that both give the same verdicts.
 */
export function envelopeIsValid(plain: unknown): boolean {
  if (!isPlainObject(plain)) return false;
  const e = plain;
  return (
    typeof e.eventId === 'string' && isUUID(e.eventId) &&
    nonEmpty(e.type) &&
    Number.isInteger(e.schemaVersion) && (e.schemaVersion as number) >= 1 &&
    nonEmpty(e.tenantId) &&
    typeof e.occurredAt === 'string' && isISO8601(e.occurredAt, STRICT_DATE) &&
    typeof e.recordedAt === 'string' && isISO8601(e.recordedAt, STRICT_DATE) &&
    nonEmpty(e.producer) &&
    absentOrString(e.correlationId) &&
    absentOrString(e.causationId) &&
    nonEmpty(e.key) &&
    isPlainObject(e.payload)
  );
}

/** Lists the envelope's problems as class-validator words them from EnvelopeShape. */
export function envelopeIssues(plain: unknown) {
  return validatePlain(EnvelopeShape, envelopeHead(plain)).issues;
}

/**
 * Replaces an object payload by an empty one for the envelope check, which
 * only needs to know it is an object: class-transformer would otherwise copy
 * the whole payload, the largest part of a span event. The payload is
 * checked against its own definition next.
 */
function envelopeHead(plain: unknown): unknown {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) return plain;
  const { payload, ...head } = plain as Record<string, unknown>;
  const isObject = payload !== null && typeof payload === 'object' && !Array.isArray(payload);
  return { ...head, payload: isObject ? {} : payload };
}

function requireDefinition(type: string, version: number): EventDefinition {
  const definition = findEventDefinition(type, version);
  if (definition) return definition;
  const versions = knownVersions(type);
  if (versions.length === 0) {
    throw new ContractError('unknown_event_type', `event type "${type}" is not defined in the contracts library`);
  }
  throw new ContractError(
    'unsupported_schema_version',
    `event type "${type}" has no schema version ${version}; known versions: ${versions.join(', ')}`,
  );
}

function checkPayload(definition: EventDefinition, payload: unknown): void {
  const checked = definition.validate ? { issues: definition.validate(payload) } : validatePlain(definition.payload, payload);
  if (checked.issues.length > 0) {
    const fields = checked.issues.map((i) => `payload.${i.field}: ${i.message}`).join('; ');
    throw new ContractError(
      'invalid_payload',
      `payload of ${definition.type} v${definition.version} is invalid: ${fields}`,
      checked.issues.map((i) => ({ field: `payload.${i.field}`, message: i.message })),
    );
  }
}
