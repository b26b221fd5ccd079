import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import {
  createEnvelope,
  EventEnvelope,
  PolicyBundleActivatedV1,
  PolicyBundlePublishedV1,
  PolicyBundleRolledBackV1,
} from '@estate/contracts';
import { EventPublisher } from '@estate/kafka';
import { buildCedarSchema, BundleInvalidError, generateToolActions, parseBundle } from '@estate/policy-engine';
import { AppError, EVENT_PUBLISHER, PG_POOL, SERVICE_LOGGER, SERVICE_OPTIONS, ServiceOptions, withTransaction } from '@estate/service-kit';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { ToolStore } from '../entities/tool-store';
import { BundleRegistry } from './bundle-registry';
import { bundleVersionLabel } from './bundle-store';

const UNIQUE_VIOLATION = '23505';

/**
 * Publishes, activates and rolls back a tenant's policy bundle. Each change
 * is written and its event published inside one Postgres transaction, which
 * commits only after Kafka acknowledged the event: a failed publish leaves
 * nothing behind. NOTE: a commit that fails after the publish leaves an
 * event without its row; the next change of the same tenant reuses the number.
 */
@Injectable()
export class BundleService {
  private readonly tools: ToolStore;

  constructor(
    private readonly registry: BundleRegistry,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(SERVICE_OPTIONS) private readonly options: ServiceOptions,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.tools = new ToolStore(pool, options.schema);
  }

  /** Validates policies against the tenant's schema (base entities plus imported tools) without storing them. */
  async validate(tenantId: string, policies: string) {
    const tools = await this.tools.list(tenantId);
    const schemaText = buildCedarSchema(generateToolActions(tools));
    const parsed = parseOrReject(policies, schemaText);
    return { tools, schemaText, parsed };
  }

  async publish(tenantId: string, policies: string, description: string | undefined, actor: string) {
    const { tools, schemaText, parsed } = await this.validate(tenantId, policies);
    const policyIds = Object.keys(parsed.policies);
    return this.inTransaction(async (client) => {
      const version = await this.registry.store.nextVersion(client, tenantId);
      await this.registry.store.insertVersion(client, tenantId, {
        version, policies, schemaText, tools, sha256: parsed.sha256, policyIds, description: description ?? null, publishedBy: actor,
      });
      const label = bundleVersionLabel(version);
      const payload = { bundleId: tenantId, version: label, sha256: parsed.sha256, policyCount: policyIds.length, policyIds, publishedBy: actor, description };
      return { result: { version: label, sha256: parsed.sha256, policyIds }, events: [this.envelope(tenantId, PolicyBundlePublishedV1.type, payload)] };
    });
  }

  async activate(tenantId: string, version: number, actor: string) {
    if (!(await this.registry.store.findVersion(tenantId, version))) {
      throw new AppError('not_found', `bundle version v${version} was never published for this tenant; publish it first`, 'version');
    }
    const result = await this.inTransaction(async (client) => {
      const [current] = await this.registry.store.activations(client, tenantId, 1);
      if (current?.version === version) throw new AppError('conflict', `bundle v${version} is already active`, 'version');
      await this.registry.store.appendActivation(client, tenantId, (current?.seq ?? 0) + 1, version, 'activated', actor);
      const payload = {
        bundleId: tenantId,
        version: bundleVersionLabel(version),
        previousVersion: current ? bundleVersionLabel(current.version) : undefined,
        activatedBy: actor,
      };
      return { result: payload, events: [this.envelope(tenantId, PolicyBundleActivatedV1.type, payload)] };
    });
    await this.registry.reload(tenantId);
    return result;
  }

  /** Returns to the version that was active before the current one. */
  async rollback(tenantId: string, reason: string, actor: string) {
    const result = await this.inTransaction(async (client) => {
      const history = await this.registry.store.activations(client, tenantId, 50);
      const current = history[0];
      const previous = history.find((a) => a.version !== current?.version);
      if (!current || !previous) {
        throw new AppError('conflict', 'no earlier activated bundle version to roll back to; activate a version instead', 'version');
      }
      await this.registry.store.appendActivation(client, tenantId, current.seq + 1, previous.version, 'rolled-back', actor);
      const payload = {
        bundleId: tenantId,
        fromVersion: bundleVersionLabel(current.version),
        toVersion: bundleVersionLabel(previous.version),
        rolledBackBy: actor,
        reason,
      };
      return { result: payload, events: [this.envelope(tenantId, PolicyBundleRolledBackV1.type, payload)] };
    });
    await this.registry.reload(tenantId);
    return result;
  }

  private envelope(tenantId: string, type: string, payload: object): EventEnvelope {
    return createEnvelope({ type, schemaVersion: 1, tenantId, producer: this.options.name, key: tenantId, payload });
  }

  private async inTransaction<T>(work: (client: PoolClient) => Promise<{ result: T; events: EventEnvelope[] }>): Promise<T> {
    try {
      const { result, events } = await withTransaction(this.pool, this.logger, async (client) => {
        const changed = await work(client);
        await this.publisher.publish(changed.events);
        return changed;
      });
      for (const event of events) this.logger.info({ tenantId: event.tenantId, type: event.type, eventId: event.eventId }, 'policy bundle changed');
      return result;
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new AppError('version_conflict', 'another bundle change for this tenant committed first; retry the request');
      }
      throw error;
    }
  }
}

function parseOrReject(policies: string, schemaText: string) {
  try {
    return parseBundle(policies, schemaText);
  } catch (error) {
    if (error instanceof BundleInvalidError) throw rejection(error);
    throw error;
  }
}

/** Maps engine issues to the shared 400 body: one detail per issue, with the line and column in the bundle text. */
function rejection(invalid: BundleInvalidError): BadRequestException {
  const details = invalid.issues.map((issue) => ({
    field: issue.policyId ? `policies[${issue.policyId}]` : 'policies',
    message: [
      issue.message,
      issue.line ? `at line ${issue.line}, column ${issue.column}` : undefined,
      issue.help ? `help: ${issue.help}` : undefined,
    ].filter(Boolean).join('; '),
    ...(issue.line ? { line: issue.line, column: issue.column } : {}),
  }));
  return new BadRequestException({ message: invalid.message, details });
}
