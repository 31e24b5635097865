//! Output formats: one renderer per file, all rendering the same [`Report`].

mod github;
mod json;
mod junit;
mod sarif;
pub(crate) mod text;

use std::io::Write;

use anyhow::Result;
use clap::ValueEnum;

use crate::engine::Report;

/// The output formats, one renderer each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics for people.
    Text,
    /// One JSON object (wire format version 1, docs/output-format.md).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// GitHub Actions workflow commands (annotations on the diff).
    Github,
    /// JUnit XML (CI test reports).
    Junit,
}

/// Presentation options that apply to the text format.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// ANSI colours (only on a terminal, never with `NO_COLOR`).
    pub color: bool,
    /// Findings only: no summary line.
    pub quiet: bool,
    /// Also list the findings that do not fail the run (pre-existing).
    pub all: bool,
}

pub fn render(format: Format, report: &Report, style: Style, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Text => text::render(report, style, out)?,
        Format::Json => json::render(report, out)?,
        Format::Sarif => sarif::render(report, out)?,
        Format::Github => github::render(report, out)?,
        Format::Junit => junit::render(report, out)?,
    }
    out.flush()?;
    Ok(())
}
