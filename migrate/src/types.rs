//! Column types (Ecto's primitive migration types), foreign key references and
//! column defaults.

use std::fmt;

/// A column type, named as Ecto names migration types. Each is compiled to the
/// database's own type (see the table in the crate docs).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Type {
    /// `:id` — a 64-bit integer (what foreign keys to a default key use).
    Id,
    /// `:bigint`.
    BigInt,
    /// `:integer`.
    Integer,
    /// `:smallint`.
    SmallInt,
    /// `:string` — `varchar(255)` on Postgres and MySQL (change the length with
    /// `size`), `TEXT` on SQLite.
    String,
    /// `:text`.
    Text,
    /// `:float` — double precision.
    Float,
    /// `:decimal` (set `precision` and `scale` on the column).
    Decimal,
    /// `:boolean`.
    Boolean,
    /// `:binary`.
    Binary,
    /// `:date`.
    Date,
    /// `:time` (seconds).
    Time,
    /// `:naive_datetime` — second precision, no time zone: `TIMESTAMP(0)` on
    /// Postgres, `DATETIME` on MySQL, `TEXT` on SQLite. Decodes into
    /// `chrono::NaiveDateTime` fields.
    NaiveDateTime,
    /// `:naive_datetime_usec` — microsecond precision.
    NaiveDateTimeUsec,
    /// `:utc_datetime` — second precision, UTC. Decodes into
    /// `chrono::DateTime<Utc>` fields.
    UtcDateTime,
    /// `:utc_datetime_usec` — microsecond precision, UTC.
    UtcDateTimeUsec,
    /// `:map` — JSON (`jsonb` on Postgres, `json` on MySQL, `TEXT` on SQLite).
    Map,
    /// A type written as is in the SQL (for example `"citext"`).
    Custom(String),
    /// A foreign key column; see [`references`].
    References(References),
}

impl Type {
    /// The foreign key, when this is [`Type::References`].
    pub fn as_references(&self) -> Option<&References> {
        match self {
            Type::References(r) => Some(r),
            _ => None,
        }
    }

    /// True for the integer types a database can generate (identity keys).
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            Type::Id | Type::BigInt | Type::Integer | Type::SmallInt
        )
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Type::Id => ":id",
            Type::BigInt => ":bigint",
            Type::Integer => ":integer",
            Type::SmallInt => ":smallint",
            Type::String => ":string",
            Type::Text => ":text",
            Type::Float => ":float",
            Type::Decimal => ":decimal",
            Type::Boolean => ":boolean",
            Type::Binary => ":binary",
            Type::Date => ":date",
            Type::Time => ":time",
            Type::NaiveDateTime => ":naive_datetime",
            Type::NaiveDateTimeUsec => ":naive_datetime_usec",
            Type::UtcDateTime => ":utc_datetime",
            Type::UtcDateTimeUsec => ":utc_datetime_usec",
            Type::Map => ":map",
            Type::Custom(s) => return write!(f, "{s:?}"),
            Type::References(r) => return write!(f, "references({})", r.table),
        };
        f.write_str(name)
    }
}

/// What a foreign key does when the referenced row is deleted (Ecto's
/// `on_delete`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnDelete {
    /// `:nothing` — no clause (the database refuses the delete).
    #[default]
    Nothing,
    /// `:delete_all` — `ON DELETE CASCADE`.
    DeleteAll,
    /// `:nilify_all` — `ON DELETE SET NULL`.
    NilifyAll,
    /// `:restrict` — `ON DELETE RESTRICT`.
    Restrict,
}

/// What a foreign key does when the referenced key changes (Ecto's `on_update`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnUpdate {
    /// `:nothing` — no clause.
    #[default]
    Nothing,
    /// `:update_all` — `ON UPDATE CASCADE`.
    UpdateAll,
    /// `:nilify_all` — `ON UPDATE SET NULL`.
    NilifyAll,
    /// `:restrict` — `ON UPDATE RESTRICT`.
    Restrict,
}

/// A foreign key column: `references("stores")`, with options.
#[derive(Clone, Debug, PartialEq)]
pub struct References {
    /// The referenced table.
    pub table: String,
    /// The referenced column (`id` unless set).
    pub column: String,
    /// The constraint name (`<table>_<column>_fkey` unless set).
    pub name: Option<String>,
    /// The column's type (`Type::Id` unless set).
    pub ty: Box<Type>,
    /// What happens on delete of the referenced row.
    pub on_delete: OnDelete,
    /// What happens on update of the referenced key.
    pub on_update: OnUpdate,
}

/// A foreign key to `table`'s `id` (Ecto's `references(:stores)`):
/// `t.add("store_id", references("stores").on_delete(OnDelete::DeleteAll))`.
pub fn references(table: impl Into<String>) -> References {
    References {
        table: table.into(),
        column: "id".to_string(),
        name: None,
        ty: Box::new(Type::Id),
        on_delete: OnDelete::Nothing,
        on_update: OnUpdate::Nothing,
    }
}

impl References {
    /// References another column than `id`.
    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = column.into();
        self
    }
    /// Names the constraint (default `<table>_<column>_fkey`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
    /// The column's type, when the referenced key is not a bigint.
    pub fn ty(mut self, ty: Type) -> Self {
        self.ty = Box::new(ty);
        self
    }
    /// Sets `on_delete`.
    pub fn on_delete(mut self, action: OnDelete) -> Self {
        self.on_delete = action;
        self
    }
    /// Sets `on_update`.
    pub fn on_update(mut self, action: OnUpdate) -> Self {
        self.on_update = action;
        self
    }
    /// The constraint name for a column `column` of `table`.
    pub fn constraint_name(&self, table: &str, column: &str) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("{table}_{column}_fkey"))
    }
}

impl From<References> for Type {
    fn from(r: References) -> Self {
        Type::References(r)
    }
}

/// A column default: a value (bound into the DDL as a literal) or SQL.
#[derive(Clone, Debug, PartialEq)]
pub enum DefaultValue {
    /// A literal value (`0`, `"draft"`, `true`).
    Value(sea_query::Value),
    /// SQL written as is (`"CURRENT_TIMESTAMP"`).
    Sql(String),
}
