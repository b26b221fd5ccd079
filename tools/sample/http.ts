/** The service endpoints and tenant keys the sample loader talks to. */
export interface Endpoints {
  inventory: string;
  policy: string;
  approvals: string;
  traceIngest: string;
  /** Base URL of the OTLP/HTTP receiver; spans go to `<otlpHttp>/v1/traces`. */
  otlpHttp: string;
  costLedger: string;
  reporting: string;
}

export type ServiceName = keyof Endpoints;

/** One API key per role, all of one tenant. */
export type RoleKeys = Record<string, string>;

/** A service returned an error or could not be reached; the message names the step, the call and what to do. */
export class LoadStepError extends Error {}

export interface Call {
  method?: 'GET' | 'POST' | 'PUT';
  role: string;
  body?: unknown;
  contentType?: string;
  /** Statuses that count as success besides 2xx, such as 409 for "already exists". */
  accept?: number[];
}

/** Sends one request to a service with the key of a role and returns the status and parsed JSON body. */
export class ServiceClient {
  step = 'start';

  constructor(
    readonly endpoints: Endpoints,
    private readonly keys: RoleKeys,
  ) {}

  async call<T = Record<string, unknown>>(service: ServiceName, path: string, call: Call): Promise<{ status: number; body: T }> {
    const key = this.keys[call.role];
    if (!key) throw new LoadStepError(`step "${this.step}": no API key for role "${call.role}"; the keys file must hold one key per role`);
    const url = `${this.endpoints[service]}${path}`;
    const method = call.method ?? (call.body === undefined ? 'GET' : 'POST');
    const body = call.body === undefined ? undefined : typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': call.contentType ?? 'application/json' }) },
        body,
      });
    } catch (error) {
      throw new LoadStepError(
        `step "${this.step}": ${service} at ${this.endpoints[service]} is unreachable (${(error as Error).message}); start it with \`bash scripts/services.sh up\``,
      );
    }
    const text = await response.text();
    if (!response.ok && !(call.accept ?? []).includes(response.status)) {
      const hint = response.status === 401
        ? 'the key is unknown to the service; rerun `npx ts-node tools/dev-tenant.ts` or wait for the service to read the access topic'
        : `see .cache/logs/${serviceLogName(service)}.log`;
      throw new LoadStepError(`step "${this.step}": ${service} returned HTTP ${response.status} for ${method} ${path}: ${text.slice(0, 400)}; ${hint}`);
    }
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  }
}

/** A GET path per service that every role but ingest may read; used to see whether a key is known yet. */
const PROBE_PATHS: Partial<Record<ServiceName, string>> = {
  inventory: '/v1/assets',
  policy: '/v1/policy-bundles/active',
  approvals: '/v1/approvals',
  traceIngest: '/v1/traces',
  costLedger: '/v1/budgets',
  reporting: '/v1/reports/scorecard',
};

/**
 * Waits until every service accepts the tenant's admin key. A key issued a
 * moment ago is unknown to a service until its access projection has
 * applied the event, so a fresh start answers 401 for a few seconds.
 */
export async function waitForKeys(endpoints: Endpoints, keys: RoleKeys, timeoutMs: number): Promise<void> {
  const key = keys.admin;
  if (!key) throw new LoadStepError('step "start": the keys file has no admin key; it must hold one key per role');
  for (const [service, path] of Object.entries(PROBE_PATHS) as Array<[ServiceName, string]>) {
    await pollUntil(
      `${service} to accept the API keys`,
      async () => {
        try {
          return (await fetch(`${endpoints[service]}${path}`, { headers: { authorization: `Bearer ${key}` } })).status;
        } catch {
          return 0;
        }
      },
      (status) => status !== 401 && status !== 0,
      timeoutMs,
      'start',
    );
  }
}

const serviceLogName = (service: ServiceName) =>
  ({ traceIngest: 'trace-ingest', otlpHttp: 'trace-ingest', costLedger: 'cost-ledger' } as Record<string, string>)[service] ?? service;

/** Polls `probe` every 500 ms until `done` is true or `timeoutMs` passes, then fails naming what it waited for. */
export async function pollUntil<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, step: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new LoadStepError(`step "${step}": timed out after ${timeoutMs / 1000}s waiting for ${what}; last value ${JSON.stringify(value).slice(0, 300)}; check the services' logs under .cache/logs`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
