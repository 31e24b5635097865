//! Output formats: one renderer per file, all rendering the same [`Report`].

mod github;
mod json;
mod junit;
mod sarif;
pub(crate) mod text;

use std::io::Write;

use anyhow::Result;

use crate::cli::Format;
use crate::engine::Report;

/// Presentation options that apply to the text format.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// ANSI colours (only on a terminal, never with `NO_COLOR`).
    pub color: bool,
    /// Findings only: no summary line.
    pub quiet: bool,
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
