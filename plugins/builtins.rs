// The built-in rules: `rule id => crate folder under plugins/, package,
// rule type`. One list, read by two consumers, so no built-in can escape
// either: host/build.rs compiles each to WebAssembly and embeds it, and
// plugins/conformance runs the conformance suite on each (and checks its
// page under docs/rules/). Each consumer defines `builtins!` before
// including this file.
builtins! {
    "numbering" => "numbering", "drift-rule-numbering", drift_rule_numbering::Numbering;
    "idempotency" => "idempotency", "drift-rule-idempotency", drift_rule_idempotency::Idempotency;
    "destructive-sql" => "destructive-sql", "drift-rule-destructive-sql", drift_rule_destructive_sql::DestructiveSql;
    "agent-guidance" => "agent-guidance", "drift-rule-agent-guidance", drift_rule_agent_guidance::AgentGuidance;
    "schema-drift" => "schema-drift", "drift-rule-schema-drift", drift_rule_schema_drift::SchemaDrift;
}
