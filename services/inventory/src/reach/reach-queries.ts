import { Injectable } from '@nestjs/common';
import type { DataClassification } from '@estate/contracts';
import { agentsIn, REACH_LIMITS, ReachResult, searchReach } from '@estate/estate-graph';
import { AppError } from '@estate/service-kit';
import { ReachIndex } from './reach-index';

export interface ReachRequest {
  from?: string;
  environment?: string;
  minSensitivity?: DataClassification;
  maxDepth?: number;
  maxPaths?: number;
}

export type ReachAnswer = ReachResult & { startIds: string[]; ungatedPaths: number };

/** Runs a reach search for the HTTP and gRPC edges, so both apply the same defaults, bounds and errors. */
@Injectable()
export class ReachQueries {
  constructor(private readonly index: ReachIndex) {}

  async reach(tenantId: string, request: ReachRequest): Promise<ReachAnswer> {
    if (!request.from === !request.environment) {
      throw new AppError('invalid_argument', 'give exactly one of "from" (an asset id) or "environment" (every agent in it)', request.from ? 'environment' : 'from');
    }
    const graph = await this.index.graphFor(tenantId);
    const startIds = request.from ? [request.from] : agentsIn(graph, request.environment!);
    const result = searchReach(graph, {
      startIds,
      minSensitivity: request.minSensitivity ?? 'confidential',
      maxDepth: request.maxDepth ?? REACH_LIMITS.defaultDepth,
      maxPaths: request.maxPaths ?? REACH_LIMITS.defaultPaths,
      maxExpansions: REACH_LIMITS.maxExpansions,
      at: Date.now(),
    });
    if (request.from && result.unknownStartIds.length > 0) {
      throw new AppError('not_found', `asset ${request.from} is not an active asset in this tenant's read model`, 'from');
    }
    return { startIds, ungatedPaths: result.paths.filter((p) => p.ungated).length, ...result };
  }
}
