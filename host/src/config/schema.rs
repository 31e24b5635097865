//! The JSON schema of `rules.toml`, for editor completion (Taplo, VS Code
//! Even Better TOML). Generated from the configuration model and the
//! built-in rules' metadata, written to docs/rules.schema.json, and checked
//! for staleness by the test suite.

use serde_json::{Value, json};

use crate::diagnostic::RuleMeta;

fn severity() -> Value {
    json!({ "type": "string", "enum": ["error", "warning", "info", "off"] })
}

fn rule_table(rule: Option<&RuleMeta>) -> Value {
    let mut checks = serde_json::Map::new();
    if let Some(rule) = rule {
        for check in &rule.checks {
            checks.insert(
                check.id.clone(),
                json!({ "description": check.summary, "$ref": "#/definitions/severity" }),
            );
        }
    }
    let mut table = json!({
        "type": "object",
        "properties": {
            "enabled": { "type": "boolean", "description": "false turns the rule off" },
            "severity": { "$ref": "#/definitions/severity", "description": "overrides every check's severity" },
            "checks": {
                "type": "object",
                "description": "per-check severity",
                "properties": checks,
                "additionalProperties": rule.is_none(),
            },
        },
        "additionalProperties": true,
    });
    if let Some(rule) = rule {
        table["description"] = json!(format!(
            "{} (other keys are the rule's options: see docs/rules/{}.md)",
            rule.summary, rule.id
        ));
    }
    table
}

/// The schema for the given built-in rules.
pub fn generate(builtins: &[RuleMeta]) -> Value {
    let mut rules = serde_json::Map::new();
    for rule in builtins {
        rules.insert(rule.id.clone(), rule_table(Some(rule)));
    }
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "drift-host rules.toml",
        "description": "drift-host configuration (docs/configuration.md)",
        "type": "object",
        "additionalProperties": false,
        "definitions": { "severity": severity() },
        "properties": {
            "include": { "type": "array", "items": { "type": "string" }, "description": "only these paths are handed to rules" },
            "exclude": { "type": "array", "items": { "type": "string" }, "description": "paths never handed to rules" },
            "max-file-size": { "type": "integer", "minimum": 1, "description": "bytes; larger files are not read" },
            "applied-ref": { "type": "string", "description": "git ref whose migrations are applied history in full scans (default: origin/HEAD, origin/main, origin/master)" },
            "dialect": {
                "type": "object",
                "description": "the SQL dialect of the files a glob matches, over drift-host's detection; the first matching glob decides (docs/configuration.md#dialect)",
                "additionalProperties": { "type": "string", "enum": ["postgresql", "clickhouse", "mysql", "sqlite", "sqlserver"] },
            },
            "limits": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "time-ms": { "type": "integer", "minimum": 1, "description": "wall-clock budget of one plugin call" },
                    "memory-mib": { "type": "integer", "minimum": 1, "description": "memory cap of one plugin instance" },
                },
            },
            "guard": {
                "type": "object",
                "description": "command patterns for drift-host guard (docs/guard.md)",
                "additionalProperties": false,
                "properties": {
                    "allow": { "type": "array", "items": { "type": "string" }, "description": "findings in matching commands are dropped" },
                    "deny": { "type": "array", "items": { "type": "string" }, "description": "matching commands are always blocked" },
                    "policy": {
                        "type": "object",
                        "description": "what an error-severity command finding means, by cell (docs/guard.md)",
                        "additionalProperties": false,
                        "properties": {
                            "destructive": { "enum": ["allow", "ask", "deny"] },
                            "write-local": { "enum": ["allow", "ask", "deny"] },
                            "write-remote": { "enum": ["allow", "ask", "deny"] },
                            "write-unknown": { "enum": ["allow", "ask", "deny"] },
                            "other": { "enum": ["allow", "ask", "deny"] },
                        },
                    },
                },
            },
            "rules": {
                "type": "object",
                "properties": rules,
                "additionalProperties": rule_table(None),
            },
            "plugins": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "required": ["path", "sha256"],
                    "additionalProperties": false,
                    "properties": {
                        "path": { "type": "string", "description": "the plugin's .wasm file, relative to rules.toml" },
                        "sha256": { "type": "string", "pattern": "^[0-9a-fA-F]{64}$" },
                        "enabled": { "type": "boolean" },
                        "severity": { "$ref": "#/definitions/severity" },
                        "checks": { "type": "object", "additionalProperties": { "$ref": "#/definitions/severity" } },
                        "options": { "type": "object" },
                    },
                },
            },
        },
    })
}
