//! The guest SDK for drift-host rules.
//!
//! A rule is a small Rust crate compiled to a WebAssembly component
//! (`wasm32-wasip2`). This crate hides the WIT bindings: a rule implements the
//! [`Rule`] trait on plain Rust types and registers itself with
//! [`register_rule!`]; the SDK converts to and from the wire types, parses the
//! rule's options (reporting unknown keys and wrong types at their key), and
//! stamps the interface version into the component's export names.
//!
//! Because the trait works on plain types, a rule's logic is unit-tested
//! natively with `cargo test` (see [`testing`]); only the end-to-end tests need
//! the `.wasm` build.
//!
//! ```
//! use drift_sdk::{Finding, Input, Metadata, Rule, Scope};
//!
//! drift_sdk::checks! {
//!     pub enum Check {
//!         /// A tab character indents a line of SQL.
//!         Tab = ("tab", Warning, "a tab character"),
//!     }
//! }
//!
//! #[derive(Default)]
//! struct NoTabs;
//!
//! #[derive(Default, serde::Deserialize)]
//! #[serde(deny_unknown_fields)]
//! struct Options {}
//!
//! impl Rule for NoTabs {
//!     type Options = Options;
//!     type Check = Check;
//!
//!     fn metadata(&self) -> Metadata {
//!         Metadata::new("no-tabs", "SQL migrations are indented with spaces")
//!             .include(["**/*.sql"])
//!             .scope(Scope::PerFile)
//!     }
//!
//!     fn check(&self, input: &Input, _options: &Options) -> Vec<Finding> {
//!         let mut findings = Vec::new();
//!         for (file, text) in input.text_files() {
//!             for (offset, _) in text.match_indices('\t') {
//!                 let span = drift_sdk::Span::of_range(text, offset..offset + 1);
//!                 findings.push(
//!                     Finding::new(Check::Tab, &file.path, "tab character")
//!                         .span(span)
//!                         .help("indent with spaces"),
//!                 );
//!             }
//!         }
//!         findings
//!     }
//! }
//!
//! // In the rule crate: drift_sdk::register_rule!(NoTabs);
//! let input = drift_sdk::testing::InputBuilder::new().file("01_a.sql", "\tSELECT 1;").build();
//! let findings = drift_sdk::testing::run(&NoTabs, &input, "{}").unwrap();
//! assert_eq!(findings[0].span.unwrap().line, 1);
//! assert_eq!(drift_sdk::metadata(&NoTabs).checks[0].id, "tab");
//! ```

pub mod alloc;
pub mod check;
mod glue;
pub mod testing;
mod types;

// The parsers and project knowledge rules reason with are drift-syntax's,
// shared with the host; re-exported so a rule depends on one crate.
pub use check::Check;
pub use drift_syntax::{LineIndex, Span, SplitAscii};
pub use drift_syntax::{
    database, dialect, files, hazard, migrations, paths, prisma, prisma_config, prisma_version,
    project, script, shell,
};

/// PostgreSQL syntax trees (`drift_syntax::sql`), and [`sql::parse`]
/// wherever a rule runs.
pub mod sql {
    pub use drift_syntax::sql::*;

    /// Parses PostgreSQL text. In a plugin (a wasm build without the
    /// `parser` feature) the host parses it natively, with the same parser
    /// and splicing as `.sql` files, so the component stays small; text over
    /// 1 MiB comes back as a bare root with one error.
    #[cfg(all(target_family = "wasm", not(feature = "parser")))]
    pub fn parse(text: &str) -> SqlTree {
        crate::glue::host_parse_sql(text)
    }
}

/// Plugins allocate through [`alloc::SizeClasses`] unless they turn off the
/// `allocator` feature (to install their own `#[global_allocator]`).
#[cfg(all(target_family = "wasm", feature = "allocator"))]
#[global_allocator]
static ALLOCATOR: alloc::SizeClasses = alloc::SizeClasses::new();
pub use types::*;

/// The interface version this SDK implements (the WIT package version).
pub const INTERFACE_VERSION: &str = "0.6.0";

/// A drift-host rule.
///
/// `Default` constructs the rule once per plugin instance; `metadata` is
/// called once per run; `check` is called once per batch of files (all files
/// for [`Scope::Repository`], one chunk for [`Scope::PerFile`]).
pub trait Rule: Default {
    /// The rule's options from `rules.toml`, deserialised from JSON. Use
    /// `#[serde(deny_unknown_fields, rename_all = "kebab-case")]` so unknown
    /// keys are reported to the user instead of being ignored.
    type Options: serde::de::DeserializeOwned + Default;

    /// The rule's checks, declared with [`checks!`]; every finding names
    /// one of them, and the host receives them all with the metadata.
    type Check: Check;

    /// Static description of the rule (its checks come from
    /// [`Rule::Check`]; [`metadata`] puts the two together).
    fn metadata(&self) -> Metadata;

    /// Checks one batch of files.
    fn check(&self, input: &Input, options: &Self::Options) -> Vec<Finding>;

    /// What [`Rule::check_command`] may see besides the command line. The
    /// default: nothing.
    fn command_needs(&self, options: &Self::Options) -> CommandNeeds {
        let _ = options;
        CommandNeeds::default()
    }

    /// Judges a command line about to run (`drift-host guard`); a finding
    /// with error severity blocks it. Declare the check ids it reports in
    /// [`Rule::metadata`] like any other check. The default: no opinion.
    fn check_command(&self, input: &CommandInput, options: &Self::Options) -> Vec<CommandFinding> {
        let _ = (input, options);
        Vec::new()
    }
}

/// A rule's whole metadata, as the host receives it: [`Rule::metadata`]
/// with every check of [`Rule::Check`].
pub fn metadata<R: Rule>(rule: &R) -> Metadata {
    let mut meta = rule.metadata();
    meta.checks = <R::Check as Check>::ALL.iter().map(|c| c.meta()).collect();
    meta
}

/// Parses a rule's options the way the host-facing glue does: an empty or
/// `{}` object yields `Options::default()`; errors carry the dotted key path.
pub fn parse_options<O: serde::de::DeserializeOwned + Default>(
    json: &str,
) -> Result<O, Vec<OptionError>> {
    glue::parse_options(json)
}

/// Registers a [`Rule`] implementation as the component's export.
///
/// Use once per rule crate, at the crate root:
/// `drift_sdk::register_rule!(MyRule);`
#[macro_export]
macro_rules! register_rule {
    ($rule:ty) => {
        // Component export names (`drift:rule/rule@0.6.0#check`) are not
        // valid symbol names for native linkers, so the export exists only in
        // wasm builds; natively the rule is still type-checked and its logic
        // unit-tested through `drift_sdk::testing`.
        #[cfg(not(target_family = "wasm"))]
        const _: () = {
            let _ = <$rule as $crate::Rule>::metadata;
            let _ = <$rule as $crate::Rule>::check;
            let _ = <$rule as $crate::Rule>::check_command;
        };
        #[cfg(target_family = "wasm")]
        #[doc(hidden)]
        type __DriftRegisteredRule = $rule;
        #[cfg(target_family = "wasm")]
        #[doc(hidden)]
        #[allow(unsafe_code, unused_qualifications)]
        mod __drift_rule_export {
            pub struct Export;
            impl $crate::__private::Guest for Export {
                fn metadata() -> $crate::__private::WireMetadata {
                    $crate::__private::metadata::<super::__DriftRegisteredRule>()
                }
                fn validate_options(
                    options: ::std::string::String,
                ) -> ::std::vec::Vec<$crate::__private::WireOptionError> {
                    $crate::__private::validate_options::<super::__DriftRegisteredRule>(&options)
                }
                fn check(
                    input: $crate::__private::WireInput,
                ) -> ::std::result::Result<
                    ::std::vec::Vec<$crate::__private::WireFinding>,
                    ::std::string::String,
                > {
                    $crate::__private::check::<super::__DriftRegisteredRule>(input)
                }
            }
            impl $crate::__private::CommandGuest for Export {
                fn needs(options: ::std::string::String) -> $crate::__private::WireCommandNeeds {
                    $crate::__private::command_needs::<super::__DriftRegisteredRule>(&options)
                }
                fn check_command(
                    input: $crate::__private::WireCommandInput,
                ) -> ::std::result::Result<
                    ::std::vec::Vec<$crate::__private::WireCommandFinding>,
                    ::std::string::String,
                > {
                    $crate::__private::check_command::<super::__DriftRegisteredRule>(input)
                }
            }
            $crate::__private::export!(Export);
        }
    };
}

#[doc(hidden)]
pub mod __private {
    pub use crate::glue::bindings;
    pub use crate::glue::bindings::export;
    pub use crate::glue::bindings::exports::drift::rule::command_check::{
        CommandFinding as WireCommandFinding, CommandInput as WireCommandInput,
        CommandNeeds as WireCommandNeeds, Guest as CommandGuest,
    };
    pub use crate::glue::bindings::exports::drift::rule::rule::Guest;
    pub use crate::glue::bindings::exports::drift::rule::rule::{
        Finding as WireFinding, Input as WireInput, OptionError as WireOptionError,
        RuleMetadata as WireMetadata,
    };
    pub use crate::glue::{check, check_command, command_needs, metadata, validate_options};
}
