//! Output formats: one renderer per file, all rendering the same [`Report`].

mod json;
mod text;

use std::io::Write;

use anyhow::Result;

use crate::cli::Format;
use crate::engine::Report;

pub fn render(format: Format, report: &Report, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Text => text::render(report, out)?,
        Format::Json => json::render(report, out)?,
    }
    out.flush()?;
    Ok(())
}
