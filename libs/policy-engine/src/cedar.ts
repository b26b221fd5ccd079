// Limits WebAssembly compilation tasks; must load before the Cedar module below.
import './wasm-compilation';
// The Node (CommonJS) build of Cedar: it loads the WebAssembly module synchronously at require time.
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';

export { cedar };

export type { AuthorizationAnswer, DetailedError, EntityJson, Context as CedarContext } from '@cedar-policy/cedar-wasm/nodejs';
