//! Names: `CreateStore` / `create-store` to `create_store` and back, and the
//! UTC timestamps migrations are versioned by.

/// `create_store` from `CreateStore`, `create-store` or `create store`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            prev_lower = true;
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    out.trim_matches('_').to_string()
}

/// `CreateStore` from `create_store`.
pub fn camel_case(snake: &str) -> String {
    snake
        .split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut cs = p.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro", "override",
    "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Checks that `snake` can name a Rust module: `[a-z][a-z0-9_]*`, not a keyword.
pub fn check_ident(snake: &str, what: &str) -> Result<(), String> {
    let ok = snake.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && snake
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !ok {
        return Err(format!(
            "`{snake}` cannot name a {what}: use letters, digits and underscores, starting with a letter"
        ));
    }
    if KEYWORDS.contains(&snake) {
        return Err(format!(
            "`{snake}` is a Rust keyword; choose another {what} name"
        ));
    }
    Ok(())
}

/// Now in UTC as `YYYYMMDDhhmmss`.
pub fn timestamp() -> i64 {
    chrono::Utc::now()
        .format("%Y%m%d%H%M%S")
        .to_string()
        .parse()
        .unwrap_or(0)
}

/// The next second of a `YYYYMMDDhhmmss` version (for two migrations generated
/// within one second).
pub fn next_second(version: i64) -> i64 {
    chrono::NaiveDateTime::parse_from_str(&version.to_string(), "%Y%m%d%H%M%S")
        .map(|t| t + chrono::Duration::seconds(1))
        .map(|t| t.format("%Y%m%d%H%M%S").to_string())
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(version + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases() {
        assert_eq!(snake_case("CreateStore"), "create_store");
        assert_eq!(snake_case("add-user store"), "add_user_store");
        assert_eq!(snake_case("create_store"), "create_store");
        assert_eq!(
            camel_case("add_store_product_association"),
            "AddStoreProductAssociation"
        );
        assert!(check_ident("create_store", "migration").is_ok());
        assert!(check_ident("1abc", "migration").is_err());
        assert!(check_ident("type", "migration").is_err());
        assert_eq!(next_second(20230417235959), 20230418000000);
    }
}
