export { ExplainController } from './explain.controller';
export { ExplainService, explainDecision } from './explain.service';
export { ExplainRequestDto, type ExplainRequest, type Explanation, type MatchedRule } from './explain.dto';
