import { grpcOutcomeClient } from '@estate/testing';
import { COST_PROTO } from '../src/app.module';

export { freePort } from '@estate/testing';
export type { GrpcOutcome } from '@estate/testing';

/** A client for `estate.cost.v1.CostLedgerService` whose calls settle to a value or a status, never throw. */
export const costGrpcClient = (port: number) => grpcOutcomeClient(COST_PROTO, 'estate.cost.v1.CostLedgerService', port);
