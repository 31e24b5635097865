//! A rule that is handed what idempotency is handed (the migrations, per
//! file, each with its syntax tree) and reads none of it. Its rules phase is what crossing into the sandbox costs one
//! rule: the host's per-file records, the instances, copying texts and
//! trees into each and the SDK's unpacking of the call's input, without
//! any rule logic or tree lift (bench/matrix.sh, scenario d).

use drift_sdk::{Finding, Input, Metadata, Rule, Scope};

#[derive(Default)]
struct Noop;

#[derive(Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {}

drift_sdk::checks! {
    /// The checks of this rule.
    pub enum Check {
        /// Never reported.
        Never = ("never", Info, "never reported"),
    }
}

impl Rule for Noop {
    type Options = Options;
    type Check = Check;

    fn metadata(&self) -> Metadata {
        Metadata::new("bench-noop-rule", "reads nothing (benchmark)")
            .include(["**/migrations/*.sql", "**/migrations/*/migration.sql"])
            .scope(Scope::PerFile)
            .sql(true)
    }

    fn check(&self, _input: &Input, _options: &Options) -> Vec<Finding> {
        Vec::new()
    }
}

drift_sdk::register_rule!(Noop);
