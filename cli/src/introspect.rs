//! `quarry gen schema Product products --from-db`: the schema of an existing
//! table (diesel's `print-schema`, sea-orm-cli's `generate entity`), read from
//! the database's catalog on SQLite, PostgreSQL and MySQL/MariaDB: each
//! column's Rust type from its SQL type, `Option` where it is nullable,
//! `timestamps` when `inserted_at` and `updated_at` are there, and a
//! `belongs_to` association for each single-column foreign key.

use crate::naming::camel_case;
use quarry::schema::ValueType;
use quarry::{AnyRepo, Repo, Value};

/// A column as the catalog describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Its SQL type, lower case (`integer`, `character varying`, `timestamp with time zone`).
    pub sql_type: String,
    /// True when it may hold NULL.
    pub nullable: bool,
}

/// A table: its columns in order and its foreign keys (column, referenced table).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// The columns.
    pub columns: Vec<Column>,
    /// Single-column foreign keys.
    pub foreign_keys: Vec<(String, String)>,
}

fn string(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

fn text_rows(rows: &[quarry::driver::ValueRow], i: usize) -> Vec<String> {
    rows.iter().map(|r| string(r.values.get(i))).collect()
}

/// Reads `table` from the database of `repo`; `scheme` is the URL's.
pub async fn read(repo: &AnyRepo, scheme: &str, table: &str) -> Result<Table, String> {
    let s = ValueType::String;
    let name = vec![Value::String(table.to_string())];
    let err = |e: quarry::Error| format!("cannot read the table {table}: {e}");
    let (columns, fks) = match scheme {
        "sqlite" => {
            let cols = repo
                .query_raw(
                    "SELECT name, lower(type), \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid",
                    name.clone(),
                    &[s, s, ValueType::I64, ValueType::I64],
                )
                .await
                .map_err(err)?;
            let columns = cols
                .iter()
                .map(|r| Column {
                    name: string(r.values.first()),
                    // SQLite's integers are 64-bit.
                    sql_type: match string(r.values.get(1)).as_str() {
                        "integer" | "int" => "bigint".to_string(),
                        other => other.to_string(),
                    },
                    // SQLite's primary key columns may hold NULL unless declared
                    // NOT NULL; an INTEGER PRIMARY KEY never does.
                    nullable: !matches!(r.values.get(2), Some(Value::I64(1)))
                        && !matches!(r.values.get(3), Some(Value::I64(n)) if *n > 0),
                })
                .collect();
            let fks = repo
                .query_raw(
                    "SELECT \"from\", \"table\" FROM pragma_foreign_key_list(?)",
                    name,
                    &[s, s],
                )
                .await
                .map_err(err)?;
            (columns, fks)
        }
        "postgres" | "postgresql" => {
            let cols = repo
                .query_raw(
                    "SELECT column_name::text, data_type::text, is_nullable::text \
                     FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 \
                     ORDER BY ordinal_position",
                    name.clone(),
                    &[s, s, s],
                )
                .await
                .map_err(err)?;
            // PostgreSQL's `real` is 4 bytes.
            let columns = nullable_yes(&cols)
                .into_iter()
                .map(|mut c| {
                    if c.sql_type == "real" {
                        c.sql_type = "float4".to_string();
                    }
                    c
                })
                .collect();
            let fks = repo
                .query_raw(
                    "SELECT a.attname::text, f.relname::text FROM pg_constraint c \
                     JOIN pg_class t ON t.oid = c.conrelid \
                     JOIN pg_class f ON f.oid = c.confrelid \
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
                     WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1 \
                       AND t.relname = $1 AND t.relnamespace = current_schema()::regnamespace",
                    name,
                    &[s, s],
                )
                .await
                .map_err(err)?;
            (columns, fks)
        }
        "mysql" | "mariadb" => {
            let cols = repo
                .query_raw(
                    "SELECT COLUMN_NAME, LOWER(COLUMN_TYPE), IS_NULLABLE FROM information_schema.COLUMNS \
                     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
                    name.clone(),
                    &[s, s, s],
                )
                .await
                .map_err(err)?;
            let columns = nullable_yes(&cols);
            let fks = repo
                .query_raw(
                    "SELECT COLUMN_NAME, REFERENCED_TABLE_NAME FROM information_schema.KEY_COLUMN_USAGE \
                     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL",
                    name,
                    &[s, s],
                )
                .await
                .map_err(err)?;
            (columns, fks)
        }
        other => return Err(format!("cannot read tables of `{other}` databases")),
    };
    if columns.is_empty() {
        return Err(format!("the database has no table named {table}"));
    }
    let foreign_keys = text_rows(&fks, 0)
        .into_iter()
        .zip(text_rows(&fks, 1))
        .collect();
    Ok(Table {
        columns,
        foreign_keys,
    })
}

fn nullable_yes(rows: &[quarry::driver::ValueRow]) -> Vec<Column> {
    rows.iter()
        .map(|r| Column {
            name: string(r.values.first()),
            sql_type: string(r.values.get(1)).to_ascii_lowercase(),
            nullable: string(r.values.get(2)).eq_ignore_ascii_case("yes"),
        })
        .collect()
}

/// The Rust type of a SQL type (`None`: not one quarry maps).
pub fn rust_type(sql: &str) -> Option<&'static str> {
    let t = sql.trim();
    let base = t.split('(').next().unwrap_or(t).trim();
    Some(match base {
        "tinyint" if t.starts_with("tinyint(1)") => "bool",
        "boolean" | "bool" => "bool",
        "smallint" | "int2" | "tinyint" => "i16",
        "integer" | "int" | "int4" | "mediumint" => "i32",
        "bigint" | "int8" => "i64",
        "float4" => "f32",
        "float" | "float8" | "double" | "double precision" | "real" | "numeric" | "decimal" => {
            "f64"
        }
        "text" | "varchar" | "character varying" | "character" | "char" | "bpchar" | "tinytext"
        | "mediumtext" | "longtext" | "string" | "uuid" => "String",
        "date" => "quarry::chrono::NaiveDate",
        "timestamp" | "timestamp without time zone" | "datetime" | "naive_datetime" => {
            "quarry::chrono::NaiveDateTime"
        }
        "timestamp with time zone" | "timestamptz" | "utc_datetime" => {
            "quarry::chrono::DateTime<quarry::chrono::Utc>"
        }
        "bytea" | "blob" | "binary" | "varbinary" | "longblob" | "mediumblob" => "Vec<u8>",
        "json" | "jsonb" | "map" => "quarry::serde_json::Value",
        _ => return None,
    })
}

/// `stores` → `Store`, `categories` → `Category`.
pub fn struct_name(table: &str) -> String {
    let singular = if let Some(stem) = table.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = table.strip_suffix("sses") {
        format!("{stem}ss")
    } else if let Some(stem) = table.strip_suffix('s') {
        stem.to_string()
    } else {
        table.to_string()
    };
    camel_case(&singular)
}

/// The schema module for `table` as `module`.
pub fn schema_file(module: &str, table_name: &str, table: &Table) -> Result<String, String> {
    let has = |c: &str| table.columns.iter().any(|col| col.name == c);
    if !has("id") {
        return Err(format!(
            "{table_name} has no `id` column: quarry gen schema --from-db reads tables keyed by id"
        ));
    }
    let timestamps = has("inserted_at") && has("updated_at");
    let mut uses = Vec::new();
    let mut fields = String::new();
    for col in &table.columns {
        let stamp = timestamps && (col.name == "inserted_at" || col.name == "updated_at");
        let ty = match rust_type(&col.sql_type) {
            // Timestamps are quarry's to fill: a date and time whatever the
            // column stores them as (TEXT on SQLite).
            Some(t) if stamp && !t.contains("DateTime<") => Some("quarry::chrono::NaiveDateTime"),
            other => other,
        };
        let ty = ty.ok_or_else(|| {
            format!(
                "column {table_name}.{} has the type `{}`, which quarry does not map: write its field by hand",
                col.name, col.sql_type
            )
        })?;
        let ty = if col.name == "id" {
            ty.to_string()
        } else if stamp {
            // Filled by quarry: never NULL.
            ty.to_string()
        } else if col.nullable {
            format!("Option<{ty}>")
        } else {
            ty.to_string()
        };
        fields.push_str(&format!("    pub {}: {ty},\n", col.name));
        if let Some((_, parent)) = table.foreign_keys.iter().find(|(c, _)| *c == col.name) {
            if let Some(assoc) = col.name.strip_suffix("_id") {
                let parent_ty = struct_name(parent);
                let parent_mod = crate::naming::snake_case(&parent_ty);
                fields.push_str(&format!(
                    "    /// `{}` references `{parent}`.\n    #[quarry(belongs_to)]\n    pub {assoc}: Assoc<Option<{parent_ty}>>,\n",
                    col.name
                ));
                if parent_ty != module {
                    uses.push(format!(
                        "use crate::{parent_mod}::{parent_ty}; // generate it with `quarry gen schema {parent_ty} {parent} --from-db`\n"
                    ));
                }
            }
        }
    }
    uses.sort();
    uses.dedup();
    let attrs = if timestamps {
        format!("#[quarry(table = \"{table_name}\", timestamps)]")
    } else {
        format!("#[quarry(table = \"{table_name}\")]")
    };
    Ok(format!(
        "//! The `{module}` schema of the `{table_name}` table (read from the database by\n\
         //! `quarry gen schema --from-db`).\n\n\
         use quarry::prelude::*;\n{}\n\
         #[derive(Schema, Clone, Debug, PartialEq)]\n{attrs}\npub struct {module} {{\n    pub meta: Meta,\n{fields}}}\n",
        uses.concat()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_names() -> Result<(), String> {
        assert_eq!(rust_type("character varying"), Some("String"));
        assert_eq!(rust_type("varchar(255)"), Some("String"));
        assert_eq!(rust_type("tinyint(1)"), Some("bool"));
        assert_eq!(rust_type("bigint(20)"), Some("i64"));
        assert_eq!(rust_type("double precision"), Some("f64"));
        assert_eq!(rust_type("geometry"), None);
        assert_eq!(struct_name("categories"), "Category");
        assert_eq!(struct_name("stores"), "Store");
        let t = Table {
            columns: vec![
                Column {
                    name: "id".into(),
                    sql_type: "integer".into(),
                    nullable: false,
                },
                Column {
                    name: "name".into(),
                    sql_type: "text".into(),
                    nullable: false,
                },
                Column {
                    name: "store_id".into(),
                    sql_type: "bigint".into(),
                    nullable: true,
                },
            ],
            foreign_keys: vec![("store_id".into(), "stores".into())],
        };
        let file = schema_file("Product", "products", &t)?;
        assert!(file.contains("#[quarry(table = \"products\")]"), "{file}");
        assert!(
            file.contains("pub id: i32,\n    pub name: String,\n    pub store_id: Option<i64>,"),
            "{file}"
        );
        assert!(
            file.contains("#[quarry(belongs_to)]\n    pub store: Assoc<Option<Store>>,"),
            "{file}"
        );
        assert!(file.contains("use crate::store::Store;"), "{file}");
        Ok(())
    }
}
