//! `quarry gen schema Product products name:string price:float`: the
//! `#[derive(Schema)]` struct with a changeset function (phx.gen.schema's
//! counterpart), and its `create_<table>` migration unless `--no-migration`.

use crate::naming::{check_ident, snake_case};
use crate::project::{create_file, relative};
use std::path::{Path, PathBuf};

/// One `name:type` argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// The field and column name.
    pub name: String,
    /// The Rust type of the field.
    pub rust: String,
    /// The migration type expression.
    pub migration: String,
}

impl FieldSpec {
    /// True when the field is not an `Option`: its column is then `NOT NULL`.
    pub fn required(&self) -> bool {
        !self.rust.starts_with("Option<")
    }
}

/// The names the generated struct has already: the primary key and the
/// timestamps.
const RESERVED: [&str; 4] = ["id", "meta", "inserted_at", "updated_at"];

const TYPES: &str = "string, text, integer, bigint, float, decimal, boolean, date, time, naive_datetime, utc_datetime, binary, map, uuid (or binary_id), references:<table>, array:<type> (of string, text, integer, bigint, float, decimal, boolean, date, time, naive_datetime, utc_datetime, uuid)";

/// The Rust type and migration type of an array's element type
/// (`tags:array:string`).
fn array_element(ty: &str) -> Option<(&'static str, &'static str)> {
    Some(match ty {
        "string" => ("String", "Type::String"),
        "text" => ("String", "Type::Text"),
        "integer" => ("i32", "Type::Integer"),
        "bigint" => ("i64", "Type::BigInt"),
        "float" => ("f64", "Type::Float"),
        "boolean" => ("bool", "Type::Boolean"),
        "decimal" => ("quarry::rust_decimal::Decimal", "Type::Decimal"),
        "date" => ("quarry::chrono::NaiveDate", "Type::Date"),
        "time" => ("quarry::chrono::NaiveTime", "Type::Time"),
        "naive_datetime" => ("quarry::chrono::NaiveDateTime", "Type::NaiveDateTime"),
        "utc_datetime" => (
            "quarry::chrono::DateTime<quarry::chrono::Utc>",
            "Type::UtcDateTime",
        ),
        "uuid" | "binary_id" => ("quarry::uuid::Uuid", "Type::Uuid"),
        _ => return None,
    })
}

/// Parses `name:type` (or `name:references:table`).
pub fn parse_field(arg: &str) -> Result<FieldSpec, String> {
    let mut parts = arg.splitn(3, ':');
    let name = parts.next().unwrap_or_default().to_string();
    let ty = parts
        .next()
        .ok_or_else(|| format!("field `{arg}` needs a type: name:type ({TYPES})"))?;
    check_ident(&name, "field")?;
    if RESERVED.contains(&name.as_str()) {
        return Err(format!(
            "field `{name}` is generated already (`id` is the primary key, `meta` the state, \
             `inserted_at`/`updated_at` the timestamps): leave it out"
        ));
    }
    if ty == "array" {
        let element = parts.next().unwrap_or_default();
        let (rust, migration) = array_element(element).ok_or_else(|| {
            format!("field `{arg}` needs an element type: {name}:array:<type> ({TYPES})")
        })?;
        return Ok(FieldSpec {
            name,
            rust: format!("Option<Vec<{rust}>>"),
            migration: format!("Type::array({migration})"),
        });
    }
    let (rust, migration) = match ty {
        "string" => ("String", "Type::String".to_string()),
        "text" => ("String", "Type::Text".to_string()),
        "integer" => ("Option<i32>", "Type::Integer".to_string()),
        "bigint" => ("Option<i64>", "Type::BigInt".to_string()),
        "float" => ("Option<f64>", "Type::Float".to_string()),
        "boolean" => ("Option<bool>", "Type::Boolean".to_string()),
        "date" => (
            "Option<quarry::chrono::NaiveDate>",
            "Type::Date".to_string(),
        ),
        "naive_datetime" => (
            "Option<quarry::chrono::NaiveDateTime>",
            "Type::NaiveDateTime".to_string(),
        ),
        "utc_datetime" => (
            "Option<quarry::chrono::DateTime<quarry::chrono::Utc>>",
            "Type::UtcDateTime".to_string(),
        ),
        "binary" => ("Option<Vec<u8>>", "Type::Binary".to_string()),
        "map" => ("Option<quarry::serde_json::Value>", "Type::Map".to_string()),
        "decimal" => (
            "Option<quarry::rust_decimal::Decimal>",
            "Type::Decimal".to_string(),
        ),
        "time" => (
            "Option<quarry::chrono::NaiveTime>",
            "Type::Time".to_string(),
        ),
        "uuid" | "binary_id" => ("Option<quarry::uuid::Uuid>", "Type::Uuid".to_string()),
        "references" => {
            let table = parts.next().filter(|t| !t.is_empty()).ok_or_else(|| {
                format!("field `{arg}` needs the referenced table: {name}:references:<table>")
            })?;
            ("Option<i64>", format!("references({table:?})"))
        }
        other => {
            return Err(format!(
                "unknown type `{other}` for field {name}; known: {TYPES}"
            ))
        }
    };
    Ok(FieldSpec {
        name,
        rust: rust.to_string(),
        migration,
    })
}

/// The schema module's text.
pub fn schema_file(module: &str, table: &str, fields: &[FieldSpec]) -> String {
    let var = snake_case(module);
    let mut out = format!(
        "//! The `{module}` schema: the `{table}` table (written by `quarry gen schema`).\n\n\
         use quarry::prelude::*;\n\n\
         #[derive(Schema, Clone, Debug, PartialEq)]\n\
         #[quarry(table = \"{table}\", timestamps)]\n\
         pub struct {module} {{\n    pub meta: Meta,\n    pub id: i64,\n"
    );
    for f in fields {
        out.push_str(&format!("    pub {}: {},\n", f.name, f.rust));
    }
    out.push_str("    pub inserted_at: quarry::chrono::NaiveDateTime,\n    pub updated_at: quarry::chrono::NaiveDateTime,\n}\n\n");
    let list = if let [only] = fields {
        format!("{module}::{}", only.name)
    } else {
        format!(
            "({})",
            fields
                .iter()
                .map(|f| format!("{module}::{}", f.name))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    out.push_str(&format!(
        "impl {module} {{\n    /// Casts `attrs` onto `{var}` and validates them.\n    \
         pub fn changeset({var}: {module}, attrs: impl Into<Params>) -> Changeset<{module}> {{\n        \
         let fields = {list};\n        \
         Changeset::cast({var}, attrs, fields).validate_required(fields)\n    }}\n}}\n"
    ));
    out
}

/// The `create_<table>` migration body.
pub fn migration_body(table: &str, fields: &[FieldSpec]) -> String {
    let mut out = format!("        m.create_table({table:?}, |t| {{\n");
    for f in fields {
        // A field that is not an `Option` cannot hold NULL: its column
        // refuses it too, so no row can fail to load.
        let not_null = if f.required() { ".not_null()" } else { "" };
        out.push_str(&format!(
            "            t.add({:?}, {}){not_null};\n",
            f.name, f.migration
        ));
    }
    out.push_str("            t.timestamps();\n        });");
    out
}

/// Checks `module` can name a schema struct (CamelCase).
pub fn check_module(module: &str) -> Result<(), String> {
    let ok_module = module
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase())
        && module.chars().all(|c| c.is_ascii_alphanumeric());
    if !ok_module {
        return Err(format!(
            "`{module}` cannot name a schema: use CamelCase, like Product"
        ));
    }
    Ok(())
}

/// Writes the schema module into `dir` and, unless `no_migration`, its
/// migration. Returns the schema file.
pub fn generate(
    root: &Path,
    dir: &str,
    migrations_dir: &str,
    module: &str,
    table: &str,
    fields: &[String],
    no_migration: bool,
) -> Result<PathBuf, String> {
    check_module(module)?;
    check_ident(table, "table")?;
    let specs = fields
        .iter()
        .map(|f| parse_field(f))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, f) in specs.iter().enumerate() {
        if specs.iter().take(i).any(|g| g.name == f.name) {
            return Err(format!("field `{}` is given twice", f.name));
        }
    }
    if specs.is_empty() || specs.len() > 12 {
        return Err(format!(
            "give between 1 and 12 fields (name:type), not {}",
            specs.len()
        ));
    }
    let path = root.join(dir).join(format!("{}.rs", snake_case(module)));
    if path.exists() {
        return Err(format!("{} already exists", relative(root, &path)));
    }
    if !no_migration {
        crate::gen_migration::generate(
            root,
            migrations_dir,
            &format!("create_{table}"),
            Some(&migration_body(table, &specs)),
        )?;
    }
    create_file(root, &path, &schema_file(module, table, &specs))?;
    println!(
        "Add `mod {};` to your crate root (src/main.rs or src/lib.rs).",
        snake_case(module)
    );
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_fields() -> Result<(), String> {
        let f = parse_field("tags:array:string")?;
        assert_eq!(f.rust, "Option<Vec<String>>");
        assert_eq!(f.migration, "Type::array(Type::String)");
        let f = parse_field("ids:array:uuid")?;
        assert_eq!(f.rust, "Option<Vec<quarry::uuid::Uuid>>");
        assert!(parse_field("tags:array").is_err());
        assert!(parse_field("tags:array:map").is_err());
        Ok(())
    }

    #[test]
    fn uuid_decimal_and_time_fields() -> Result<(), String> {
        for (arg, rust, migration) in [
            ("key:uuid", "Option<quarry::uuid::Uuid>", "Type::Uuid"),
            ("key:binary_id", "Option<quarry::uuid::Uuid>", "Type::Uuid"),
            (
                "price:decimal",
                "Option<quarry::rust_decimal::Decimal>",
                "Type::Decimal",
            ),
            (
                "opens:time",
                "Option<quarry::chrono::NaiveTime>",
                "Type::Time",
            ),
        ] {
            let f = parse_field(arg)?;
            assert_eq!(
                (f.rust.as_str(), f.migration.as_str()),
                (rust, migration),
                "{arg}"
            );
        }
        Ok(())
    }

    #[test]
    fn fields_and_files() -> Result<(), String> {
        let f = vec![
            parse_field("name:string")?,
            parse_field("store_id:references:stores")?,
        ];
        assert_eq!(f[1].migration, "references(\"stores\")");
        let schema = schema_file("Product", "products", &f);
        assert!(schema.contains("pub store_id: Option<i64>,"));
        assert!(schema.contains("let fields = (Product::name, Product::store_id);"));
        let body = migration_body("products", &f);
        assert!(
            body.contains("t.add(\"name\", Type::String).not_null();"),
            "{body}"
        );
        assert!(
            body.contains("t.add(\"store_id\", references(\"stores\"));"),
            "{body}"
        );
        assert!(parse_field("id:integer").is_err_and(|e| e.contains("primary key")));
        let dates = schema_file("Event", "events", &[parse_field("at:date")?]);
        assert!(
            dates.contains("pub at: Option<quarry::chrono::NaiveDate>,"),
            "{dates}"
        );
        assert!(dates.contains("pub inserted_at: quarry::chrono::NaiveDateTime,"));
        assert!(parse_field("price:money").is_err());
        assert!(parse_field("price").is_err());
        Ok(())
    }
}
