import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies } from '@infergate/common';
import { CurrentPrincipal, type Principal } from '@infergate/contracts';
import { ExplainRequestDto, ExplanationDto, type Explanation } from './explain.dto';
import { ExplainService } from './explain.service';

@ApiTags('authorization')
@ApiBearerAuth()
@Controller('v1/authz')
export class ExplainController {
  constructor(private readonly explainer: ExplainService) {}

  /** What the active policy set decides for a principal, action and resource, and which rules said so. */
  @Post('explain')
  @HttpCode(200)
  @CheckPolicies('audit', 'Policy')
  @ApiBody({ type: ExplainRequestDto })
  @ApiOkResponse({ type: ExplanationDto })
  explain(@CurrentPrincipal() caller: Principal, @Body() body: ExplainRequestDto): Explanation {
    return this.explainer.explain(caller, body);
  }
}
