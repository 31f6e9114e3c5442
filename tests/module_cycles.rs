//! No module cycles: for every crate of the workspace (the root `src/`, `core`,
//! `query`, `macros`, `migrate`, `cli`, `adapters/*`), the modules' dependency
//! graph is built from their source and every cycle (strongly connected
//! component of two or more modules) is reported.
//!
//! How the graph is built:
//! - Source is split into tokens by `proc-macro2` (a real Rust lexer), so
//!   comments, doc comments and string literals never count.
//! - The module tree follows `mod` declarations: `mod x;` (file `x.rs` or
//!   `x/mod.rs`, or a `#[path]`), inline `mod x { .. }`, nested at any depth.
//! - Module A depends on module B when A names an item that is *defined* in B:
//!   through a `use` item (any visibility, `{..}` groups, `self`, renames, globs;
//!   also `use` inside function bodies) or through a path in code
//!   (`crate::..`, `$crate::..`, `super::..`, `self::..`, or a path starting
//!   with a name in scope: a child module or an imported name). Re-exports are
//!   followed to the module that defines the item, so `crate::Error` re-exported
//!   by `lib.rs` from `error.rs` is a dependency on `error`, not on the root; the
//!   re-export itself makes the root depend on `error`. A `#[macro_export]`
//!   macro belongs to the module that defines it.
//! - Cycles are looked for between siblings, each standing for its whole
//!   subtree: `a::x -> b::y` makes `a` depend on `b` (so `error.rs` naming
//!   `changeset::FieldError`, defined in `changeset/field_error.rs`, depends on
//!   `changeset`, and `changeset/mod.rs` naming `crate::error::Error` closes a
//!   cycle). A parent and its own child naming each other's items (the
//!   `mod.rs` and `super::` idiom) is not a cycle, and a `mod` declaration
//!   alone is ownership, not a dependency.
//! - Test code does not count: items under `#[cfg(test)]` (the usual
//!   `mod tests`, test-only helpers and imports) are left out, since the rule is
//!   about library code (and a test module, which nothing imports, can never be
//!   part of a cycle anyway).
//!
//! The cycles that exist today are listed in `ALLOWED` with their modules, so
//! this test passes now and fails when a new cycle appears, when a listed one
//! grows, or when a listed one is gone (then delete its entry: the list only
//! shrinks).

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Cycles tolerated, per crate directory (none today: keep it so): each entry
/// is one strongly connected component, its modules by path. A cycle found is
/// allowed when its modules are all in one entry of its crate; an entry no
/// cycle uses any more fails the test until it is deleted.
const ALLOWED: &[(&str, &[&str])] = &[];

/// One module of a crate.
#[derive(Default)]
struct Module {
    /// Path from the crate root (`["sql", "write"]`); empty for the root.
    path: Vec<String>,
    parent: Option<usize>,
    children: HashMap<String, usize>,
    /// Names of items defined here (types, functions, traits, constants, ...).
    items: BTreeSet<String>,
    /// `use` imports: the name they bind here and the path as written.
    imports: HashMap<String, Vec<String>>,
    /// Glob imports (`use path::*`), as written.
    globs: Vec<Vec<String>>,
    /// Every path this module names: as written, and where (file:line).
    refs: Vec<(Vec<String>, String)>,
}

/// A crate's modules, `modules[0]` the root.
struct Crate {
    modules: Vec<Module>,
    /// `#[macro_export]` macros: name and defining module (they live at the root).
    exported_macros: HashMap<String, usize>,
    /// Files that could not be read or lexed, with the reason.
    problems: Vec<String>,
}

impl Module {
    fn name(&self) -> String {
        if self.path.is_empty() {
            "crate".to_string()
        } else {
            self.path.join("::")
        }
    }
}

fn is_punct(t: Option<&TokenTree>, c: char) -> bool {
    matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

fn is_group(t: Option<&TokenTree>, d: Delimiter) -> bool {
    matches!(t, Some(TokenTree::Group(g)) if g.delimiter() == d)
}

fn ident(t: Option<&TokenTree>) -> Option<String> {
    match t {
        Some(TokenTree::Ident(i)) => Some(i.to_string()),
        _ => None,
    }
}

/// True at a `::` (two joint colons) starting at `i`.
fn is_path_sep(tokens: &[TokenTree], i: usize) -> bool {
    let joint = matches!(tokens.get(i), Some(TokenTree::Punct(p)) if p.spacing() == Spacing::Joint);
    joint && is_punct(tokens.get(i), ':') && is_punct(tokens.get(i + 1), ':')
}

/// The text of a `#[...]` attribute's group, or None when `tokens[i]` does not
/// start an attribute. Returns the attribute's tokens and how many tokens it
/// spans (`#`, optional `!`, the bracket group).
fn attribute(tokens: &[TokenTree], i: usize) -> Option<(TokenStream, usize)> {
    if !is_punct(tokens.get(i), '#') {
        return None;
    }
    let group_at = if is_punct(tokens.get(i + 1), '!') {
        i + 2
    } else {
        i + 1
    };
    match tokens.get(group_at) {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => {
            Some((g.stream(), group_at - i + 1))
        }
        _ => None,
    }
}

/// `cfg(test)` (also inside `all(..)`; not under `not(..)` or `any(..)`, which
/// keep the item in some library build).
fn is_cfg_test(attr: &TokenStream) -> bool {
    let tokens: Vec<TokenTree> = attr.clone().into_iter().collect();
    if ident(tokens.first()).as_deref() != Some("cfg") {
        return false;
    }
    match tokens.get(1) {
        Some(TokenTree::Group(g)) => cfg_requires_test(&g.stream()),
        _ => false,
    }
}

fn cfg_requires_test(pred: &TokenStream) -> bool {
    let tokens: Vec<TokenTree> = pred.clone().into_iter().collect();
    match (ident(tokens.first()).as_deref(), tokens.get(1)) {
        (Some("test"), None) => true,
        (Some("all"), Some(TokenTree::Group(g))) => g
            .stream()
            .into_iter()
            .collect::<Vec<_>>()
            .split(|t| is_punct(Some(t), ','))
            .any(|part| cfg_requires_test(&part.iter().cloned().collect())),
        _ => false,
    }
}

/// `#[path = "..."]`'s value.
fn path_attr(attr: &TokenStream) -> Option<String> {
    let tokens: Vec<TokenTree> = attr.clone().into_iter().collect();
    if ident(tokens.first()).as_deref() != Some("path") || !is_punct(tokens.get(1), '=') {
        return None;
    }
    match tokens.get(2) {
        Some(TokenTree::Literal(l)) => {
            let s = l.to_string();
            Some(s.trim_matches('"').to_string())
        }
        _ => None,
    }
}

fn is_macro_export(attr: &TokenStream) -> bool {
    let tokens: Vec<TokenTree> = attr.clone().into_iter().collect();
    ident(tokens.first()).as_deref() == Some("macro_export")
}

/// What a leaf of a `use` tree brings into scope.
enum Leaf {
    /// A name (the last segment, or the `as` rename).
    Name(String),
    /// Everything (`*`).
    Glob,
    /// Nothing (`as _`): a dependency all the same.
    Anonymous,
}

/// A `use` tree flattened: each leaf's full path and what it binds.
fn use_tree(prefix: &[String], tokens: &[TokenTree], out: &mut Vec<(Vec<String>, Leaf)>) {
    let mut path = prefix.to_vec();
    let mut i = 0;
    // A leading `::` means an extern crate path.
    if is_path_sep(tokens, 0) {
        path.push("::".to_string());
        i = 2;
    }
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Ident(id) => {
                let name = id.to_string();
                if ident(tokens.get(i + 1)).as_deref() == Some("as") {
                    let leaf = match ident(tokens.get(i + 2)) {
                        Some(alias) if alias != "_" => Leaf::Name(alias),
                        _ => Leaf::Anonymous,
                    };
                    let mut full = path.clone();
                    if name != "self" {
                        full.push(name);
                    }
                    out.push((full, leaf));
                    return;
                }
                path.push(name);
                i += 1;
                if is_path_sep(tokens, i) {
                    i += 2;
                    continue;
                }
                // End of a simple path; a trailing `self` (in a group) binds the
                // prefix's last name.
                if path.last().map(String::as_str) == Some("self") && path.len() > 1 {
                    path.pop();
                }
                let leaf = path.last().cloned().map_or(Leaf::Anonymous, Leaf::Name);
                out.push((path, leaf));
                return;
            }
            TokenTree::Punct(p) if p.as_char() == '$' => {
                // `$crate` in a macro body.
                i += 1;
            }
            TokenTree::Punct(p) if p.as_char() == '*' => {
                out.push((path, Leaf::Glob));
                return;
            }
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                for part in inner.split(|t| is_punct(Some(t), ',')) {
                    if !part.is_empty() {
                        use_tree(&path, part, out);
                    }
                }
                return;
            }
            _ => return,
        }
    }
}

/// `const NAME: T = ..` (or `const _`), not `const fn`.
fn is_const_item(item: &[TokenTree], k: usize) -> bool {
    ident(item.get(k + 1)).is_some()
        && (is_punct(item.get(k + 2), ':') || is_punct(item.get(k + 2), '='))
}

/// The 1-based line of a token, for messages.
fn line_of(t: &TokenTree) -> usize {
    t.span().start().line
}

struct Parser<'a> {
    krate: &'a mut Crate,
    file: PathBuf,
}

impl Parser<'_> {
    /// Reads the items of module `m` from `tokens`; `dir` is where its child
    /// modules' files are.
    fn items(&mut self, m: usize, tokens: &[TokenTree], dir: &Path) {
        let mut i = 0;
        while i < tokens.len() {
            // Attributes of the next item.
            let mut test_only = false;
            let mut path = None;
            let mut macro_export = false;
            while let Some((attr, len)) = attribute(tokens, i) {
                let inner = is_punct(tokens.get(i + 1), '!');
                if is_cfg_test(&attr) {
                    if inner {
                        // `#![cfg(test)]`: the whole module is test code.
                        return;
                    }
                    test_only = true;
                }
                path = path.or_else(|| path_attr(&attr));
                macro_export |= is_macro_export(&attr);
                i += len;
            }
            if i >= tokens.len() {
                break;
            }
            let end = item_end(tokens, i);
            let item = &tokens[i..end];
            i = end;
            if test_only {
                continue;
            }
            self.item(m, item, dir, path, macro_export);
        }
    }

    fn item(
        &mut self,
        m: usize,
        item: &[TokenTree],
        dir: &Path,
        path_attr: Option<String>,
        macro_export: bool,
    ) {
        // Skip visibility and qualifiers.
        let mut k = 0;
        loop {
            match ident(item.get(k)).as_deref() {
                Some("pub") => {
                    k += 1;
                    if is_group(item.get(k), Delimiter::Parenthesis) {
                        k += 1;
                    }
                }
                Some("unsafe" | "async" | "extern" | "default" | "auto") => {
                    k += 1;
                    if matches!(item.get(k), Some(TokenTree::Literal(_))) {
                        k += 1; // extern "C"
                    }
                }
                Some("const") if !is_const_item(item, k) => {
                    k += 1; // `const fn`
                }
                _ => break,
            }
        }
        let keyword = ident(item.get(k));
        let name = ident(item.get(k + 1));
        match keyword.as_deref() {
            Some("mod") => {
                let Some(name) = name else { return };
                let child = self.child(m, &name);
                match item.get(k + 2) {
                    Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                        let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                        let child_dir = match &path_attr {
                            Some(p) => dir.join(p),
                            None => dir.join(&name),
                        };
                        self.items(child, &inner, &child_dir);
                    }
                    _ => {
                        let file = match &path_attr {
                            Some(p) => self.file.parent().unwrap_or(dir).join(p),
                            None => {
                                let flat = dir.join(format!("{name}.rs"));
                                if flat.exists() {
                                    flat
                                } else {
                                    dir.join(&name).join("mod.rs")
                                }
                            }
                        };
                        let child_dir = if file.file_name().is_some_and(|f| f == "mod.rs") {
                            file.parent().map(Path::to_path_buf).unwrap_or_default()
                        } else {
                            file.with_extension("")
                        };
                        self.file_module(child, &file, &child_dir);
                    }
                }
            }
            Some("use") => {
                let mut leaves = Vec::new();
                let end = item.len() - usize::from(is_punct(item.last(), ';'));
                use_tree(&[], &item[k + 1..end], &mut leaves);
                let line = item.first().map(line_of).unwrap_or(0);
                for (path, leaf) in leaves {
                    let at = format!("{}:{line}", self.file.display());
                    let module = &mut self.krate.modules[m];
                    match leaf {
                        Leaf::Name(name) => {
                            module.imports.insert(name, path.clone());
                        }
                        Leaf::Glob => module.globs.push(path.clone()),
                        Leaf::Anonymous => {}
                    }
                    module.refs.push((path, at));
                }
            }
            Some("macro_rules") => {
                // `macro_rules! name { .. }`: the name follows the `!`.
                if let Some(name) = ident(item.get(k + 2)) {
                    self.krate.modules[m].items.insert(name.clone());
                    if macro_export {
                        self.krate.exported_macros.insert(name, m);
                    }
                }
                self.paths(m, &item[k..]);
            }
            Some("fn" | "struct" | "enum" | "union" | "trait" | "type" | "const" | "static") => {
                if let Some(name) = name {
                    self.krate.modules[m].items.insert(name);
                }
                self.paths(m, &item[k..]);
            }
            _ => self.paths(m, &item[k..]),
        }
    }

    fn child(&mut self, m: usize, name: &str) -> usize {
        if let Some(c) = self.krate.modules[m].children.get(name) {
            return *c;
        }
        let mut path = self.krate.modules[m].path.clone();
        path.push(name.to_string());
        let id = self.krate.modules.len();
        self.krate.modules.push(Module {
            path,
            parent: Some(m),
            ..Module::default()
        });
        self.krate.modules[m].children.insert(name.to_string(), id);
        id
    }

    fn file_module(&mut self, m: usize, file: &Path, dir: &Path) {
        let source = match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                self.krate.problems.push(format!("{}: {e}", file.display()));
                return;
            }
        };
        let tokens: Vec<TokenTree> = match source.parse::<TokenStream>() {
            Ok(t) => t.into_iter().collect(),
            Err(e) => {
                self.krate.problems.push(format!("{}: {e}", file.display()));
                return;
            }
        };
        let outer = std::mem::replace(&mut self.file, file.to_path_buf());
        self.items(m, &tokens, dir);
        self.file = outer;
    }

    /// Records every path in `tokens` (recursively, into groups) that could
    /// name an item of this crate, and `use` items nested in bodies.
    fn paths(&mut self, m: usize, tokens: &[TokenTree]) {
        let mut i = 0;
        while i < tokens.len() {
            if let Some((attr, len)) = attribute(tokens, i) {
                i += len;
                if is_cfg_test(&attr) {
                    // A test-only item inside a body (an `impl` block's helper).
                    while let Some((_, more)) = attribute(tokens, i) {
                        i += more;
                    }
                    i = item_end(tokens, i.min(tokens.len()));
                }
                continue;
            }
            match &tokens[i] {
                TokenTree::Group(g) => {
                    let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                    self.nested(m, &inner);
                    i += 1;
                }
                TokenTree::Ident(id) => {
                    // A path: not preceded by `::` (then it is a tail) or `.`
                    // (a field or method).
                    let after_sep = i >= 2 && is_path_sep(tokens, i - 2);
                    let after_dot = i >= 1 && is_punct(tokens.get(i - 1), '.');
                    let dollar = i >= 1 && is_punct(tokens.get(i - 1), '$');
                    let mut path = vec![id.to_string()];
                    let mut j = i + 1;
                    while is_path_sep(tokens, j) {
                        match ident(tokens.get(j + 2)) {
                            Some(next) => {
                                path.push(next);
                                j += 3;
                            }
                            None => break,
                        }
                    }
                    if path.len() > 1 && !after_sep && !after_dot && (!dollar || path[0] == "crate")
                    {
                        let at = format!("{}:{}", self.file.display(), line_of(&tokens[i]));
                        self.krate.modules[m].refs.push((path, at));
                    }
                    i = j.max(i + 1);
                }
                _ => i += 1,
            }
        }
    }

    /// A group's tokens: statements may hold `use` items and nested items.
    fn nested(&mut self, m: usize, tokens: &[TokenTree]) {
        let mut start = 0;
        let mut i = 0;
        while i < tokens.len() {
            if ident(tokens.get(i)).as_deref() == Some("use")
                && (i == 0 || {
                    // After a statement, a block or an attribute.
                    let before = tokens.get(i - 1);
                    is_punct(before, ';')
                        || is_group(before, Delimiter::Brace)
                        || is_group(before, Delimiter::Bracket)
                })
            {
                self.paths(m, &tokens[start..i]);
                let end = tokens[i..]
                    .iter()
                    .position(|t| is_punct(Some(t), ';'))
                    .map_or(tokens.len(), |p| i + p);
                let mut leaves = Vec::new();
                use_tree(&[], &tokens[i + 1..end], &mut leaves);
                let at = format!("{}:{}", self.file.display(), line_of(&tokens[i]));
                for (path, _) in leaves {
                    self.krate.modules[m].refs.push((path, at.clone()));
                }
                // (Imports inside bodies are dependencies, not module scope.)
                i = end + 1;
                start = i;
                continue;
            }
            i += 1;
        }
        if start < tokens.len() {
            self.paths(m, &tokens[start..]);
        }
    }
}

/// Where the item starting at `tokens[start]` ends (exclusive).
fn item_end(tokens: &[TokenTree], start: usize) -> usize {
    // Declarations that end at `;` even when they hold braces.
    let mut k = start;
    while matches!(ident(tokens.get(k)).as_deref(), Some("pub")) {
        k += 1;
        if is_group(tokens.get(k), Delimiter::Parenthesis) {
            k += 1;
        }
    }
    let semicolon_only = match ident(tokens.get(k)).as_deref() {
        Some("use" | "type" | "static") => true,
        Some("const") => !matches!(
            ident(tokens.get(k + 1)).as_deref(),
            Some("fn" | "unsafe" | "async" | "extern")
        ),
        _ => false,
    };
    for (i, t) in tokens.iter().enumerate().skip(start) {
        if is_punct(Some(t), ';') {
            return i + 1;
        }
        if !semicolon_only {
            if let TokenTree::Group(g) = t {
                if g.delimiter() == Delimiter::Brace {
                    // `macro_rules! m { .. }` and `foo! { .. }` may be followed by `;`.
                    let end = i + 1;
                    return if is_punct(tokens.get(end), ';') {
                        end + 1
                    } else {
                        end
                    };
                }
            }
        }
    }
    tokens.len()
}

impl Crate {
    fn parse(root_file: &Path) -> Crate {
        let mut krate = Crate {
            modules: vec![Module::default()],
            exported_macros: HashMap::new(),
            problems: Vec::new(),
        };
        let dir = root_file
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut parser = Parser {
            krate: &mut krate,
            file: root_file.to_path_buf(),
        };
        parser.file_module(0, root_file, &dir);
        krate
    }

    /// The module that defines what `path` (written in module `from`) names:
    /// the module itself when the path names a module. None for paths outside
    /// this crate (std, other crates, generic parameters, `Self`, locals).
    fn resolve(&self, from: usize, path: &[String], depth: usize) -> Option<usize> {
        if depth > 16 {
            return None;
        }
        let first = path.first()?;
        match first.as_str() {
            "::" => None,
            "crate" => self.walk(0, &path[1..], depth),
            "self" => self.walk(from, &path[1..], depth),
            "super" => {
                let mut m = from;
                let mut rest = path;
                while rest.first().map(String::as_str) == Some("super") {
                    m = self.modules[m].parent?;
                    rest = &rest[1..];
                }
                self.walk(m, rest, depth)
            }
            _ => {
                // A relative path: only names in scope here are this crate's.
                let here = &self.modules[from];
                if here.children.contains_key(first)
                    || here.items.contains(first)
                    || here.imports.contains_key(first)
                    || (from == 0 && self.exported_macros.contains_key(first))
                {
                    self.walk(from, path, depth)
                } else {
                    here.globs
                        .iter()
                        .filter_map(|g| self.resolve(from, g, depth + 1))
                        .find_map(|g| self.lookup(g, path, depth))
                }
            }
        }
    }

    /// Resolves `rest` inside module `m`.
    fn walk(&self, m: usize, rest: &[String], depth: usize) -> Option<usize> {
        let Some(name) = rest.first() else {
            return Some(m);
        };
        if name == "self" {
            return self.walk(m, &rest[1..], depth);
        }
        if name == "super" {
            return self.walk(self.modules[m].parent?, &rest[1..], depth);
        }
        self.lookup(m, rest, depth)
    }

    /// `rest[0]` looked up among module `m`'s names.
    fn lookup(&self, m: usize, rest: &[String], depth: usize) -> Option<usize> {
        let name = rest.first()?;
        let module = &self.modules[m];
        if let Some(c) = module.children.get(name) {
            return self.walk(*c, &rest[1..], depth);
        }
        if module.items.contains(name) {
            return Some(m);
        }
        if m == 0 {
            if let Some(d) = self.exported_macros.get(name) {
                return Some(*d);
            }
        }
        if let Some(target) = module.imports.get(name) {
            let mut full = target.clone();
            full.extend(rest[1..].iter().cloned());
            return self.resolve(m, &full, depth + 1);
        }
        module
            .globs
            .iter()
            .filter_map(|g| self.resolve(m, g, depth + 1))
            .filter(|g| *g != m)
            .find_map(|g| self.lookup(g, rest, depth + 1))
    }

    /// Every dependency edge (from, to) between distinct modules, with the first
    /// place it is made.
    fn edges(&self) -> BTreeMap<(usize, usize), String> {
        let mut edges = BTreeMap::new();
        for (from, module) in self.modules.iter().enumerate() {
            for (path, at) in &module.refs {
                if let Some(to) = self.resolve(from, path, 0) {
                    if to != from {
                        edges.entry((from, to)).or_insert_with(|| at.clone());
                    }
                }
            }
        }
        edges
    }

    /// `m`'s ancestors and itself, root first.
    fn lineage(&self, mut m: usize) -> Vec<usize> {
        let mut out = vec![m];
        while let Some(p) = self.modules[m].parent {
            out.push(p);
            m = p;
        }
        out.reverse();
        out
    }

    /// A dependency between modules seen at the level where they part: for
    /// `a::x -> b::y`, an edge `a -> b` between the siblings `a` and `b` (each
    /// standing for its whole subtree). None when one module is the other's
    /// ancestor (a parent naming its child's items, or a child its parent's).
    fn sibling_edge(&self, from: usize, to: usize) -> Option<(usize, usize)> {
        let (a, b) = (self.lineage(from), self.lineage(to));
        let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        Some((*a.get(common)?, *b.get(common)?))
    }

    /// The cycles: strongly connected components (Tarjan) of two or more
    /// sibling modules in the graph of sibling edges.
    fn cycles(&self) -> Vec<Vec<usize>> {
        let n = self.modules.len();
        let mut next: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
        for (from, to) in self.edges().keys() {
            if let Some((a, b)) = self.sibling_edge(*from, *to) {
                next[a].insert(b);
            }
        }
        let next: Vec<Vec<usize>> = next.into_iter().map(|s| s.into_iter().collect()).collect();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut counter = 0;
        let mut out = Vec::new();
        // Iterative Tarjan: (node, next edge to look at).
        for root in 0..n {
            if index[root] != usize::MAX {
                continue;
            }
            let mut work = vec![(root, 0usize)];
            while let Some(&mut (v, ref mut e)) = work.last_mut() {
                if *e == 0 && index[v] == usize::MAX {
                    index[v] = counter;
                    low[v] = counter;
                    counter += 1;
                    stack.push(v);
                    on_stack[v] = true;
                }
                if let Some(&w) = next[v].get(*e) {
                    *e += 1;
                    if index[w] == usize::MAX {
                        work.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                work.pop();
                if let Some(&(u, _)) = work.last() {
                    low[u] = low[u].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut scc = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        scc.push(w);
                        if w == v {
                            break;
                        }
                    }
                    if scc.len() > 1 {
                        scc.sort_by_key(|m| self.modules[*m].name());
                        out.push(scc);
                    }
                }
            }
        }
        out.sort_by_key(|scc| self.modules[scc[0]].name());
        out
    }

    /// A cycle for display: its modules and the edges inside it.
    fn describe(&self, scc: &[usize], edges: &BTreeMap<(usize, usize), String>) -> String {
        let names: Vec<String> = scc.iter().map(|m| self.modules[*m].name()).collect();
        let mut out = format!("{} modules: {}\n", scc.len(), names.join(", "));
        for ((from, to), at) in edges {
            let inside = self
                .sibling_edge(*from, *to)
                .is_some_and(|(a, b)| scc.contains(&a) && scc.contains(&b));
            if inside {
                out.push_str(&format!(
                    "      {} -> {}  ({at})\n",
                    self.modules[*from].name(),
                    self.modules[*to].name()
                ));
            }
        }
        out
    }
}

/// The workspace's crates: the root package and every `members` entry of the
/// root `Cargo.toml` (directory, root source file).
fn workspace_crates(root: &Path) -> Vec<(String, PathBuf)> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("root Cargo.toml");
    let members = manifest
        .split_once("members")
        .and_then(|(_, rest)| rest.split_once('['))
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(list, _)| list)
        .expect("a workspace members list");
    let mut dirs = vec![".".to_string()];
    dirs.extend(
        members
            .split(',')
            .map(|m| m.trim().trim_matches('"').to_string())
            .filter(|m| !m.is_empty()),
    );
    dirs.into_iter()
        .map(|d| {
            let src = root.join(&d).join("src");
            let file = ["lib.rs", "main.rs"]
                .iter()
                .map(|f| src.join(f))
                .find(|f| f.exists())
                .unwrap_or_else(|| panic!("{d} has no src/lib.rs or src/main.rs"));
            (d, file)
        })
        .collect()
}

/// Parses a crate laid out in a temporary directory (for the checker's own tests).
fn parse_sources(files: &[(&str, &str)]) -> Crate {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("quarry_module_cycles_{}_{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, text).expect("write");
    }
    let krate = Crate::parse(&dir.join("lib.rs"));
    let _ = std::fs::remove_dir_all(&dir);
    krate
}

fn cycle_names(krate: &Crate) -> Vec<Vec<String>> {
    krate
        .cycles()
        .iter()
        .map(|scc| scc.iter().map(|m| krate.modules[*m].name()).collect())
        .collect()
}

#[test]
fn no_new_module_cycles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut failures = Vec::new();
    let mut report = String::new();
    let mut used = vec![false; ALLOWED.len()];
    for (dir, file) in workspace_crates(root) {
        let krate = Crate::parse(&file);
        assert!(
            krate.problems.is_empty(),
            "{dir}: could not read: {:?}",
            krate.problems
        );
        assert!(!krate.modules.is_empty(), "{dir}: no modules found");
        let edges = krate.edges();
        let cycles = krate.cycles();
        report.push_str(&format!(
            "{dir}: {} modules, {} edges, {} cycle(s)\n",
            krate.modules.len(),
            edges.len(),
            cycles.len()
        ));
        for scc in &cycles {
            let names: BTreeSet<String> = scc.iter().map(|m| krate.modules[*m].name()).collect();
            let allowed = ALLOWED.iter().enumerate().find(|(_, (d, mods))| {
                *d == dir && names.iter().all(|n| mods.contains(&n.as_str()))
            });
            let text = krate.describe(scc, &edges);
            match allowed {
                Some((i, _)) => {
                    used[i] = true;
                    report.push_str(&format!("  allowed cycle of {text}"));
                }
                None => {
                    report.push_str(&format!("  NEW cycle of {text}"));
                    failures.push(format!("{dir}: a cycle not in ALLOWED: {text}"));
                }
            }
        }
    }
    for (i, (dir, mods)) in ALLOWED.iter().enumerate() {
        if !used[i] {
            failures.push(format!(
                "{dir}: the allowed cycle {mods:?} is gone: delete its entry from ALLOWED"
            ));
        }
    }
    println!("{report}");
    assert!(failures.is_empty(), "{}\n{report}", failures.join("\n"));
}

/// Asserts the dependency edges (`"a -> b"`) `present` are found and `absent`
/// are not.
fn assert_edges(krate: &Crate, present: &[&str], absent: &[&str]) {
    let edges: BTreeSet<String> = krate
        .edges()
        .keys()
        .map(|(a, b)| {
            format!(
                "{} -> {}",
                krate.modules[*a].name(),
                krate.modules[*b].name()
            )
        })
        .collect();
    for edge in present {
        assert!(edges.contains(*edge), "{edge} in {edges:?}");
    }
    for edge in absent {
        assert!(!edges.contains(*edge), "{edge} not in {edges:?}");
    }
}

#[test]
fn checker_finds_cycles_and_ignores_comments_strings_and_tests() {
    let krate = parse_sources(&[
        (
            "lib.rs",
            r##"
//! Docs naming crate::b::B and crate::c::C do not count.
#![warn(missing_docs)]
mod a;
pub(crate) mod b;
mod c {
    pub struct C;
    pub fn f() -> &'static str { "crate::a::A" }
    impl C {
        #[cfg(test)]
        fn u() -> crate::d::D { crate::d::D }
    }
    #[cfg(all(test, unix))]
    fn t() -> crate::d::D { crate::d::D }
    pub mod inner {
        pub fn raw() -> &'static str { r#"crate::d::D"# }
        #[macro_export]
        macro_rules! make_b { () => { $crate::b::B } }
    }
}
mod d;
pub use a::A;
#[cfg(test)]
mod tests { use crate::d::*; }
"##,
        ),
        (
            "a.rs",
            "use crate::b::{self, B as Bee};\npub struct A(Bee);\nfn g(_: b::B) {}\n",
        ),
        (
            "b.rs",
            "/// crate::d::D\npub struct B;\nimpl B { fn a() -> crate::A { todo!() } }\n",
        ),
        (
            "d/mod.rs",
            "mod e;\npub struct D;\npub fn f() { e::e(); }\npub fn h() -> crate::c::C { crate::c::C }\n",
        ),
        ("d/e.rs", "pub fn e() -> super::D { super::D }\n"),
    ]);
    assert!(krate.problems.is_empty(), "{:?}", krate.problems);
    let names: Vec<String> = krate.modules.iter().map(Module::name).collect();
    assert_eq!(names, ["crate", "a", "b", "c", "c::inner", "d", "d::e"]);
    // Neither doc comments, strings nor test-only code depend.
    assert_edges(
        &krate,
        &[
            "crate -> a",
            "a -> b",
            "b -> a",
            "c::inner -> b",
            "d -> c",
            "d -> d::e",
            "d::e -> d",
        ],
        &["c -> d", "c::inner -> d", "crate -> b"],
    );
    // a uses b (group with self and a rename); b uses crate::A, which is a's.
    // d and d::e name each other's items: parent and child, not a cycle.
    assert_eq!(cycle_names(&krate), vec![vec!["a", "b"]]);
}

#[test]
fn checker_follows_reexports_and_nested_modules() {
    let krate = parse_sources(&[
        (
            "lib.rs",
            "mod error;\nmod runner;\npub use error::Error;\npub type Result<T> = std::result::Result<T, Error>;\n",
        ),
        (
            "error.rs",
            "pub enum Error { Lock(crate::runner::lock::LockError) }\n",
        ),
        (
            "runner/mod.rs",
            "pub(crate) mod lock;\nuse crate::Error;\npub fn run() -> Option<Error> { None }\n",
        ),
        (
            "runner/lock.rs",
            "pub struct LockError;\nfn x() { use crate::Result as R; let _: R<()> = Ok(()); }\n",
        ),
    ]);
    assert!(krate.problems.is_empty(), "{:?}", krate.problems);
    // `crate::Error` is error's (through the root's re-export); `crate::Result`
    // is the root's own.
    assert_edges(
        &krate,
        &[
            "crate -> error",
            "error -> runner::lock",
            "runner -> error",
            "runner::lock -> crate",
        ],
        &["runner -> crate"],
    );
    // error and runner (with its child lock) depend on each other.
    assert_eq!(cycle_names(&krate), vec![vec!["error", "runner"]]);
}
