//! SQL scripts (fixture files): split into statements and run one by one.

use quarry_core::Result;
use quarry_query::Repo;

/// Splits a SQL script into its statements at each `;` that is not inside a
/// string ('..'), a quoted identifier ("..", `..`), a PostgreSQL
/// dollar-quoted string ($tag$..$tag$) or a comment (`-- ..`, `/* .. */`).
/// Blank statements (and comments alone) are left out. With
/// `backslash_escapes` (MySQL/MariaDB) a backslash escapes the next character
/// inside a '..' string.
pub(crate) fn split(script: &str, backslash_escapes: bool) -> Vec<String> {
    let chars: Vec<char> = script.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    let mut meaningful = false;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        match c {
            '-' if next == Some('-') => {
                while let Some(&c) = chars.get(i) {
                    if c == '\n' {
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            '/' if next == Some('*') => {
                i += 2;
                while let Some(&c) = chars.get(i) {
                    i += 1;
                    if c == '*' && chars.get(i) == Some(&'/') {
                        i += 1;
                        break;
                    }
                }
                current.push(' ');
                continue;
            }
            '\'' | '"' | '`' => {
                current.push(c);
                meaningful = true;
                i += 1;
                while let Some(&d) = chars.get(i) {
                    current.push(d);
                    i += 1;
                    if d == c {
                        // A doubled quote is an escaped one: stay inside.
                        if chars.get(i) == Some(&c) {
                            current.push(c);
                            i += 1;
                            continue;
                        }
                        break;
                    }
                    if backslash_escapes && d == '\\' && c == '\'' {
                        // MySQL's backslash escapes.
                        if let Some(&e) = chars.get(i) {
                            current.push(e);
                            i += 1;
                        }
                    }
                }
                continue;
            }
            '$' => {
                // A dollar quote: $$ or $tag$ (tag: letters, digits, _).
                let mut j = i + 1;
                while chars
                    .get(j)
                    .is_some_and(|c| c.is_alphanumeric() || *c == '_')
                {
                    j += 1;
                }
                if chars.get(j) == Some(&'$') && !chars.get(i + 1).is_some_and(char::is_ascii_digit)
                {
                    let tag: Vec<char> = chars.get(i..=j).map(<[char]>::to_vec).unwrap_or_default();
                    current.extend(&tag);
                    meaningful = true;
                    i = j + 1;
                    while i < chars.len() {
                        if chars.get(i..i + tag.len()) == Some(tag.as_slice()) {
                            current.extend(&tag);
                            i += tag.len();
                            break;
                        }
                        if let Some(&d) = chars.get(i) {
                            current.push(d);
                        }
                        i += 1;
                    }
                    continue;
                }
                current.push(c);
                meaningful = true;
            }
            ';' => {
                if meaningful {
                    out.push(current.trim().to_string());
                }
                current.clear();
                meaningful = false;
            }
            c => {
                current.push(c);
                meaningful |= !c.is_whitespace();
            }
        }
        i += 1;
    }
    if meaningful {
        out.push(current.trim().to_string());
    }
    out
}

/// Runs a SQL script on `repo`, statement by statement: a statement ends at
/// each `;` outside strings, quoted names, dollar quotes and comments. Values
/// cannot be bound: a script is trusted text of the project's own, such as a
/// fixture file.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> quarry::Result<()> {
/// use quarry::prelude::*;
/// let repo = quarry::connect("sqlite::memory:").await?;
/// quarry::testing::run_script(&repo, "
///     CREATE TABLE tags (name TEXT); -- a comment; with a semicolon
///     INSERT INTO tags VALUES ('a;b'), ('c');
/// ").await?;
/// assert_eq!(repo.query_raw("SELECT name FROM tags", vec![], &[]).await?.len(), 2);
/// # Ok(()) }
/// ```
pub async fn run_script<R: Repo + ?Sized>(repo: &R, script: &str) -> Result<()> {
    let mysql = repo.driver().backend().dialect == quarry_query::Dialect::MySql;
    for sql in split(script, mysql) {
        repo.execute_raw(&sql, vec![]).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn splits_at_semicolons_outside_strings_and_comments() {
        let s = "INSERT INTO t VALUES ('a;b', \"c;d\", `e;f`);\n-- x; y\n/* p; q */ SELECT 1;;  \nSELECT 'it''s; fine'";
        assert_eq!(
            split(s, false),
            vec![
                "INSERT INTO t VALUES ('a;b', \"c;d\", `e;f`)",
                "SELECT 1",
                "SELECT 'it''s; fine'"
            ]
        );
    }

    #[test]
    fn keeps_dollar_quotes_whole() {
        let s =
            "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql; SELECT $1";
        assert_eq!(
            split(s, false),
            vec![
                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
                "SELECT $1"
            ]
        );
    }

    #[test]
    fn backslash_escapes_on_mysql_only() {
        let s = r"SELECT 'a\';b'; SELECT 2";
        assert_eq!(split(s, true), vec![r"SELECT 'a\';b'", "SELECT 2"]);
        assert_eq!(split(s, false), vec![r"SELECT 'a\'", "b'; SELECT 2"]);
    }

    #[test]
    fn comments_alone_are_no_statement() {
        assert!(split("-- nothing\n/* here */ ;\n", false).is_empty());
    }
}
