//! Repository paths: `/`-separated and relative. Helpers for folders and
//! names, and [`Paths`], the path list as it crosses into a plugin.

/// The parent folder of `path` (`""` for a top-level file).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The last component of `path`.
pub fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}

/// `dir` joined with `name` (no separator when `dir` is empty).
pub fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// The repository path `target` names relative to folder `dir` (`.` and
/// `..` resolved, empty components dropped); `None` when it climbs out of
/// the repository. `target` is relative: callers reject absolute ones.
pub fn resolve(dir: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// True when `path` lies inside folder `dir` (at any depth).
pub fn is_within(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// A sorted list of repository paths (a rule's `Input::paths`), kept as the one
/// string it crosses into the sandbox as (each path followed by a NUL) and
/// split as it is iterated. Every chunk of a per-file rule receives every
/// matching path, and most never look at them: splitting them into owned
/// strings up front cost more per call than the rest of the call on
/// 2,000 small migrations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paths {
    joined: String,
}

impl Paths {
    /// From the wire form: each path followed by a NUL (a missing last
    /// terminator is forgiven).
    pub fn from_joined(mut joined: String) -> Self {
        if !joined.is_empty() && !joined.ends_with('\0') {
            joined.push('\0');
        }
        Self { joined }
    }

    /// The paths, in order.
    pub fn iter(&self) -> crate::SplitAscii<'_> {
        crate::text::split_ascii_terminated(&self.joined, 0)
    }

    pub fn len(&self) -> usize {
        memchr::memchr_iter(0, self.joined.as_bytes()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.joined.is_empty()
    }

    pub fn contains(&self, path: &str) -> bool {
        self.iter().any(|p| p == path)
    }

    /// Appends a path (keep the list sorted: the host's always is).
    pub fn push(&mut self, path: &str) {
        self.joined.push_str(path);
        self.joined.push('\0');
    }

    /// The paths as owned strings.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }

    /// The wire form (`input.paths` of interface 0.4.0): what the host
    /// sends, built with [`FromIterator`].
    pub fn into_joined(self) -> String {
        self.joined
    }
}

impl<'a> IntoIterator for &'a Paths {
    type Item = &'a str;
    type IntoIter = crate::SplitAscii<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Paths {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut paths = Paths::default();
        for path in iter {
            paths.push(path.as_ref());
        }
        paths
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_as_they_are_read() {
        let paths = Paths::from_joined("a.sql\0b c/d.sql\0".to_owned());
        assert_eq!(paths.iter().collect::<Vec<_>>(), ["a.sql", "b c/d.sql"]);
        assert_eq!((paths.len(), paths.is_empty()), (2, false));
        assert!(paths.contains("b c/d.sql") && !paths.contains("b c"));
        // A missing last terminator is forgiven; nothing is nothing.
        assert_eq!(Paths::from_joined("a\0b".to_owned()).to_vec(), ["a", "b"]);
        let empty = Paths::from_joined(String::new());
        assert_eq!(
            (empty.len(), empty.is_empty(), empty.iter().count()),
            (0, true, 0)
        );
        // Built from strings, it equals the wire form.
        let mut built: Paths = ["a.sql"].into_iter().collect();
        built.push("b c/d.sql");
        assert_eq!(built, paths);
        assert_eq!((&built).into_iter().next_back(), Some("b c/d.sql"));
        assert_eq!(built.into_joined(), "a.sql\0b c/d.sql\0");
    }

    #[test]
    fn helpers() {
        assert_eq!(parent("a/b/c.sql"), "a/b");
        assert_eq!(parent("c.sql"), "");
        assert_eq!(file_name("a/b/c.sql"), "c.sql");
        assert_eq!(join("", "x"), "x");
        assert_eq!(join("a", "x"), "a/x");
        assert!(is_within("a/b/c", "a/b"));
        assert!(!is_within("a/bc/c", "a/b"));
        assert!(is_within("anything", ""));
    }
}
