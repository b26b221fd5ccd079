#!/usr/bin/env bash
# Compiles the services and libraries to JavaScript in dist/, so a service can
# run without ts-node and the TypeScript compiler it keeps in memory (about
# 70 MB per process). scripts/start-service.sh runs this output when
# ESTATE_RUNTIME=dist.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
echo "build: compiling libs and services to dist/"
rm -rf dist
npx tsc -p tsconfig.build.json
# Path aliases (@estate/*) resolve at run time through tsconfig-paths, against the compiled files.
node -e '
const paths = require("./tsconfig.base.json").compilerOptions.paths;
const compiled = Object.fromEntries(Object.entries(paths).map(([alias, targets]) => [alias, targets.map((t) => t.replace(/\.ts$/, ""))]));
require("fs").writeFileSync("dist/tsconfig.json", JSON.stringify({ compilerOptions: { baseUrl: ".", paths: compiled } }, null, 2) + "\n");
'
# Services find proto/ and data/ relative to their own files, which now sit one level deeper.
ln -s ../proto dist/proto
ln -s ../data dist/data
echo "build: done"
