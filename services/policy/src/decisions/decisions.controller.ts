import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@estate/access';
import { CurrentPrincipal } from '@estate/service-kit';
import { DecisionBody } from './decision-body';
import { DecisionPoint, DecisionResponse } from './decision-point';
import { DecisionRequestDto } from './decision.dto';
import { DecisionResponseDto } from './decision-response.dto';

@ApiTags('decisions')
@ApiBearerAuth()
@Controller('v1/decisions')
export class DecisionsController {
  constructor(private readonly decisionPoint: DecisionPoint) {}

  /** Answers allow, deny or require_approval; the answer is also recorded on the decisions topic. */
  @Post()
  @HttpCode(200)
  @ApiBody({ type: DecisionRequestDto })
  @ApiOkResponse({ type: DecisionResponseDto })
  decide(@CurrentPrincipal() principal: Principal, @DecisionBody() body: DecisionRequestDto): Promise<DecisionResponse> {
    return this.decisionPoint.decide(principal.tenantId, body, principal.keyId);
  }
}
