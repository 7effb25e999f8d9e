export * from './policy.types';
export * from './policy-condition-fields';
export { placeholderOf, validateConditions, type RuleIssue } from './policy-conditions';
export { PolicyFileDto, PolicyRuleDto, validatePolicyFile, validatePolicyRule } from './policy.schema';
export {
  PolicyTestCaseDto,
  PolicyTestFileDto,
  PolicyTestPrincipalDto,
  validatePolicyTestFile,
  type PolicyTestCase,
  type PolicyTestPrincipal,
} from './policy-test.schema';
export { policyVersion } from './policy-version';
export { loadPolicySet, parsePolicySet, PolicySetError, type PolicyFile, type PolicySetResult } from './policy-set.loader';
export * from './policy.store';
export * from './policy.module';
export * from './policy-tester';
