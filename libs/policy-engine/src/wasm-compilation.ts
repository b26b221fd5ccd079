import { setFlagsFromString } from 'node:v8';

// V8 compiles Cedar's WebAssembly functions to optimised code on background
// tasks, and each task allocates its own compiler memory. Limiting them to
// one lowered the peak resident memory of a process that loads a bundle and
// decides by about 55 MB, with the same median call time (measured on
// Node 20.20, 2 cores). The flag must be set before the module compiles, so
// cedar.ts imports this file ahead of @cedar-policy/cedar-wasm.
// NOTE: Node documents flags set after start-up as unpredictable; this one
// is read when compilation jobs are scheduled, which is after start-up.
setFlagsFromString('--wasm-num-compilation-tasks=1');

// Keeps TurboFan from inlining JavaScript-to-WebAssembly calls. On Node 20
// (V8 11.3), a policy benchmark process once stopped in a fatal error in the
// deoptimizer (TranslatedValueForWasmReturnKind, reached from the
// continuation of an inlined JavaScript-to-WebAssembly call) and then spun
// at 100% CPU instead of exiting. Without the inlining that continuation
// never exists. No slowdown showed in three alternating benchmark pairs.
// NOTE: the cause is inferred from one native stack; it was not reproduced,
// so the flag is a guard, not a proven fix.
setFlagsFromString('--no-turbo-inline-js-wasm-calls');
