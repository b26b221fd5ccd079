import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { hasUnresolvedTemplate, ImportIssue, ImportRejected, isPlainObject } from './import-error';
import schema20250929 from '../schemas/server.schema.2025-09-29.json';
import schema20251017 from '../schemas/server.schema.2025-10-17.json';
import schema20251211 from '../schemas/server.schema.2025-12-11.json';

const SCHEMAS = [schema20251211, schema20251017, schema20250929] as Array<{ $id: string }>;
/** Used when a document has no `$schema`, as drafts written by hand often do. */
export const LATEST_SERVER_SCHEMA = schema20251211.$id;

let validators: Map<string, ValidateFunction> | undefined;

function validatorFor(schemaId: string): ValidateFunction | undefined {
  if (!validators) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validators = new Map(SCHEMAS.map((s) => [s.$id, ajv.compile(s)]));
  }
  return validators.get(schemaId);
}

export interface ServerPackage {
  registryType: string;
  identifier: string;
  version?: string;
  transport: string;
  /** Names only; a value or default marked secret is never kept. */
  environmentVariables: Array<{ name: string; isSecret: boolean; isRequired: boolean }>;
}

export interface ServerDescription {
  schema: string;
  name: string;
  title?: string;
  description: string;
  version: string;
  /** False while the manifest still carries a release template such as `${VERSION}`. */
  versionResolved: boolean;
  repositoryUrl?: string;
  websiteUrl?: string;
  packages: ServerPackage[];
  remotes: Array<{ type: string; url: string; headerNames: string[] }>;
  /** Schema findings tolerated because they sit on unresolved release templates. */
  warnings: ImportIssue[];
}

/**
 * Validates an MCP registry `server.json` against the schema named by its
 * `$schema` and extracts what the inventory records. Findings on values that
 * still hold a release template (`${VERSION}`, `{{MCPB_FILE_SHA256}}`) are
 * kept as warnings, because such manifests are the sources a release
 * pipeline fills in; every other finding rejects the document.
 */
export function parseServerJson(document: unknown): ServerDescription {
  if (!isPlainObject(document)) throw new ImportRejected('a server.json document must be a JSON object');
  const schemaId = typeof document.$schema === 'string' ? document.$schema : LATEST_SERVER_SCHEMA;
  const validate = validatorFor(schemaId);
  if (!validate) {
    const known = SCHEMAS.map((s) => s.$id).join(', ');
    throw new ImportRejected(`server.json names an unknown $schema "${schemaId}"; supported: ${known}`, [{ path: '/$schema', message: 'unknown schema' }]);
  }
  validate(document);
  const findings = (validate.errors ?? []).map((e) => ({ path: e.instancePath || '/', message: describe(e), onTemplate: hasUnresolvedTemplate(valueAt(document, e.instancePath)) }));
  const blocking = findings.filter((f) => !f.onTemplate);
  if (blocking.length > 0) {
    throw new ImportRejected(`server.json is invalid against ${schemaId}: ${blocking.map((f) => `${f.path} ${f.message}`).join('; ')}`, blocking.map(strip));
  }

  const version = String(document.version);
  return {
    schema: schemaId,
    name: String(document.name),
    title: typeof document.title === 'string' ? document.title : undefined,
    description: String(document.description),
    version,
    versionResolved: !hasUnresolvedTemplate(version),
    repositoryUrl: isPlainObject(document.repository) ? String(document.repository.url) : undefined,
    websiteUrl: typeof document.websiteUrl === 'string' ? document.websiteUrl : undefined,
    packages: (Array.isArray(document.packages) ? document.packages : []).filter(isPlainObject).map(toPackage),
    remotes: (Array.isArray(document.remotes) ? document.remotes : []).filter(isPlainObject).map((r) => ({
      type: String(r.type),
      url: String(r.url),
      headerNames: (Array.isArray(r.headers) ? r.headers : []).filter(isPlainObject).map((h) => String(h.name)),
    })),
    warnings: findings.filter((f) => f.onTemplate).map(strip),
  };
}

function toPackage(p: Record<string, unknown>): ServerPackage {
  const env = Array.isArray(p.environmentVariables) ? p.environmentVariables.filter(isPlainObject) : [];
  return {
    registryType: String(p.registryType),
    identifier: String(p.identifier),
    version: typeof p.version === 'string' ? p.version : undefined,
    transport: isPlainObject(p.transport) ? String(p.transport.type) : 'stdio',
    environmentVariables: env.map((v) => ({ name: String(v.name), isSecret: v.isSecret === true, isRequired: v.isRequired === true })),
  };
}

function describe(error: ErrorObject): string {
  if (error.keyword === 'not' && error.instancePath.endsWith('/version')) return 'must be an exact version, not a floating tag such as "latest"';
  if (error.keyword === 'additionalProperties') return `has unknown property "${String(error.params.additionalProperty)}"`;
  return error.message ?? error.keyword;
}

function valueAt(document: unknown, pointer: string): unknown {
  let value = document;
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    value = isPlainObject(value) || Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

const strip = (f: { path: string; message: string }): ImportIssue => ({ path: f.path, message: f.message });
