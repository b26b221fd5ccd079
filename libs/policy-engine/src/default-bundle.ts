/**
 * The bundle every tenant starts with, until it publishes and activates its
 * own. It encodes four policy classes:
 * - sandbox: anything outside production, nothing in it;
 * - internal: tools in the agent's scope, non-restricted data, production writes approved by platform;
 * - customer-facing: validated output only, side-effecting tools in production approved by security;
 * - regulated: pinned tools only, no PII to external models, every write approved by governance.
 * Forbids marked `@approvers` are approval gates: the decision point answers
 * require_approval when only gates stand in the way, and allow once a
 * matching grant exists.
 */
export const DEFAULT_BUNDLE_VERSION = 'default-1';

export const DEFAULT_POLICIES = `
@id("all.forbid-unknown-policy-class")
@reason("The request names no known policy class; register the asset with sandbox, internal, customer-facing or regulated.")
forbid (principal, action, resource)
when { !["sandbox", "internal", "customer-facing", "regulated"].contains(context.policyClass) };

@id("sandbox.permit-outside-prod")
@reason("Sandbox workloads may do anything outside production.")
permit (principal, action, resource)
when { context.policyClass == "sandbox" && context.environment != "prod" };

@id("sandbox.forbid-prod")
@reason("Sandbox workloads never run in production.")
forbid (principal, action, resource)
when { context.policyClass == "sandbox" && context.environment == "prod" };

@id("sandbox.forbid-sensitive-data")
@reason("Sandbox workloads may not read confidential or restricted datasets.")
forbid (principal, action in [Action::"read_dataset", Action::"write_dataset"], resource)
when { context.policyClass == "sandbox" && resource has classification && ["confidential", "restricted"].contains(resource.classification) };

@id("all.permit-tools-in-scope")
@reason("The tool is within the agent's declared tool scope.")
permit (principal, action in Action::"invoke_tool", resource)
when { context.policyClass != "sandbox" && context.toolInScope };

@id("all.forbid-tools-out-of-scope")
@reason("The tool is outside the agent's declared tool scope.")
forbid (principal, action in Action::"invoke_tool", resource)
when { context.policyClass != "sandbox" && !context.toolInScope };

@id("all.permit-read-datasets")
@reason("Reading non-restricted datasets is allowed.")
permit (principal, action == Action::"read_dataset", resource)
when { context.policyClass != "sandbox" && !(resource has classification && resource.classification == "restricted") };

@id("regulated.permit-read-restricted")
@reason("Regulated workloads may read restricted datasets.")
permit (principal, action == Action::"read_dataset", resource)
when { context.policyClass == "regulated" };

@id("all.permit-write-datasets")
@reason("Writing datasets is allowed, subject to the approval gates.")
permit (principal, action == Action::"write_dataset", resource)
when { context.policyClass != "sandbox" };

@id("all.forbid-prod-data-outside-prod")
@reason("Production datasets are not reachable from other environments.")
forbid (principal, action in [Action::"read_dataset", Action::"write_dataset"], resource)
when { resource has environment && resource.environment == "prod" && context.environment != "prod" };

@id("all.permit-model-calls")
@reason("Calling a model route is allowed, subject to budget and data rules.")
permit (principal, action == Action::"call_model", resource)
when { context.policyClass != "sandbox" };

@id("all.forbid-model-calls-over-budget")
@reason("The budget for this workload is exceeded.")
forbid (principal, action == Action::"call_model", resource)
when { context.budgetState == "exceeded" };

@id("all.approve-prod-model-calls-on-budget-warning")
@reason("The budget is close to its limit; FinOps approves further production model calls.")
@approvers("finops")
forbid (principal, action == Action::"call_model", resource)
when { context.budgetState == "warning" && context.environment == "prod" && context.policyClass != "sandbox" };

@id("all.forbid-secrets-to-external-models")
@reason("The prompt contains a secret and the model route leaves the organisation.")
forbid (principal, action == Action::"call_model", resource)
when { !context.secretKinds.isEmpty() && resource has external && resource.external };

@id("all.forbid-prompt-injection-in-prod")
@reason("The prompt or retrieved content carries a known prompt-injection pattern.")
forbid (principal, action, resource)
when { context.promptInjection && context.environment == "prod" };

@id("customer-facing.forbid-prompt-injection")
@reason("Customer-facing and regulated workloads reject prompt-injection patterns in every environment.")
forbid (principal, action, resource)
when { context.promptInjection && ["customer-facing", "regulated"].contains(context.policyClass) };

@id("all.permit-internal-output")
@reason("Output to an internal channel is allowed.")
permit (principal, action == Action::"send_output", resource)
when { !(resource has customerFacing && resource.customerFacing) };

@id("customer-facing.permit-validated-output")
@reason("Validated output may reach customers once PII is redacted.")
@obligation("redact")
permit (principal, action == Action::"send_output", resource)
when { resource has customerFacing && resource.customerFacing && context.outputValid };

@id("all.forbid-secrets-in-output")
@reason("The output contains a secret.")
forbid (principal, action == Action::"send_output", resource)
when { !context.secretKinds.isEmpty() };

@id("customer-facing.forbid-invalid-output")
@reason("Output to a customer-facing channel failed validation.")
forbid (principal, action == Action::"send_output", resource)
when { resource has customerFacing && resource.customerFacing && !context.outputValid };

@id("customer-facing.forbid-internal-classes-to-customers")
@reason("Only customer-facing and regulated workloads may write to customer-facing channels.")
forbid (principal, action == Action::"send_output", resource)
when { resource has customerFacing && resource.customerFacing && ["sandbox", "internal"].contains(context.policyClass) };

@id("internal.approve-prod-writes")
@reason("Production writes by internal workloads need platform approval.")
@approvers("platform")
forbid (principal, action == Action::"write_dataset", resource)
when { context.policyClass == "internal" && context.environment == "prod" };

@id("customer-facing.approve-side-effects-in-prod")
@reason("Side-effecting tools of customer-facing workloads in production need security approval.")
@approvers("security")
@approval_ttl("1800")
forbid (principal, action in Action::"invoke_tool", resource)
when { context.policyClass == "customer-facing" && context.environment == "prod" && resource has sideEffects && resource.sideEffects };

@id("customer-facing.approve-writes")
@reason("Dataset writes by customer-facing workloads need security approval.")
@approvers("security")
forbid (principal, action == Action::"write_dataset", resource)
when { context.policyClass == "customer-facing" };

@id("regulated.forbid-unpinned-tools")
@reason("Regulated workloads call only tools whose definition hash matches the pinned one.")
forbid (principal, action in Action::"invoke_tool", resource)
when { context.policyClass == "regulated" && !context.toolDefinitionPinned };

@id("regulated.forbid-pii-to-external-models")
@reason("Regulated workloads may not send PII to a model route outside the organisation.")
forbid (principal, action == Action::"call_model", resource)
when { context.policyClass == "regulated" && !context.piiKinds.isEmpty() && resource has external && resource.external };

@id("regulated.approve-writes")
@reason("Every dataset write by a regulated workload needs governance approval.")
@approvers("governance")
forbid (principal, action == Action::"write_dataset", resource)
when { context.policyClass == "regulated" };

@id("regulated.approve-side-effects-in-prod")
@reason("Side-effecting tools of regulated workloads in production need security and governance approval.")
@approvers("security,governance")
@quorum("2")
forbid (principal, action in Action::"invoke_tool", resource)
when { context.policyClass == "regulated" && context.environment == "prod" && resource has sideEffects && resource.sideEffects };

@id("regulated.approve-pii-to-customers")
@reason("PII in output of a regulated workload to customers needs governance approval.")
@approvers("governance")
forbid (principal, action == Action::"send_output", resource)
when { context.policyClass == "regulated" && !context.piiKinds.isEmpty() && resource has customerFacing && resource.customerFacing };
`;
