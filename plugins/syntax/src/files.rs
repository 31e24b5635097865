//! Files as rules see them: a content classified once, and the changes of
//! a diff.
//!
//! The host classifies every file it reads, from the snapshot or for the
//! guard, with [`Content::classify`], and hands rules the result: so the
//! rules of what counts as text (UTF-8, a byte-order mark dropped, no NUL
//! byte in the first 8 KiB) are written once.

/// A declared path that stands for the files a command names: every
/// declared path again relative to the command's working directory (a
/// command run in `apps/web` reads `apps/web/.env`), the files the line's
/// words name (`--schema db/schema.prisma`, `source .env.production`),
/// and the schema a Prisma project there names (package.json
/// `prisma.schema`, a Prisma config's `schema`). Only files inside the
/// repository are handed over, and libpq's service files under the names
/// [`PG_SERVICE_FILE`] and [`PG_SYSTEM_SERVICE_FILE`]; an older host
/// hands over nothing for it.
pub const NAMED_FILES: &str = "{named}";

/// The path under which, with [`NAMED_FILES`], the host hands libpq's
/// connection service file of the user: `PGSERVICEFILE`, else
/// `~/.pg_service.conf`. It lives outside the repository; the host reads
/// it only for a line that names a service (`PGSERVICE`, `service=`).
pub const PG_SERVICE_FILE: &str = "{pg_service.conf}";

/// Likewise the system-wide service file, `$PGSYSCONFDIR/pg_service.conf`
/// (else `/etc/postgresql-common/pg_service.conf`).
pub const PG_SYSTEM_SERVICE_FILE: &str = "{pgsysconfdir/pg_service.conf}";

/// A file's content as the host could read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// UTF-8 text, without a leading byte-order mark.
    Text(String),
    /// A NUL byte in the first 8 KiB.
    Binary,
    /// Not UTF-8: the offset of the first invalid byte.
    InvalidUtf8(u64),
    /// Over the size limit: the file's size.
    TooLarge(u64),
}

/// How far into a file a NUL byte makes it binary (git's own heuristic).
const BINARY_PROBE: usize = 8192;

impl Content {
    /// Classifies raw bytes, `max_size` the largest file kept as text.
    pub fn classify(bytes: Vec<u8>, max_size: u64) -> Content {
        let len = bytes.len() as u64;
        if len > max_size {
            return Content::TooLarge(len);
        }
        if memchr::memchr(0, &bytes[..bytes.len().min(BINARY_PROBE)]).is_some() {
            return Content::Binary;
        }
        match String::from_utf8(bytes) {
            Ok(mut text) => {
                if text.starts_with('\u{feff}') {
                    text.drain(..3);
                }
                Content::Text(text)
            }
            Err(e) => Content::InvalidUtf8(e.utf8_error().valid_up_to() as u64),
        }
    }

    /// The text, when the content is text.
    pub fn text(&self) -> Option<&str> {
        match self {
            Content::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// How a path changed between the base and the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
    Renamed,
}

/// One changed path between the base and the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Change {
    pub kind: ChangeKind,
    pub path: String,
    /// The path at the base, for renames.
    pub old_path: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::Content;

    #[test]
    fn classify() {
        assert_eq!(
            Content::classify(b"ab".to_vec(), 10),
            Content::Text("ab".to_owned())
        );
        assert_eq!(
            Content::classify(b"\xef\xbb\xbfab".to_vec(), 10),
            Content::Text("ab".to_owned())
        );
        assert_eq!(Content::classify(b"a\0b".to_vec(), 10), Content::Binary);
        // A NUL past the probe is text's business, not a binary marker.
        let mut late = vec![b'a'; 9000];
        late[8500] = 0;
        assert!(matches!(Content::classify(late, 10_000), Content::Text(_)));
        assert_eq!(
            Content::classify(b"ab\xff".to_vec(), 10),
            Content::InvalidUtf8(2)
        );
        assert_eq!(Content::classify(b"abc".to_vec(), 2), Content::TooLarge(3));
        assert_eq!(
            Content::classify(Vec::new(), 0),
            Content::Text(String::new())
        );
    }
}
