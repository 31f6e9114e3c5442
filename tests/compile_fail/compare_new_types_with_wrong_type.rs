use quarry::prelude::*;
use quarry::schema::{Decimal, Uuid};

#[derive(quarry::Enum, Clone, Copy, Debug, PartialEq)]
enum Plan {
    Free,
    Pro,
}

#[derive(Schema, Clone, Debug, PartialEq)]
#[quarry(table = "accounts")]
struct Account {
    meta: Meta,
    id: Uuid,
    balance: Decimal,
    plan: Plan,
}

fn main() {
    // A UUID is no string, a decimal no float, an enum no string: each
    // comparison takes a value of the column's own type.
    let _ = Account::query().filter(Account::id.eq("67e55044-10b1-426f-9247-bb680e5fe0c8"));
    let _ = Account::query().filter(Account::balance.gt(10.5));
    let _ = Account::query().filter(Account::plan.eq("pro"));
}
