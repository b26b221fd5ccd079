import { ClassConstructor } from 'class-transformer';
import type { FieldIssue } from './errors';
import { TopicName } from './topics';

/**
 * One event type at one schema version: its wire name, the topic it lives on,
 * the class-validator class its payload must satisfy, and how to derive the
 * partition key from the payload.
 */
export interface EventDefinition<P extends object = object> {
  type: string;
  version: number;
  topic: TopicName | string;
  payload: ClassConstructor<P>;
  partitionKey: (payload: P) => string;
  description: string;
  /** Extra topics this definition may appear on; test fixtures use it for per-test topics. */
  acceptsTopic?: (topic: string) => boolean;
  /**
   * A hand-written check used instead of class-validator for high-volume
   * payloads; it must accept and reject exactly what the payload class does
   * and return every issue found (an empty list when the payload is valid).
   */
  validate?: (payload: unknown) => FieldIssue[];
}

const definitions = new Map<string, EventDefinition>();

const registryKey = (type: string, version: number): string => `${type}@${version}`;

/** Registers an event definition; defining the same type and version twice is a programming error. */
export function defineEvent<P extends object>(definition: EventDefinition<P>): EventDefinition<P> {
  const key = registryKey(definition.type, definition.version);
  const existing = definitions.get(key);
  if (existing && existing !== (definition as unknown as EventDefinition)) {
    throw new Error(`event ${key} is defined twice; each type and version has one owner`);
  }
  definitions.set(key, definition as unknown as EventDefinition);
  return definition;
}

export function findEventDefinition(type: string, version: number): EventDefinition | undefined {
  return definitions.get(registryKey(type, version));
}

export function knownVersions(type: string): number[] {
  return [...definitions.values()].filter((d) => d.type === type).map((d) => d.version);
}

export function allEventDefinitions(): EventDefinition[] {
  return [...definitions.values()];
}
