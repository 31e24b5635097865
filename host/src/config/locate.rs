//! Maps key paths in a parsed `rules.toml` back to line and column.
//!
//! Plugins validate their own options and answer with a dotted key path
//! (`letter-suffix`, `tables.0`); this index turns that into the position a
//! user can jump to, falling back to the nearest enclosing table.

use std::collections::BTreeMap;
use std::sync::Arc;

use toml::de::{DeTable, DeValue};

use super::ConfigError;

#[derive(Debug, Clone)]
pub struct Locator {
    origin: String,
    line_starts: Arc<Vec<usize>>,
    text: Arc<str>,
    /// Key path -> byte offset of the key.
    keys: BTreeMap<Vec<String>, usize>,
}

impl Locator {
    pub fn empty(text: &str, origin: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self {
            origin: origin.to_owned(),
            line_starts: Arc::new(starts),
            text: Arc::from(text),
            keys: BTreeMap::new(),
        }
    }

    pub fn new(text: &str, origin: &str, doc: &DeTable<'_>) -> Self {
        let mut locator = Self::empty(text, origin);
        let mut path = Vec::new();
        locator.index(doc, &mut path);
        locator
    }

    fn index(&mut self, table: &DeTable<'_>, path: &mut Vec<String>) {
        for (key, value) in table {
            path.push(key.get_ref().to_string());
            self.keys.insert(path.clone(), key.span().start);
            self.index_value(value.get_ref(), path);
            path.pop();
        }
    }

    fn index_value(&mut self, value: &DeValue<'_>, path: &mut Vec<String>) {
        match value {
            DeValue::Table(t) => self.index(t, path),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(i.to_string());
                    self.keys.insert(path.clone(), item.span().start);
                    self.index_value(item.get_ref(), path);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self
            .line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (
            u32::try_from(line + 1).unwrap_or(u32::MAX),
            u32::try_from(column + 1).unwrap_or(u32::MAX),
        )
    }

    /// The position of the longest known prefix of `path` (the file start
    /// when nothing matches, e.g. for the embedded default).
    pub fn locate(&self, path: &[String]) -> (u32, u32) {
        (0..=path.len())
            .rev()
            .find_map(|n| self.keys.get(&path[..n]))
            .map_or((1, 1), |&offset| self.position(offset))
    }

    pub fn error(&self, path: &[String], message: String) -> ConfigError {
        let (line, column) = self.locate(path);
        ConfigError {
            file: self.origin.clone(),
            line,
            column,
            message,
        }
    }
}
