import { AppError } from '@estate/service-kit';
import { ApprovalService } from './approval.service';

const WAIT_POLL_MS = 250;
export const MAX_WAIT_SECONDS = 55;

/**
 * Polls until the approval is decided or `seconds` pass, then returns it; a
 * pending result means wait again. An id from a decision may not exist yet,
 * because the approval is created from the recorded decision, so not-found
 * also waits until the deadline.
 * NOTE: each waiter polls Postgres every 250 ms; many waiters on one replica cost one query each per poll.
 */
export async function waitForDecision(approvals: ApprovalService, tenantId: string, approvalId: string, seconds: number) {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_WAIT_SECONDS) {
    throw new AppError('invalid_argument', `timeoutSeconds must be a whole number from 0 to ${MAX_WAIT_SECONDS}`, 'timeoutSeconds');
  }
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      const approval = await approvals.get(tenantId, approvalId);
      if (approval.state !== 'pending' || Date.now() >= deadline) return approval;
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'not_found') || Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
}
