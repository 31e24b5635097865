//! The input of one `check` call, as the host builds it: the `input`
//! record field for field, with the large parts shared rather than owned.
//!
//! The bindings' own `Input` owns every string and tree, so handing the same
//! migration to four rules, or the same list of 10,000 paths to every chunk
//! of a rule, copied each one per call before the call copied it again into
//! the sandbox: on 10,000 migrations, 19 MB of the host's peak heap and 5%
//! of the rules phase. These types lower to exactly the same component-model
//! values (wasmtime type-checks them against the plugin's export when the
//! call is made), but a file's text, its syntax tree and the path lists are
//! `Arc`s cloned by reference.

use std::sync::Arc;

use wasmtime::component::{ComponentType, Lower};

use crate::wire;

/// `drift:rule/types.input`.
#[derive(Debug, Clone, ComponentType, Lower)]
#[component(record)]
pub struct Input {
    pub mode: wire::Mode,
    pub files: Vec<File>,
    /// NUL-terminated paths (the SDK's `Paths`).
    pub paths: Arc<str>,
    pub changes: Vec<wire::Change>,
    #[component(name = "base-paths")]
    pub base_paths: Arc<str>,
    #[component(name = "base-files")]
    pub base_files: Vec<File>,
    pub options: Arc<str>,
}

/// `drift:rule/types.file`.
#[derive(Debug, Clone, ComponentType, Lower)]
#[component(record)]
pub struct File {
    /// Shared by every rule the file is handed to.
    pub path: Arc<str>,
    pub content: Content,
    pub sql: Option<Arc<wire::SqlTree>>,
}

/// `drift:rule/types.content`.
#[derive(Debug, Clone, ComponentType, Lower)]
#[component(variant)]
pub enum Content {
    #[component(name = "text")]
    Text(Arc<String>),
    #[component(name = "binary")]
    Binary,
    #[component(name = "invalid-utf8")]
    InvalidUtf8(u64),
    #[component(name = "too-large")]
    TooLarge(u64),
}

/// A file's parts, borrowed, whichever record holds them: `compat` adapts
/// both check inputs ([`File`]) and command-check inputs (the bindings'
/// `wire::File`) to older interface versions through it.
pub trait FileParts {
    fn path(&self) -> &str;
    fn content(&self) -> ContentRef<'_>;
    fn sql(&self) -> Option<&wire::SqlTree>;
}

/// A file's content, borrowed.
#[derive(Debug, Clone, Copy)]
pub enum ContentRef<'a> {
    Text(&'a str),
    Binary,
    InvalidUtf8(u64),
    TooLarge(u64),
}

impl FileParts for File {
    fn path(&self) -> &str {
        &self.path
    }

    fn content(&self) -> ContentRef<'_> {
        match &self.content {
            Content::Text(text) => ContentRef::Text(text),
            Content::Binary => ContentRef::Binary,
            Content::InvalidUtf8(at) => ContentRef::InvalidUtf8(*at),
            Content::TooLarge(size) => ContentRef::TooLarge(*size),
        }
    }

    fn sql(&self) -> Option<&wire::SqlTree> {
        self.sql.as_deref()
    }
}

impl FileParts for wire::File {
    fn path(&self) -> &str {
        &self.path
    }

    fn content(&self) -> ContentRef<'_> {
        match &self.content {
            wire::Content::Text(text) => ContentRef::Text(text),
            wire::Content::Binary => ContentRef::Binary,
            wire::Content::InvalidUtf8(at) => ContentRef::InvalidUtf8(*at),
            wire::Content::TooLarge(size) => ContentRef::TooLarge(*size),
        }
    }

    fn sql(&self) -> Option<&wire::SqlTree> {
        self.sql.as_ref()
    }
}
