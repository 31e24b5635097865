//! The names of migrations, shared by every rule that reads them: which
//! `.prisma` files are source schemas, what a Prisma migration folder and a
//! hand-written `NN_name.sql` file are called, and which hand-written files
//! are rollbacks. One definition, so two rules never disagree about which
//! files are migrations.

/// How a hand-written file relates to the migration sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Rollback,
}

/// A hand-written `NN[x]_name.sql` file directly in a migrations folder.
#[derive(Debug, Clone)]
pub struct HandWritten {
    pub path: String,
    pub file_name: String,
    /// The number as written (its width matters for sorting by name).
    pub digits: String,
    pub number: u64,
    /// Lower-cased letter of an insertion like `17b_`.
    pub suffix: Option<char>,
    pub name: String,
    pub direction: Direction,
}

impl HandWritten {
    /// Position in the sequence: `17` < `17b` < `18`.
    pub fn key(&self) -> (u64, Option<char>) {
        (self.number, self.suffix)
    }

    /// The number with its letter as written (`07`, `17B`).
    pub fn label(&self) -> &str {
        let len = self.digits.len() + usize::from(self.suffix.is_some());
        self.file_name.get(..len).unwrap_or(&self.digits)
    }
}

/// A `.prisma` file that is a source schema, not a copy generated into
/// `node_modules` or a dot-folder (Prisma Client ships one there).
pub fn is_schema_file(path: &str) -> bool {
    path.ends_with(".prisma")
        && !path
            .split('/')
            .rev()
            .skip(1)
            .any(|c| c == "node_modules" || c.starts_with('.'))
}

/// Splits `^\d{14}_[A-Za-z0-9_]+$` into timestamp and name.
pub fn split_prisma_name(name: &str) -> Option<(&str, &str)> {
    let (ts, slug) = name.split_at_checked(14)?;
    let slug = slug.strip_prefix('_')?;
    let ok = ts.bytes().all(|b| b.is_ascii_digit())
        && !slug.is_empty()
        && slug.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    ok.then_some((ts, slug))
}

/// True when the SQL file at `path` undoes a migration rather than running
/// forward: `*.down.sql`, `*_down.sql`, `*.rollback.sql`, `*_rollback.sql`
/// and a `down.sql` beside an `up.sql` (golang-migrate, diesel, ...).
pub fn is_rollback_file(path: &str) -> bool {
    let name = crate::paths::file_name(path);
    // Numbered files are read by the one definition numbering uses.
    if let Some(h) = parse_handwritten(path, name) {
        return h.direction == Direction::Rollback;
    }
    let lower = name.to_ascii_lowercase();
    let Some(stem) = lower.strip_suffix(".sql") else {
        return false;
    };
    stem == "down"
        || stem == "rollback"
        || [
            ".down",
            ".rollback",
            "_down",
            "_rollback",
            "-down",
            "-rollback",
        ]
        .iter()
        .any(|suffix| stem.len() > suffix.len() && stem.ends_with(suffix))
}

/// Parses `NN[x]_name.sql`, recognising rollbacks (`_rollback.sql`,
/// `_down.sql`, `.down.sql`, `.rollback.sql`).
pub fn parse_handwritten(path: &str, file: &str) -> Option<HandWritten> {
    let stem = file.strip_suffix(".sql")?;
    let (stem, mut direction) = match stem
        .strip_suffix(".down")
        .or_else(|| stem.strip_suffix(".rollback"))
    {
        Some(s) => (s, Direction::Rollback),
        None => (stem, Direction::Forward),
    };
    let digits_len = stem.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, rest) = stem.split_at_checked(digits_len)?;
    let number = digits.parse::<u64>().ok()?;
    let (suffix, rest) = match rest.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => (Some(c.to_ascii_lowercase()), rest.get(1..)?),
        _ => (None, rest),
    };
    let mut name = rest.strip_prefix('_')?;
    let valid = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    if !valid(name) {
        return None;
    }
    if direction == Direction::Forward {
        // `03_rollback.sql` is the rollback of 03, not a migration named so.
        for marker in ["rollback", "down"] {
            if name == marker {
                direction = Direction::Rollback;
            } else if let Some(base) = name.strip_suffix(marker).and_then(|n| n.strip_suffix('_'))
                && !base.is_empty()
            {
                direction = Direction::Rollback;
                name = base;
            }
        }
    }
    Some(HandWritten {
        path: path.to_owned(),
        file_name: file.to_owned(),
        digits: digits.to_owned(),
        number,
        suffix,
        name: name.to_owned(),
        direction,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rollback_files() {
        for path in [
            "m/03_x.down.sql",
            "m/03_x_down.sql",
            "m/03_rollback.sql",
            "m/x-rollback.sql",
            "m/2024_x/down.sql",
            "m/03_X.DOWN.SQL",
        ] {
            assert!(is_rollback_file(path), "{path}");
        }
        for path in [
            "m/03_x.sql",
            "m/03_countdown.sql",
            "m/03_x.down.txt",
            "m/2024_x/up.sql",
            "m/_down.sql",
            "m/03_slowdown.sql",
            // As numbering reads it: a forward migration named `x-rollback`.
            "m/03_x-rollback.sql",
        ] {
            assert!(!is_rollback_file(path), "{path}");
        }
    }

    #[test]
    fn parses_handwritten_names() {
        let h = parse_handwritten("m/07_add_users.sql", "07_add_users.sql").unwrap();
        assert_eq!(
            (h.number, h.suffix, h.name.as_str()),
            (7, None, "add_users")
        );
        assert_eq!(h.direction, Direction::Forward);
        let h = parse_handwritten("", "17B_x-y.sql").unwrap();
        assert_eq!((h.number, h.suffix, h.label()), (17, Some('b'), "17B"));
        for rollback in [
            "3_x_rollback.sql",
            "3_x.down.sql",
            "3_x_down.sql",
            "03_rollback.sql",
        ] {
            let h = parse_handwritten("", rollback).unwrap();
            assert_eq!(h.direction, Direction::Rollback, "{rollback}");
            assert_eq!(h.number, 3);
        }
        assert_eq!(parse_handwritten("", "3_x.down.sql").unwrap().name, "x");
        for bad in [
            "x.sql",
            "07.sql",
            "07_.sql",
            "07-x.sql",
            "07ab_x.sql",
            "07_a b.sql",
            "07_x.SQL",
            "99999999999999999999999_x.sql",
        ] {
            assert!(parse_handwritten("", bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn splits_prisma_names() {
        assert_eq!(
            split_prisma_name("20240101120000_init"),
            Some(("20240101120000", "init"))
        );
        assert_eq!(split_prisma_name("2024010112000_init"), None);
        assert_eq!(split_prisma_name("20240101120000_"), None);
        assert_eq!(split_prisma_name("20240101120000-init"), None);
        assert_eq!(split_prisma_name("2024010112000é_x"), None);
    }
}
