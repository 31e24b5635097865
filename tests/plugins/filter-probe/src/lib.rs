//! A test plugin with content filters (interface 0.6.0): it reports every
//! file it is handed, every path it is told about and every base version
//! it gets, so a test sees exactly what the host's filters let through.
//!
//! Filters: Markdown is handed over when it holds `dropdb` (case as
//! written); files under `docs/` also when a line holds `psql` and `drop`,
//! in any ASCII case.

use drift_sdk::{Finding, Input, Metadata, Rule, TextFilter};

#[derive(Default)]
struct FilterProbe;

/// The probe takes no options.
#[derive(Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {}

drift_sdk::checks! {
    /// The checks of this rule.
    pub enum Check {
        /// A file the rule was handed.
        Handed = ("handed", Info, "a file the rule was handed"),
    }
}

impl Rule for FilterProbe {
    type Options = Options;
    type Check = Check;

    fn metadata(&self) -> Metadata {
        Metadata::new("filter-probe", "reports what the host hands it")
            .include(["**/*.md", "**/*.sql"])
            .filter(TextFilter::new(["**/*.md"], ["dropdb"]))
            .filter(
                TextFilter::new(["docs/**"], ["psql"])
                    .on_line_with(["drop"])
                    .ignore_ascii_case(true),
            )
    }

    fn check(&self, input: &Input, _options: &Options) -> Vec<Finding> {
        let paths: Vec<&str> = input.paths.iter().collect();
        let base: Vec<&str> = input.base_files.iter().map(|f| f.path.as_str()).collect();
        input
            .files
            .iter()
            .map(|file| {
                Finding::new(
                    Check::Handed,
                    &file.path,
                    format!("handed; paths {paths:?}; base files {base:?}"),
                )
            })
            .collect()
    }
}

drift_sdk::register_rule!(FilterProbe);
