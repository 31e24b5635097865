//! A rule that is handed what idempotency is handed (the migrations, per
//! file, each with its syntax tree) and reads none of it. Its rules phase is what crossing into the sandbox costs one
//! rule: the host's per-file records, the instances, copying texts and
//! trees into each and the SDK's unpacking of the call's input, without
//! any rule logic or tree lift (bench/matrix.sh, scenario d).

use drift_sdk::{CheckMeta, Finding, Input, Metadata, Rule, Scope, Severity};

#[derive(Default)]
struct Noop;

#[derive(Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {}

impl Rule for Noop {
    type Options = Options;

    fn metadata(&self) -> Metadata {
        Metadata::new("bench-noop-rule", "reads nothing (benchmark)")
            .include(["**/migrations/*.sql", "**/migrations/*/migration.sql"])
            .scope(Scope::PerFile)
            .sql(true)
            .check(CheckMeta::new("never", "never reported", Severity::Info))
    }

    fn check(&self, _input: &Input, _options: &Options) -> Vec<Finding> {
        Vec::new()
    }
}

drift_sdk::register_rule!(Noop);
