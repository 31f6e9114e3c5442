//! A [`Parts`] SELECT written as SQL text, clause by clause in sea-query's order
//! and spelling.

use super::expr::Writer;
use super::SqlBuf;
use crate::ir::Rpn;
use crate::ir::{JoinKind, LockStrength, LockWait, Parts};

/// Writes the SELECT of `parts` (`None` when some part cannot be written here;
/// the caller then builds it through sea-query).
pub(crate) fn write(parts: &Parts, buf: &mut SqlBuf) -> Option<()> {
    if let Some(with) = &parts.with {
        buf.push("WITH RECURSIVE ");
        buf.ident(with.0 .0);
        buf.push(" AS (");
        write(&with.1, buf)?;
        buf.push(") ");
    }
    buf.push("SELECT ");
    if parts.distinct {
        buf.push("DISTINCT ");
    }
    let mut first = true;
    if let Some((table, fields)) = parts.root {
        for f in fields.iter().filter(|f| f.is_persisted()) {
            if !first {
                buf.push(", ");
            }
            first = false;
            buf.column(table, f.column);
        }
    }
    if !parts.select.is_empty() {
        Writer::new(&parts.select)?.items(buf, &mut first)?;
    }
    buf.push(" FROM ");
    if let Some(with) = &parts.with {
        buf.ident(with.0 .0);
        buf.push(" AS ");
    } else if let Some(sub) = &parts.from_sub {
        buf.push("(");
        write(sub, buf)?;
        buf.push(") AS ");
    }
    buf.table(parts.from_prefix, parts.from);
    join_clauses(parts, buf)?;
    condition(&parts.cond, " WHERE ", buf)?;
    if !parts.group_by().is_empty() {
        buf.push(" GROUP BY ");
        Writer::new(parts.group_by())?.items(buf, &mut true)?;
    }
    condition(parts.having(), " HAVING ", buf)?;
    for (op, member) in &parts.set_ops {
        let parens = buf.dialect().parenthesized_set_members();
        buf.push(" ");
        buf.push(op.keyword());
        buf.push(if parens { " (" } else { " " });
        write(member, buf)?;
        if parens {
            buf.push(")");
        }
    }
    if !parts.order.is_empty() {
        Writer::new(&parts.order)?.order(buf)?;
    }
    if parts.effective_limit(buf.dialect()).is_some() {
        buf.push(" LIMIT ");
        buf.param();
    }
    if parts.offset.is_some() {
        buf.push(" OFFSET ");
        buf.param();
    }
    if let Some((strength, wait)) = parts.lock {
        lock(strength, wait, buf);
    }
    Some(())
}

/// The joins of `parts`, each ` KIND JOIN table [AS alias] ON ...` (also the
/// join list of a MySQL multi-table UPDATE / DELETE).
pub(crate) fn join_clauses(parts: &Parts, buf: &mut SqlBuf) -> Option<()> {
    for j in &parts.joins {
        buf.push(match j.kind {
            JoinKind::Inner => " INNER JOIN ",
            JoinKind::Left => " LEFT JOIN ",
            JoinKind::Right => " RIGHT JOIN ",
            JoinKind::Full => " FULL OUTER JOIN ",
        });
        if let Some(sub) = &j.lateral {
            buf.push("LATERAL (");
            write(sub, buf)?;
            buf.push(") AS ");
            buf.ident(j.table);
        } else {
            buf.table(j.prefix, j.table);
        }
        if let Some(alias) = j.alias {
            buf.push(" AS ");
            buf.ident(alias);
        }
        buf.push(" ON ");
        if j.on.is_empty() {
            buf.push("1 = 1");
        } else {
            Writer::new(&j.on)?.expr(buf)?;
        }
    }
    Some(())
}

fn condition(rpn: &Rpn, keyword: &str, buf: &mut SqlBuf) -> Option<()> {
    if !rpn.is_empty() {
        buf.push(keyword);
        Writer::new(rpn)?.expr(buf)?;
    }
    Some(())
}

/// The row lock clause; SQLite has none (queries asking for one are refused
/// before they are compiled).
fn lock(strength: LockStrength, wait: LockWait, buf: &mut SqlBuf) {
    let Some(phrase) = buf.dialect().lock_clause(strength == LockStrength::Share) else {
        return;
    };
    buf.push(phrase);
    match wait {
        LockWait::Wait => {}
        LockWait::NoWait => buf.push(" NOWAIT"),
        LockWait::SkipLocked => buf.push(" SKIP LOCKED"),
    }
}
