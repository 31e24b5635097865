//! Path helpers for rules: repository paths are `/`-separated and relative.

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

/// True when `path` lies inside folder `dir` (at any depth).
pub fn is_within(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

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
