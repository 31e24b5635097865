//! Typed checks: a rule declares its checks once, with [`checks!`], and
//! reports through that type, so a check id that does not exist is a
//! compile error rather than a failure in the host.
//!
//! ```
//! drift_sdk::checks! {
//!     /// The checks of `no-tabs`.
//!     pub enum Check {
//!         /// A tab character indents a line.
//!         ///
//!         /// Editors disagree about its width, so reviewers see another
//!         /// indentation than the author did.
//!         Tab = ("tab", Warning, "a tab character"),
//!     }
//! }
//! use drift_sdk::Check as _;
//! assert_eq!(Check::Tab.id(), "tab");
//! assert_eq!(Check::ALL, [Check::Tab]);
//! let finding = drift_sdk::Finding::new(Check::Tab, "a.sql", "tab character");
//! assert_eq!(finding.check, "tab");
//! ```
//!
//! A string is not a check:
//!
//! ```compile_fail
//! let finding = drift_sdk::Finding::new("tab", "a.sql", "tab character");
//! ```
//!
//! and neither is a misspelt variant:
//!
//! ```compile_fail
//! drift_sdk::checks! {
//!     pub enum Check {
//!         Tab = ("tab", Warning, "a tab character"),
//!     }
//! }
//! let finding = drift_sdk::Finding::new(Check::Tabs, "a.sql", "tab character");
//! ```

use crate::types::{Applied, CheckMeta, Severity};

/// The checks of a rule: implemented by [`checks!`].
pub trait Check: Copy + Eq + std::fmt::Debug + 'static {
    /// Every check, in the order of the rule's documentation.
    const ALL: &'static [Self];

    /// The check's id, kebab-case (`duplicate-number`).
    fn id(self) -> &'static str;

    /// Its severity unless configured otherwise.
    fn default_severity(self) -> Severity;

    /// One line: what the check finds.
    fn summary(self) -> &'static str;

    /// Its documentation as written (Markdown, one leading space per line
    /// as doc comments have it); [`doc`] normalises it.
    fn raw_doc(self) -> &'static str;

    /// What its findings in an applied migration mean: `history` in the
    /// declaration makes them history.
    fn applied(self) -> Applied;

    /// The declaration the host receives.
    fn meta(self) -> CheckMeta {
        CheckMeta {
            applied: self.applied(),
            ..CheckMeta::new(self.id(), self.summary(), self.default_severity())
        }
    }
}

/// A check's documentation as Markdown: its doc comment without the space
/// after each `///`.
pub fn doc<C: Check>(check: C) -> String {
    let mut out = String::new();
    for line in check.raw_doc().lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    out.trim().to_owned()
}

/// Declares a rule's checks: an enum whose variants are the checks, each
/// with its id, default severity (`Error`, `Warning`, `Info`) and one-line
/// summary, optionally `history` (its findings in applied migrations are
/// history: see [`Applied`]), and its documentation as the variant's doc
/// comment. See the [module documentation](crate::check).
#[macro_export]
macro_rules! checks {
    (
        $(#[$enum_meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $variant:ident = ($id:literal, $severity:ident, $summary:literal $(, $history:ident)?)
            ),+ $(,)?
        }
    ) => {
        $(#[$enum_meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name {
            $( $(#[doc = $doc])* $variant, )+
        }

        impl ::std::fmt::Display for $name {
            /// The check's id.
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::Check::id(*self))
            }
        }

        impl $crate::Check for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];

            fn id(self) -> &'static str {
                match self {
                    $($name::$variant => $id,)+
                }
            }

            fn default_severity(self) -> $crate::Severity {
                match self {
                    $($name::$variant => $crate::Severity::$severity,)+
                }
            }

            fn summary(self) -> &'static str {
                match self {
                    $($name::$variant => $summary,)+
                }
            }

            fn applied(self) -> $crate::Applied {
                match self {
                    $($name::$variant => $crate::__applied!($($history)?),)+
                }
            }

            fn raw_doc(self) -> &'static str {
                match self {
                    $($name::$variant => concat!($($doc, "\n",)*),)+
                }
            }
        }
    };
}

/// `history` → [`Applied::History`], nothing → [`Applied::Report`]: the
/// optional last element of a [`checks!`] row.
#[doc(hidden)]
#[macro_export]
macro_rules! __applied {
    () => {
        $crate::Applied::Report
    };
    (history) => {
        $crate::Applied::History
    };
}
