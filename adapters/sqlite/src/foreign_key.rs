//! SQLite reports "FOREIGN KEY constraint failed" without saying which key. We find
//! it: for each foreign key of the table whose column was written, look for the
//! referenced row; the first one missing is the violated key, named as Ecto names
//! foreign keys (`<table>_<column>_fkey`).

use quarry_core::{Result, Value, ValueType};
use quarry_query::{Driver, DriverExt, Statement};
use sea_query::{Expr, ExprTrait};

struct ForeignKey {
    parent: String,
    from: String,
    to: Option<String>,
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

pub(crate) async fn resolve(
    driver: &dyn Driver,
    table: &str,
    columns: &[(&str, Value)],
) -> Result<Option<String>> {
    let mut keys = Vec::new();
    let list = Statement::raw(
        format!(
            "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list({})",
            sql_string(table)
        ),
        [],
    );
    driver
        .fetch(&list, &mut |row| {
            let parent = row.get::<String>(0)?;
            let from = row.get::<String>(1)?;
            let to = row.get::<Option<String>>(2)?;
            keys.push(ForeignKey { parent, from, to });
            Ok(())
        })
        .await?;
    for key in keys {
        let Some((_, value)) = columns.iter().find(|(c, v)| *c == key.from && !v.is_null()) else {
            continue;
        };
        let target = match key.to {
            Some(t) => t,
            None => match primary_key_of(driver, &key.parent).await? {
                Some(pk) => pk,
                None => continue,
            },
        };
        let mut q = sea_query::Query::select();
        q.expr(Expr::val(1))
            .from(sea_query::Alias::new(key.parent.clone()))
            .and_where(
                Expr::col(sea_query::Alias::new(target))
                    .eq(Expr::val(quarry_query::sql_value::to_sea(value.clone()))),
            )
            .limit(1);
        let stmt = quarry_query::Dialect::Sqlite.build(&q, "");
        let mut found = false;
        driver
            .fetch(&stmt, &mut |_| {
                found = true;
                Ok(())
            })
            .await?;
        if !found {
            return Ok(Some(format!("{table}_{}_fkey", key.from)));
        }
    }
    let _ = quote;
    Ok(None)
}

fn sql_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

async fn primary_key_of(driver: &dyn Driver, table: &str) -> Result<Option<String>> {
    let stmt = Statement::raw(
        format!(
            "SELECT \"name\" FROM pragma_table_info({}) WHERE \"pk\" = 1",
            sql_string(table)
        ),
        [],
    );
    let mut pk = None;
    driver
        .fetch(&stmt, &mut |row| {
            pk = Some(
                row.value(0, ValueType::String)?
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
            Ok(())
        })
        .await?;
    Ok(pk)
}
