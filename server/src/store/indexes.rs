//! Whether every lookup the panel makes is served by an index. Each lookup of
//! [`app::server::db::lookups::LOOKUPS`] (the panel's own SQL) is explained with sample values
//! and sequential scans discouraged, as the `index_use` test runs them: the planner then takes
//! any index that serves it, so a relation it still reads whole has none. For each such read
//! the report names the lookups, the table read (for a mapped store, the shop's own table under
//! the view), and the `create index` that serves them, translated from the contract's columns
//! into the table's own columns and expressions.
//!
//! A sequential scan in such a plan means that no index serves the lookup, whatever the
//! table's size. An index read whole (an index scan without an index condition, which the
//! planner takes instead of a discouraged sequential scan when an index gives the order or
//! covers the columns) means the same only on a table of some size: on a few rows it can be
//! the cheapest plan although the lookup's index exists, so it counts from
//! [`INDEX_READ_COUNTS`] rows.
//!
//! A missing index is a warning, not a blocking problem: the panel still shows the right data,
//! only slower as the table grows (the report says how many rows it has). Blocking stays for
//! what makes agents see errors or wrong data (the exit status of `server store check`).

use std::collections::{BTreeMap, HashMap};

use app::server::db::lookups::{IndexNeed, Lookup, Param, LOOKUPS};
use app::server::store::StoreSchema;
use serde_json::Value;
use sqlx::{types::Json, PgPool};

use super::check::{Finding, Section};
use super::contract::RELATIONS;

/// From this many rows a whole read is slow enough for agents to notice.
const LARGE: f64 = 10_000.0;

/// From this many rows an index read whole (no index condition) means that no index serves
/// the lookup. On fewer, the planner may read a small index whole (for its order, or as the
/// cheapest plan with sequential scans discouraged) although the lookup's index exists. A
/// sequential scan, with sequential scans discouraged, always means that none does.
const INDEX_READ_COUNTS: f64 = 1_000.0;

/// Runs each lookup with sequential scans discouraged and reads its plan.
pub async fn check(pool: &PgPool, schema: &StoreSchema) -> sqlx::Result<Section> {
    let mut check = Checker::new(pool, schema).await?;
    let mut findings = Vec::new();
    // (table, the index statements) → the lookups, and what the first one filtered by.
    let mut whole: BTreeMap<(String, Vec<String>), WholeReads> = BTreeMap::new();
    for lookup in LOOKUPS {
        let plan = match explain(pool, &schema.sql(lookup.sql), lookup.params, true).await {
            Ok(plan) => plan,
            Err(sqlx::Error::Database(error)) => {
                findings.push(Finding::blocking(format!(
                    "{}: fails on this database: {} (the panel runs this SQL as it is; see \
                     app/src/server/db/lookups.rs)",
                    lookup.name,
                    error.message()
                )));
                continue;
            }
            Err(other) => return Err(other),
        };
        let mut reads = Vec::new();
        for read in whole_reads(&plan) {
            let fixes = check.fixes(lookup, &read).await?;
            // A whole index read of a small table can be the planner's cheapest plan even
            // when the lookup's index exists: on one, it counts only when no index of the
            // table leads with what the fix would.
            let counts = match read.index {
                None => true,
                Some(_)
                    if check
                        .rows(&read)
                        .await?
                        .is_some_and(|r| r >= INDEX_READ_COUNTS) =>
                {
                    true
                }
                Some(_) => {
                    let leading = check.leading(&read).await?;
                    !fixes.keys.is_empty()
                        && !fixes
                            .keys
                            .iter()
                            .any(|key| leading.iter().any(|l| mentions(l, key)))
                }
            };
            if counts {
                reads.push((read, fixes));
            }
        }
        if reads.is_empty() {
            findings.push(Finding::ok(format!("{}: served by indexes", lookup.name)));
            continue;
        }
        for (read, fixes) in reads {
            let entry = whole
                .entry((read.table.clone(), fixes.statements.clone()))
                .or_insert_with(|| WholeReads {
                    read: read.clone(),
                    through: fixes.through.clone(),
                    lookups: Vec::new(),
                });
            // The shortest filter says it best.
            let shorter = match (&read.filter, &entry.read.filter) {
                (Some(new), Some(old)) => new.len() < old.len(),
                (Some(_), None) => true,
                _ => false,
            };
            if shorter {
                entry.read.filter = read.filter.clone();
            }
            if !entry.lookups.contains(&lookup.name) {
                entry.lookups.push(lookup.name);
            }
        }
    }
    for ((table, statements), reads) in whole {
        let rows = check.rows(&reads.read).await?;
        findings.push(Finding::warning(describe(
            &table,
            &statements,
            &reads,
            rows,
        )));
    }
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    Ok(Section {
        title: format!("Panel lookups in `{schema}` served by indexes"),
        findings,
    })
}

/// The lookups that read one table whole, for one fix.
struct WholeReads {
    /// The first such read.
    read: WholeRead,
    /// The contract relations the table is read through.
    through: Vec<String>,
    /// The lookups, in the order the panel makes them.
    lookups: Vec<&'static str>,
}

/// The finding's text for the lookups that read `table` whole.
fn describe(table: &str, statements: &[String], reads: &WholeReads, rows: Option<f64>) -> String {
    let read = &reads.read;
    let how = match &read.index {
        Some(index) => format!("read whole (every entry of its index {index})"),
        None => "read whole".to_string(),
    };
    let size = match rows {
        Some(rows) if rows >= LARGE => {
            format!("~{rows:.0} rows, every one read by each lookup: agents wait")
        }
        Some(rows) if rows >= 0.0 => {
            format!("~{rows:.0} rows: quick while it is small, slower as it grows")
        }
        _ => "size unknown until it is analysed".to_string(),
    };
    let through = if reads.through.is_empty() {
        String::new()
    } else {
        format!(" (under {})", reads.through.join(", "))
    };
    let filter = read
        .filter
        .as_ref()
        .map(|f| format!(", filtering by `{}`", shortened(f)))
        .unwrap_or_default();
    let fix = match statements {
        [] => "no index named in the lookup's definition fits: add one on what the filter \
               compares"
            .to_string(),
        [one] => format!("fix: `{one}`"),
        several => format!(
            "fix: one of {}",
            several
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    };
    format!(
        "{table}{through} is {how} by {} ({}){filter} [{size}]; {fix}",
        plural(reads.lookups.len(), "lookup"),
        reads.lookups.join("; "),
    )
}

/// `text` cut after about 160 characters.
fn shortened(text: &str) -> String {
    match text.char_indices().nth(160) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A relation a plan reads whole.
#[derive(Debug, Clone, PartialEq, Eq)]
struct WholeRead {
    /// `schema.table`, quoted where needed.
    table: String,
    schema: String,
    relation: String,
    /// What the rows were filtered by, without the plan's alias for the table.
    filter: Option<String>,
    /// The index read whole instead of the table, when it was one.
    index: Option<String>,
}

/// `EXPLAIN (VERBOSE, FORMAT JSON)` of `sql` with sample values for its parameters, with
/// sequential scans discouraged when `no_seqscan` (bitmap and index scans stay on), in a
/// transaction of its own that is rolled back.
async fn explain(
    pool: &PgPool,
    sql: &str,
    params: &[Param],
    no_seqscan: bool,
) -> sqlx::Result<Value> {
    let mut tx = pool.begin().await?;
    if no_seqscan {
        sqlx::query("set local enable_seqscan = off")
            .execute(&mut *tx)
            .await?;
    }
    let statement = format!("explain (verbose, format json) {sql}");
    let mut query = sqlx::query_scalar::<_, Json<Value>>(&statement).persistent(false);
    for param in params {
        query = match *param {
            Param::Id(id) => query.bind(id),
            Param::Ids(ids) => query.bind(ids.to_vec()),
            Param::NoId => query.bind(None::<i64>),
            Param::Text(value) => query.bind(value),
            Param::NoText => query.bind(None::<String>),
            Param::Texts(texts) => {
                query.bind(texts.iter().map(|t| t.to_string()).collect::<Vec<String>>())
            }
            Param::Count(n) => query.bind(n),
            Param::DaysAgo(days) => query.bind(chrono::Utc::now() - chrono::Duration::days(days)),
        };
    }
    let plan = query.fetch_one(&mut *tx).await?;
    tx.rollback().await?;
    Ok(plan.0)
}

/// Every plan node, depth first, in the order EXPLAIN prints them.
fn nodes(plan: &Value) -> Vec<&Value> {
    fn walk<'a>(node: &'a Value, out: &mut Vec<&'a Value>) {
        out.push(node);
        if let Some(children) = node.get("Plans").and_then(Value::as_array) {
            for child in children {
                walk(child, out);
            }
        }
    }
    let mut out = Vec::new();
    if let Some(top) = plan.get(0).and_then(|p| p.get("Plan")) {
        walk(top, &mut out);
    }
    out
}

fn text<'a>(node: &'a Value, key: &str) -> Option<&'a str> {
    node.get(key).and_then(Value::as_str)
}

/// The relations a plan reads whole: sequential scans, and index scans without an index
/// condition (what the planner does instead of a discouraged sequential scan when an index
/// covers the columns or gives the order, but none serves the lookup).
fn whole_reads(plan: &Value) -> Vec<WholeRead> {
    let mut reads: Vec<WholeRead> = Vec::new();
    for node in nodes(plan) {
        let index = match text(node, "Node Type") {
            Some("Seq Scan") => None,
            Some("Index Scan" | "Index Only Scan") if node.get("Index Cond").is_none() => {
                text(node, "Index Name").map(str::to_string)
            }
            _ => continue,
        };
        let (Some(schema), Some(relation)) = (text(node, "Schema"), text(node, "Relation Name"))
        else {
            continue;
        };
        let alias = text(node, "Alias").unwrap_or(relation);
        let read = WholeRead {
            table: format!("{}.{}", ident(schema), ident(relation)),
            schema: schema.to_string(),
            relation: relation.to_string(),
            filter: text(node, "Filter").map(|f| unaliased(f, alias)),
            index,
        };
        if !reads
            .iter()
            .any(|r| r.table == read.table && r.filter == read.filter)
        {
            reads.push(read);
        }
    }
    reads
}

/// `expression` without `alias.` before column names.
fn unaliased(expression: &str, alias: &str) -> String {
    let prefix = format!("{}.", ident(alias));
    let mut out = String::with_capacity(expression.len());
    let mut rest = expression;
    while let Some(at) = rest.find(&prefix) {
        let before = rest[..at].chars().next_back();
        let starts_name =
            !matches!(before, Some(c) if c.is_alphanumeric() || c == '_' || c == '.' || c == '"');
        out.push_str(&rest[..at]);
        if !starts_name {
            out.push_str(&prefix);
        }
        rest = &rest[at + prefix.len()..];
    }
    out.push_str(rest);
    out
}

/// A name as SQL writes it: plain when it can be, quoted otherwise.
fn ident(name: &str) -> String {
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// What serves a whole read: the `create index` statements, and the contract relations it
/// was read through.
struct Fixes {
    statements: Vec<String>,
    /// What each statement's index leads with.
    keys: Vec<String>,
    through: Vec<String>,
}

/// A contract column as one branch of a view computes it from one table.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mapped {
    /// An expression of the table's columns (without alias).
    Expression(String),
    /// A constant (the same for every row: nothing to index).
    Constant,
    /// Not from this table alone (a join, a null).
    Unknown,
}

/// The check's state: which tables each contract relation reads, and the column mappings
/// worked out so far.
struct Checker<'a> {
    pool: &'a PgPool,
    schema: &'a StoreSchema,
    /// Contract relation → the tables (`schema`, `name`) it reads.
    reads: HashMap<String, Vec<(String, String)>>,
    /// (relation, column, schema, table) → per branch of the view.
    mapped: HashMap<(String, String, String, String), Vec<Mapped>>,
}

impl<'a> Checker<'a> {
    async fn new(pool: &'a PgPool, schema: &'a StoreSchema) -> sqlx::Result<Checker<'a>> {
        let names: Vec<&str> = RELATIONS.iter().map(|r| r.name).collect();
        // pg_depend records what a view's rewrite rule reads; the recursion follows views of
        // views down to what holds rows.
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "with recursive reads(relation, oid) as (
                 select c.relname::text, c.oid
                   from pg_class c join pg_namespace n on n.oid = c.relnamespace
                  where n.nspname = $1 and c.relname = any($2)
                 union
                 select r.relation, d.refobjid
                   from reads r
                   join pg_class v on v.oid = r.oid and v.relkind = 'v'
                   join pg_rewrite w on w.ev_class = v.oid
                   join pg_depend d on d.objid = w.oid and d.classid = 'pg_rewrite'::regclass
                                    and d.refclassid = 'pg_class'::regclass
                                    and d.refobjid <> v.oid
             )
             select r.relation, n.nspname::text, c.relname::text
               from reads r
               join pg_class c on c.oid = r.oid and c.relkind in ('r', 'p', 'm', 'f')
               join pg_namespace n on n.oid = c.relnamespace",
        )
        .bind(schema.name())
        .bind(&names)
        .fetch_all(pool)
        .await?;
        let mut reads: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for (relation, table_schema, table) in rows {
            reads
                .entry(relation)
                .or_default()
                .push((table_schema, table));
        }
        Ok(Self {
            pool,
            schema,
            reads,
            mapped: HashMap::new(),
        })
    }

    /// The table's row estimate (`pg_class.reltuples`; negative when never analysed).
    async fn rows(&self, read: &WholeRead) -> sqlx::Result<Option<f64>> {
        sqlx::query_scalar(
            "select c.reltuples::float8 from pg_class c
               join pg_namespace n on n.oid = c.relnamespace
              where n.nspname = $1 and c.relname = $2",
        )
        .bind(&read.schema)
        .bind(&read.relation)
        .fetch_optional(self.pool)
        .await
    }

    /// What each index of the table of `read` leads with, as Postgres prints it.
    async fn leading(&self, read: &WholeRead) -> sqlx::Result<Vec<String>> {
        sqlx::query_scalar(
            "select pg_get_indexdef(i.indexrelid, 1, false)
               from pg_index i
               join pg_class c on c.oid = i.indrelid
               join pg_namespace n on n.oid = c.relnamespace
              where n.nspname = $1 and c.relname = $2",
        )
        .bind(&read.schema)
        .bind(&read.relation)
        .fetch_all(self.pool)
        .await
    }

    /// The indexes of `lookup`'s definition that would serve its whole read `read`: those on
    /// the contract relations that read the table, translated into the table's columns; of
    /// them, the ones whose leading expression the read filtered by, when any did.
    async fn fixes(&mut self, lookup: &Lookup, read: &WholeRead) -> sqlx::Result<Fixes> {
        let table = (read.schema.clone(), read.relation.clone());
        let mut through = Vec::new();
        let mut all: Vec<(String, String)> = Vec::new();
        for need in lookup.indexes {
            let reads_table = self
                .reads
                .get(need.relation)
                .is_some_and(|tables| tables.contains(&table));
            if !reads_table {
                continue;
            }
            let view = format!("{}.{}", self.schema, need.relation);
            let is_table_itself =
                read.schema == self.schema.name() && read.relation == need.relation;
            if !is_table_itself && !through.contains(&view) {
                through.push(view);
            }
            for fix in self.translate(need, read, is_table_itself).await? {
                if !all.contains(&fix) {
                    all.push(fix);
                }
            }
        }
        let filtered: Vec<(String, String)> = all
            .iter()
            .filter(|(_, key)| read.filter.as_deref().is_some_and(|f| mentions(f, key)))
            .cloned()
            .collect();
        // The first one that fits what the lookup filtered by (the definitions list the
        // index that serves most first), or, when none does, every candidate.
        let chosen = match filtered.first() {
            Some(first) => vec![first.clone()],
            None => all,
        };
        Ok(Fixes {
            statements: chosen
                .iter()
                .map(|(statement, _)| statement.clone())
                .collect(),
            keys: chosen.into_iter().map(|(_, key)| key).collect(),
            through,
        })
    }

    /// `need` as `create index` statements on the table of `read` (one per branch of a view
    /// that reads the table several times), each with the expression it leads with.
    async fn translate(
        &mut self,
        need: &IndexNeed,
        read: &WholeRead,
        is_table_itself: bool,
    ) -> sqlx::Result<Vec<(String, String)>> {
        let using = need
            .method
            .map(|m| format!(" using {m}"))
            .unwrap_or_default();
        let elements: Vec<(&str, &str)> = need.columns.split(',').map(split_element).collect();
        if is_table_itself {
            let key = elements
                .first()
                .map(|e| e.0.to_string())
                .unwrap_or_default();
            let statement = format!("create index on {}{using} ({})", read.table, need.columns);
            return Ok(vec![(statement, key)]);
        }
        let Some(relation) = RELATIONS.iter().find(|r| r.name == need.relation) else {
            return Ok(Vec::new());
        };
        let mut columns: Vec<&str> = Vec::new();
        for (expression, _) in &elements {
            for name in identifiers(expression) {
                if relation.columns.iter().any(|c| c.name == name) && !columns.contains(&name) {
                    columns.push(name);
                }
            }
        }
        let mut mapped: HashMap<&str, Vec<Mapped>> = HashMap::new();
        for column in columns.iter().copied() {
            mapped.insert(column, self.map_column(need.relation, column, read).await?);
        }
        let branches = mapped.values().map(Vec::len).max().unwrap_or(0);
        let mut out = Vec::new();
        'branch: for branch in 0..branches {
            let mut parts = Vec::new();
            let mut key = None;
            for (expression, rest) in &elements {
                let mut result = String::new();
                let mut constant_only = false;
                for (piece, is_name) in tokens(expression) {
                    let Some(per_branch) = is_name.then(|| mapped.get(piece)).flatten() else {
                        result.push_str(piece);
                        continue;
                    };
                    match per_branch.get(branch) {
                        Some(Mapped::Expression(e)) if piece == *expression => result.push_str(e),
                        Some(Mapped::Expression(e)) => result.push_str(&wrapped(e)),
                        Some(Mapped::Constant) if piece == *expression => constant_only = true,
                        _ => continue 'branch,
                    }
                }
                if constant_only {
                    continue; // the same for every row of this branch
                }
                key.get_or_insert_with(|| result.clone());
                let element = if is_plain(&result) {
                    result
                } else {
                    wrapped(&result)
                };
                parts.push(format!(
                    "{element}{}",
                    if rest.is_empty() {
                        String::new()
                    } else {
                        format!(" {rest}")
                    }
                ));
            }
            let Some(key) = key else { continue };
            let statement = format!(
                "create index on {}{using} ({})",
                read.table,
                parts.join(", ")
            );
            if !out.iter().any(|(s, _)| *s == statement) {
                out.push((statement, key));
            }
        }
        Ok(out)
    }

    /// How each branch of the view `relation` computes `column` from the table of `read`:
    /// the plan of `select column from view` shows, for each read of the table, what it
    /// outputs (with the view's other columns as nulls, in a union).
    async fn map_column(
        &mut self,
        relation: &str,
        column: &str,
        read: &WholeRead,
    ) -> sqlx::Result<Vec<Mapped>> {
        let key = (
            relation.to_string(),
            column.to_string(),
            read.schema.clone(),
            read.relation.clone(),
        );
        if let Some(known) = self.mapped.get(&key) {
            return Ok(known.clone());
        }
        let sql = format!(
            "select {} from {}.{}",
            ident(column),
            self.schema.quoted(),
            ident(relation)
        );
        let plan = explain(self.pool, &sql, &[], false).await?;
        let mut branches = Vec::new();
        for node in nodes(&plan) {
            if text(node, "Schema") != Some(read.schema.as_str())
                || text(node, "Relation Name") != Some(read.relation.as_str())
            {
                continue;
            }
            let alias = text(node, "Alias").unwrap_or(&read.relation);
            let outputs: Vec<&str> = node
                .get("Output")
                .and_then(Value::as_array)
                .map(|o| o.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let meaningful: Vec<&str> = outputs
                .into_iter()
                .filter(|o| !o.starts_with("NULL::"))
                .collect();
            let prefix = format!("{}.", ident(alias));
            branches.push(match meaningful.as_slice() {
                [one] if one.contains(&prefix) => Mapped::Expression(unaliased(one, alias)),
                [_] => Mapped::Constant,
                _ => Mapped::Unknown,
            });
        }
        self.mapped.insert(key, branches.clone());
        Ok(branches)
    }
}

/// Whether `expression` contains `part` as a whole (not `id` in `user_id`).
fn mentions(expression: &str, part: &str) -> bool {
    let is_name = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    expression.match_indices(part).any(|(at, _)| {
        !is_name(expression[..at].chars().next_back())
            && !is_name(expression[at + part.len()..].chars().next())
    })
}

/// An index element's expression and what follows it (`desc`, an operator class).
fn split_element(element: &str) -> (&str, &str) {
    let element = element.trim();
    let mut depth = 0;
    for (at, c) in element.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            c if c.is_whitespace() && depth == 0 => {
                return (&element[..at], element[at..].trim());
            }
            _ => {}
        }
    }
    (element, "")
}

/// The names in an expression.
fn identifiers(expression: &str) -> Vec<&str> {
    tokens(expression)
        .into_iter()
        .filter_map(|(piece, is_name)| is_name.then_some(piece))
        .collect()
}

/// An expression cut into names (true) and everything between them (false).
fn tokens(expression: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_name = false;
    for (at, c) in expression.char_indices() {
        let name_char = c.is_ascii_lowercase() || c == '_' || (in_name && c.is_ascii_digit());
        if name_char != in_name {
            if at > start {
                out.push((&expression[start..at], in_name));
            }
            start = at;
            in_name = name_char;
        }
    }
    if start < expression.len() {
        out.push((&expression[start..], in_name));
    }
    out
}

/// Whether an index element needs no parentheses: a column name, or a function call.
fn is_plain(expression: &str) -> bool {
    let name_end = expression
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(expression.len());
    if name_end == expression.len() {
        return name_end > 0;
    }
    if name_end == 0 || !expression[name_end..].starts_with('(') || !expression.ends_with(')') {
        return false;
    }
    // The parenthesis after the name must close at the end.
    let mut depth = 0;
    for (at, c) in expression[name_end..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return name_end + at + 1 == expression.len();
                }
            }
            _ => {}
        }
    }
    false
}

/// `expression` in parentheses unless it is a plain name or call already.
fn wrapped(expression: &str) -> String {
    if is_plain(expression) {
        expression.to_string()
    } else {
        format!("({expression})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_dropped_from_expressions() {
        assert_eq!(
            unaliased("(lower(btrim(u_1.email)) = 'x'::text)", "u_1"),
            "(lower(btrim(email)) = 'x'::text)"
        );
        assert_eq!(unaliased("(u.id)::text", "u"), "(id)::text");
        // Only the alias, not a name that ends like it.
        assert_eq!(unaliased("menu.id = nu.id", "nu"), "menu.id = id");
    }

    #[test]
    fn filters_mention_whole_expressions() {
        assert!(mentions("(user_id = '1'::bigint)", "user_id"));
        assert!(!mentions("(user_id = '1'::bigint)", "id"));
        assert!(mentions("((id)::text = 'C-1'::text)", "(id)::text"));
    }

    #[test]
    fn index_elements_are_parenthesised_when_needed() {
        assert!(is_plain("user_id"));
        assert!(is_plain("lower(btrim(email))"));
        assert!(!is_plain("(id)::text"));
        assert!(!is_plain("lower(a) || lower(b)"));
        assert_eq!(wrapped("(id)::text"), "((id)::text)");
        assert_eq!(
            split_element(" lower(name) gin_trgm_ops"),
            ("lower(name)", "gin_trgm_ops")
        );
        assert_eq!(split_element("placed_at desc"), ("placed_at", "desc"));
        assert_eq!(identifiers("lower(name)"), vec!["lower", "name"]);
    }

    #[test]
    fn whole_reads_are_found_in_the_plan() {
        let plan: Value = serde_json::json!([{"Plan": {
            "Node Type": "Nested Loop",
            "Plans": [
                {"Node Type": "Seq Scan", "Schema": "public", "Relation Name": "orders",
                 "Alias": "o", "Filter": "(o.user_id = '1'::bigint)"},
                {"Node Type": "Index Scan", "Schema": "public", "Relation Name": "users",
                 "Alias": "u", "Index Name": "users_pkey", "Index Cond": "(u.id = o.user_id)"},
                {"Node Type": "Index Only Scan", "Schema": "public", "Relation Name": "users",
                 "Alias": "u_1", "Index Name": "users_pkey", "Filter": "((u_1.id)::text = 'C-1'::text)"}
            ]
        }}]);
        let reads = whole_reads(&plan);
        assert_eq!(reads.len(), 2);
        assert_eq!(reads[0].table, "public.orders");
        assert_eq!(reads[0].filter.as_deref(), Some("(user_id = '1'::bigint)"));
        assert_eq!(reads[0].index, None);
        assert_eq!(reads[1].index.as_deref(), Some("users_pkey"));
        assert_eq!(
            reads[1].filter.as_deref(),
            Some("((id)::text = 'C-1'::text)")
        );
    }
}
