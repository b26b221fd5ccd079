import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SCHEMAS = join(__dirname, 'fixtures/cyclonedx');
const load = (file: string) => JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8'));

/** Compiles the official CycloneDX 1.6 schema with the SPDX and JSF schemas it refers to. */
export function bomValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  // ajv-formats has no internationalised formats; these checks are looser than RFC 3987 and RFC 6531.
  ajv.addFormat('iri-reference', /^\S*$/u);
  ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
  ajv.addSchema(load('spdx.schema.json'), 'http://cyclonedx.org/schema/spdx.schema.json');
  ajv.addSchema(load('jsf-0.82.schema.json'), 'http://cyclonedx.org/schema/jsf-0.82.schema.json');
  return ajv.compile(load('bom-1.6.schema.json'));
}
