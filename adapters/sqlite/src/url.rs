//! Reading SQLite URLs: `sqlite::memory:`, `sqlite://path`, `sqlite:path`, with
//! the query parameters `mode`, `cache`, `immutable`, `vfs` (SQLite's own URI
//! parameters, as sqlx read them) and quarry's `spawn_blocking`.

use quarry_core::{ConnectionError, ConnectionErrorKind, Error, Result};
use rusqlite::OpenFlags;

/// What a URL asks to open, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    /// The name handed to `sqlite3_open_v2` (a `file:` URI when `immutable` or
    /// `vfs` is set).
    pub(crate) filename: String,
    /// The open flags.
    pub(crate) flags: OpenFlags,
    /// An in-memory database: one connection, kept for the pool's lifetime.
    pub(crate) memory: bool,
    /// Opened read-only (`mode=ro`) or `immutable`: no journal mode is set.
    pub(crate) read_only: bool,
    /// Run statements on tokio's blocking pool (`spawn_blocking=true`).
    pub(crate) spawn_blocking: bool,
}

fn invalid(url: &str, why: impl std::fmt::Display) -> Error {
    Error::Connection(ConnectionError::new(
        ConnectionErrorKind::InvalidUrl,
        format!("invalid SQLite URL `{url}`: {why}"),
    ))
}

fn flag(url: &str, key: &str, value: &str) -> Result<bool> {
    match value {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(invalid(
            url,
            format_args!("`{key}` takes true or false, not `{value}`"),
        )),
    }
}

/// Reads `url`. Files are created when missing unless `mode=ro`.
pub(crate) fn parse(url: &str) -> Result<Target> {
    let rest = url.strip_prefix("sqlite://").unwrap_or(url);
    let rest = rest.strip_prefix("sqlite:").unwrap_or(rest);
    let (database, params) = match rest.split_once('?') {
        Some((d, p)) => (d, Some(p)),
        None => (rest, None),
    };
    let mut memory = database == ":memory:" || database.is_empty();
    let mut read_only = false;
    let mut shared_cache = None;
    let mut immutable = false;
    let mut vfs = None;
    let mut spawn_blocking = false;
    for (key, value) in params
        .map(|p| form_urlencoded::parse(p.as_bytes()))
        .into_iter()
        .flatten()
    {
        match &*key {
            "mode" => match &*value {
                "ro" => read_only = true,
                // quarry creates missing files either way.
                "rw" | "rwc" => {}
                "memory" => memory = true,
                other => {
                    return Err(invalid(
                        url,
                        format_args!("`mode` is ro, rw, rwc or memory, not `{other}`"),
                    ))
                }
            },
            "cache" => match &*value {
                "shared" => shared_cache = Some(true),
                "private" => shared_cache = Some(false),
                other => {
                    return Err(invalid(
                        url,
                        format_args!("`cache` is shared or private, not `{other}`"),
                    ))
                }
            },
            "immutable" => immutable = flag(url, "immutable", &value)?,
            "vfs" => vfs = Some(value.into_owned()),
            "spawn_blocking" => spawn_blocking = flag(url, "spawn_blocking", &value)?,
            other => {
                return Err(invalid(
                    url,
                    format_args!(
                        "unknown parameter `{other}` (expected mode, cache, immutable, vfs or spawn_blocking)"
                    ),
                ))
            }
        }
    }
    let mut filename = if database == ":memory:" {
        database.to_string()
    } else {
        // Percent-decoded, so a file name may hold `?` or `#`.
        percent_encoding::percent_decode_str(database)
            .decode_utf8()
            .map_err(|e| invalid(url, format_args!("the path is not UTF-8 once decoded: {e}")))?
            .into_owned()
    };
    if filename.contains('\0') {
        return Err(invalid(url, "the path holds a NUL byte"));
    }
    // A named in-memory database is shared by the connections of this process
    // that name it (SQLite's shared cache), as sqlx opened it.
    let shared_cache =
        shared_cache.unwrap_or(memory && !filename.is_empty() && filename != ":memory:");
    let mut flags = OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    flags |= if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
    };
    if memory {
        flags |= OpenFlags::SQLITE_OPEN_MEMORY;
        if filename.is_empty() {
            filename = ":memory:".to_string();
        }
    }
    flags |= if shared_cache {
        OpenFlags::SQLITE_OPEN_SHARED_CACHE
    } else {
        OpenFlags::SQLITE_OPEN_PRIVATE_CACHE
    };
    let named_memory = memory && filename != ":memory:";
    if immutable || vfs.is_some() || named_memory {
        let mut uri = format!(
            "file:{}?",
            percent_encoding::utf8_percent_encode(&filename, percent_encoding::NON_ALPHANUMERIC)
        );
        let start = uri.len();
        let mut query = form_urlencoded::Serializer::for_suffix(&mut uri, start);
        if named_memory {
            query.append_pair("mode", "memory");
            query.append_pair("cache", if shared_cache { "shared" } else { "private" });
        }
        if immutable {
            query.append_pair("immutable", "1");
        }
        if let Some(vfs) = &vfs {
            query.append_pair("vfs", vfs);
        }
        query.finish();
        filename = uri;
    }
    Ok(Target {
        filename,
        flags,
        memory,
        read_only: read_only || immutable,
        spawn_blocking,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_readme_forms() {
        let t = parse("sqlite::memory:").unwrap();
        assert!(t.memory);
        assert_eq!(t.filename, ":memory:");
        assert!(t.flags.contains(OpenFlags::SQLITE_OPEN_PRIVATE_CACHE));
        for url in ["sqlite://file.db", "sqlite:file.db"] {
            let t = parse(url).unwrap();
            assert!(!t.memory && !t.read_only && !t.spawn_blocking, "{url}");
            assert_eq!(t.filename, "file.db");
            assert!(t.flags.contains(OpenFlags::SQLITE_OPEN_CREATE));
        }
        assert_eq!(parse("sqlite:///tmp/a.db").unwrap().filename, "/tmp/a.db");
    }

    #[test]
    fn reads_parameters() {
        let t = parse("sqlite://a.db?mode=ro").unwrap();
        assert!(t.read_only);
        assert!(t.flags.contains(OpenFlags::SQLITE_OPEN_READ_ONLY));
        assert!(!t.flags.contains(OpenFlags::SQLITE_OPEN_CREATE));
        let t = parse("sqlite:shared?mode=memory").unwrap();
        assert!(t.memory);
        assert!(t.flags.contains(OpenFlags::SQLITE_OPEN_SHARED_CACHE));
        assert!(parse("sqlite://?mode=memory").unwrap().memory);
        assert!(
            parse("sqlite://a.db?spawn_blocking=true")
                .unwrap()
                .spawn_blocking
        );
        assert!(
            parse("sqlite::memory:?spawn_blocking=1")
                .unwrap()
                .spawn_blocking
        );
        let t = parse("sqlite://my%3Fdb.db?immutable=true").unwrap();
        assert!(t.read_only);
        assert_eq!(t.filename, "file:my%3Fdb%2Edb?immutable=1");
    }

    #[test]
    fn refuses_what_it_does_not_know() {
        for url in [
            "sqlite://a.db?mode=fast",
            "sqlite://a.db?cache=big",
            "sqlite://a.db?spawn_blocking=yes",
            "sqlite://a.db?journal=wal",
        ] {
            let e = parse(url).unwrap_err();
            assert_eq!(
                e.connection_kind(),
                Some(ConnectionErrorKind::InvalidUrl),
                "{url}"
            );
        }
    }
}
