/**
 * The policy set the tests run against: a copy of the MOps policies kept under test/fixtures, so
 * that a team editing `policies/` (scope, people, labels…) never turns the suite red. The shipped
 * `policies/` are checked by `policies validate`, `plan`, and test/unit/policy/shipped.test.ts.
 */
export const TEST_POLICIES_DIR = "test/fixtures/policies-mops";
