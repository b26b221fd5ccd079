// Tests are named by tier: *.unit.spec.ts (no I/O), *.int.spec.ts (real Kafka
// and Postgres from KAFKA_BROKERS and DATABASE_URL), *.e2e.spec.ts (services
// started as processes). One config runs them all; --selectProjects picks a tier.
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);

const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
    module: { type: 'commonjs' },
  },
];

// `jest --selectProjects int services/x` parses the path as a second project
// name and would run every test of the tier. Values after --selectProjects
// that are not tier names are taken as path filters instead.
const TIERS = ['unit', 'int'];
function pathFiltersFromArgv(argv) {
  const start = argv.indexOf('--selectProjects');
  if (start < 0) return [];
  const filters = [];
  for (let i = start + 1; i < argv.length && !argv[i].startsWith('-'); i++) {
    if (!TIERS.includes(argv[i])) filters.push(argv[i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
  return filters;
}
const pathFilters = pathFiltersFromArgv(process.argv);

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc, '^.+\\.m?js$': swc },
  // Node 20 loads these ESM-only dependencies (content-disposition, @platformatic/kafka and its
  // @platformatic helpers) with require(); jest needs them compiled to CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|@platformatic)/)'],
  moduleNameMapper,
  modulePathIgnorePatterns: ['<rootDir>/.cache', '<rootDir>/dist'],
  testPathIgnorePatterns: ['/node_modules/', ...(pathFilters.length ? [`^(?!.*(?:${pathFilters.join('|')}))`] : [])],
};

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{libs,services,tools,test}/**/*.unit.spec.ts'] },
    {
      ...base,
      displayName: 'int',
      testMatch: ['<rootDir>/{libs,services,tools,test}/**/*.{int,e2e}.spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      slowTestThreshold: 30,
    },
  ],
};
