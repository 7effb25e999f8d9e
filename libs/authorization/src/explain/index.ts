export { ExplainController } from './explain.controller';
export { ExplainService, explainDecision } from './explain.service';
export { explainRequestSchema, type ExplainRequest, type Explanation, type MatchedRule } from './explain.dto';
