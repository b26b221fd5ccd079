import { createParamDecorator, ExecutionContext, Injectable, PipeTransform } from '@nestjs/common';
import { createValidationPipe } from '@estate/service-kit';
import { acceptDecisionRequest } from './decision-request-check';
import { DecisionRequestDto } from './decision.dto';

/** Validates a decision body: the fast check first, class-validator (the global pipe's rules) for anything it hands back. */
@Injectable()
export class DecisionRequestPipe implements PipeTransform<unknown, Promise<DecisionRequestDto>> {
  private readonly fallback = createValidationPipe();

  async transform(value: unknown): Promise<DecisionRequestDto> {
    return acceptDecisionRequest(value) ?? ((await this.fallback.transform(value, { type: 'body', metatype: DecisionRequestDto })) as DecisionRequestDto);
  }
}

/**
 * The request body of POST /v1/decisions. A custom parameter decorator is
 * skipped by the global validation pipe, so DecisionRequestPipe validates
 * it instead; the route declares the body for OpenAPI with @ApiBody.
 */
export const DecisionBody = () =>
  createParamDecorator((_: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<{ body: unknown }>().body)(new DecisionRequestPipe());
