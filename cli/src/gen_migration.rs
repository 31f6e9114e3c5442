//! `quarry gen migration <name>`: a timestamped file in the migrations folder,
//! registered in its `mod.rs`.

use crate::naming::{camel_case, check_ident, next_second, snake_case, timestamp};
use crate::project::{ensure_layout, relative};
use std::path::{Path, PathBuf};

/// The body of a new migration's `change`.
pub const EXAMPLE_BODY: &str = "        // m.create_table(\"stores\", |t| {
        //     t.add(\"name\", Type::String);
        //     t.timestamps();
        // });
        let _ = m;";

/// A migration file's text.
pub fn migration_file(version: i64, name: &str, body: &str) -> String {
    let ty = camel_case(name);
    format!(
        r#"//! Migration {version}_{name}.

use quarry::migration::prelude::*;

pub struct {ty};

impl Migration for {ty} {{
    fn version(&self) -> i64 {{
        {version}
    }}

    fn name(&self) -> &str {{
        "{name}"
    }}

    fn change(&self, m: &mut Commands) {{
{body}
    }}
}}
"#
    )
}

/// The existing migration files of `dir`: (version, name, file name).
fn existing(dir: &Path) -> Vec<(i64, String, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().to_string();
            let stem = file.strip_suffix(".rs")?;
            let (version, name) = stem.split_once('_')?;
            if version.len() != 14 {
                return None;
            }
            Some((version.parse().ok()?, name.to_string(), file))
        })
        .collect()
}

/// Adds `mod <module>;` (at `file`) and `Box::new(<module>::<Type>)` to the
/// text of `mod.rs`.
pub fn register(mod_rs: &str, file: &str, module: &str, ty: &str) -> Result<String, String> {
    let cannot = |why: &str| {
        format!("{why}: add `#[path = \"{file}\"] mod {module};` and `Box::new({module}::{ty})` to all() yourself")
    };
    let all = mod_rs
        .find("pub fn all()")
        .ok_or_else(|| cannot("no `pub fn all()` in mod.rs"))?;
    let open = mod_rs[all..]
        .find("vec![")
        .map(|i| all + i + "vec![".len())
        .ok_or_else(|| cannot("no `vec![` in all()"))?;
    let mut depth = 1usize;
    let mut close = None;
    for (i, c) in mod_rs[open..].char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(open + i);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close.ok_or_else(|| cannot("the vec! in all() is not closed"))?;
    // The entry goes on its own line before the closing bracket's line.
    let line_start = mod_rs[..close].rfind('\n').map(|i| i + 1).unwrap_or(close);
    let before_close = &mod_rs[..line_start];
    let entry = format!("        Box::new({module}::{ty}),\n");
    let mut out = String::new();
    // The declaration goes before all()'s doc comment and attributes.
    let mut decl_at = mod_rs[..all].rfind('\n').map(|i| i + 1).unwrap_or(0);
    while decl_at > 0 {
        let prev_start = mod_rs[..decl_at - 1]
            .rfind('\n')
            .map(|i| i + 1)
            .unwrap_or(0);
        let prev = mod_rs[prev_start..decl_at].trim();
        if prev.starts_with("///") || prev.starts_with("#[") {
            decl_at = prev_start;
        } else {
            break;
        }
    }
    let head = &mod_rs[..decl_at];
    let decl = format!("#[path = \"{file}\"]\nmod {module};\n");
    out.push_str(head.trim_end_matches('\n'));
    out.push('\n');
    if head.trim_end().ends_with(';') && head.contains("\nmod ") {
        out.push_str(&decl);
    } else {
        out.push('\n');
        out.push_str(&decl);
    }
    out.push('\n');
    out.push_str(&before_close[decl_at..]);
    out.push_str(&entry);
    out.push_str(&mod_rs[line_start..]);
    Ok(out)
}

/// Writes a new migration named `name` (any case) into `dir` with `body`, and
/// registers it. Refuses a name already used.
pub fn generate(root: &Path, dir: &str, name: &str, body: Option<&str>) -> Result<PathBuf, String> {
    let name = snake_case(name);
    check_ident(&name, "migration")?;
    ensure_layout(root, dir)?;
    let folder = root.join(dir);
    let found = existing(&folder);
    if let Some((_, _, file)) = found.iter().find(|(_, n, _)| *n == name) {
        return Err(format!(
            "a migration named {name} already exists: {}",
            relative(root, &folder.join(file))
        ));
    }
    let mut version = timestamp();
    while found.iter().any(|(v, _, _)| *v == version) {
        version = next_second(version);
    }
    let file = format!("{version}_{name}.rs");
    let path = folder.join(&file);
    let mod_path = folder.join("mod.rs");
    let mod_rs = std::fs::read_to_string(&mod_path)
        .map_err(|e| format!("cannot read {}: {e}", mod_path.display()))?;
    let updated = register(&mod_rs, &file, &name, &camel_case(&name))?;
    std::fs::write(
        &path,
        migration_file(version, &name, body.unwrap_or(EXAMPLE_BODY)),
    )
    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("* creating {}", relative(root, &path));
    std::fs::write(&mod_path, updated)
        .map_err(|e| format!("cannot write {}: {e}", mod_path.display()))?;
    println!("* updating {}", relative(root, &mod_path));
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::MIGRATIONS_MOD;

    #[test]
    fn registers_in_order() -> Result<(), String> {
        let one = register(MIGRATIONS_MOD, "1_a.rs", "a", "A")?;
        let two = register(&one, "2_b.rs", "b", "B")?;
        assert!(two.contains(
            "use quarry::migration::Migration;\n\n#[path = \"1_a.rs\"]\nmod a;\n#[path = \"2_b.rs\"]\nmod b;\n\n/// Every migration"
        ), "{two}");
        assert!(
            two.contains("    vec![\n        Box::new(a::A),\n        Box::new(b::B),\n    ]\n}"),
            "{two}"
        );
        Ok(())
    }

    #[test]
    fn unknown_layout_is_a_clear_error() {
        let err = register("fn main() {}", "1_a.rs", "a", "A").unwrap_err();
        assert!(err.contains("no `pub fn all()`") && err.contains("mod a;"));
    }
}
