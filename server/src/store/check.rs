//! `server store check`: whether the connected database serves Orderpane well. Each part is a
//! [`Section`] of findings; a blocking finding makes the command exit non-zero, and the
//! columns part also runs at start-up ([`columns`]), so a broken contract stops the server
//! with the same message instead of failing at the first agent's lookup.

use std::{collections::HashMap, fmt};

use app::server::store::StoreSchema;
use sqlx::PgPool;

use super::contract::{ColumnType, CONTRACT_VERSION, RELATIONS};
use crate::schema::StoreSettings;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// All is well.
    Ok,
    /// Works, but worse than it could (slow lookups, no live updates).
    Warning,
    /// Agents would see errors or wrong data: must be fixed.
    Blocking,
}

/// One thing the check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// What it is and, for a problem, how to fix it.
    pub text: String,
}

impl Finding {
    /// A finding that all is well.
    pub fn ok(text: impl Into<String>) -> Self {
        Self {
            severity: Severity::Ok,
            text: text.into(),
        }
    }

    /// A finding that works but should be fixed.
    pub fn warning(text: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            text: text.into(),
        }
    }

    /// A finding that must be fixed.
    pub fn blocking(text: impl Into<String>) -> Self {
        Self {
            severity: Severity::Blocking,
            text: text.into(),
        }
    }
}

/// One part of the check: a title and what it found.
#[derive(Debug, Clone)]
pub struct Section {
    /// What was checked.
    pub title: String,
    /// What was found, problems first.
    pub findings: Vec<Finding>,
}

impl Section {
    /// Whether something here must be fixed.
    pub fn blocks(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == Severity::Blocking)
    }

    /// `Ok` unless something blocks; the error lists every blocking finding.
    pub fn into_result(self) -> Result<(), String> {
        if !self.blocks() {
            return Ok(());
        }
        let problems: Vec<String> = self
            .findings
            .into_iter()
            .filter(|f| f.severity == Severity::Blocking)
            .map(|f| format!("  - {}", f.text))
            .collect();
        Err(format!(
            "{}: the store cannot be read (see docs/store-contract.md; `server store check` \
             reports everything):\n{}",
            self.title,
            problems.join("\n")
        ))
    }
}

/// The whole report.
#[derive(Debug, Clone)]
pub struct Report {
    /// Its parts, in the order they are printed.
    pub sections: Vec<Section>,
}

impl Report {
    /// Whether something must be fixed before agents use the panel.
    pub fn blocks(&self) -> bool {
        self.sections.iter().any(Section::blocks)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for section in &self.sections {
            writeln!(f, "{}", section.title)?;
            for finding in &section.findings {
                let mark = match finding.severity {
                    Severity::Ok => "ok  ",
                    Severity::Warning => "warn",
                    Severity::Blocking => "FAIL",
                };
                writeln!(f, "  [{mark}] {}", finding.text)?;
            }
            writeln!(f)?;
        }
        let verdict = if self.blocks() {
            "Blocked: fix the FAIL lines above before agents use the panel."
        } else if self
            .sections
            .iter()
            .flat_map(|s| &s.findings)
            .any(|f| f.severity == Severity::Warning)
        {
            "Usable: nothing blocks, but the warnings above make it slower or less live."
        } else {
            "Ready: the store serves Orderpane well."
        };
        writeln!(f, "{verdict}")
    }
}

/// Every part of the check, for `server store check`.
pub async fn full(pool: &PgPool, store: &StoreSettings) -> sqlx::Result<Report> {
    let columns = columns(pool, &store.schema).await?;
    let contract_ok = !columns.blocks();
    let mut sections = vec![columns];
    if contract_ok {
        sections.push(super::identities::sample(pool, &store.schema).await?);
        sections.push(super::indexes::check(pool, &store.schema).await?);
    }
    sections.push(super::notify::check(pool, store).await?);
    Ok(Report { sections })
}

/// A column as the database has it.
struct FoundColumn {
    relation: String,
    column: String,
    /// `pg_type.typname`.
    type_name: String,
    /// The type as Postgres would print it (`numeric(12,2)`).
    shown: String,
}

/// Every contract relation and column is present in the store schema with a type Orderpane
/// reads. Problems name the relation, the column, what was expected and what was found.
pub async fn columns(pool: &PgPool, schema: &StoreSchema) -> sqlx::Result<Section> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "select c.relname::text, a.attname::text, t.typname::text,
                format_type(a.atttypid, a.atttypmod)
           from pg_class c
           join pg_namespace n on n.oid = c.relnamespace
           join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
           join pg_type t on t.oid = a.atttypid
          where n.nspname = $1 and c.relkind in ('r', 'v', 'm', 'p', 'f')",
    )
    .bind(schema.name())
    .fetch_all(pool)
    .await?;
    let found: Vec<FoundColumn> = rows
        .into_iter()
        .map(|(relation, column, type_name, shown)| FoundColumn {
            relation,
            column,
            type_name,
            shown,
        })
        .collect();
    Ok(compare(schema, &found))
}

fn compare(schema: &StoreSchema, found: &[FoundColumn]) -> Section {
    let mut by_relation: HashMap<&str, HashMap<&str, &FoundColumn>> = HashMap::new();
    for column in found {
        by_relation
            .entry(&column.relation)
            .or_default()
            .insert(&column.column, column);
    }
    let mut findings = Vec::new();
    for relation in RELATIONS {
        let Some(columns) = by_relation.get(relation.name) else {
            findings.push(Finding::blocking(format!(
                "{schema}.{}: missing (a table or view of {}: see docs/store-contract.md)",
                relation.name, relation.meaning
            )));
            continue;
        };
        let mut relation_ok = true;
        for wanted in relation.columns {
            match columns.get(wanted.name) {
                None => {
                    relation_ok = false;
                    let since = if wanted.since > 1 {
                        format!(" (needed since contract {})", wanted.since)
                    } else {
                        String::new()
                    };
                    findings.push(Finding::blocking(format!(
                        "{schema}.{}.{}: missing; expected {}{since}",
                        relation.name,
                        wanted.name,
                        expected(wanted.kind)
                    )));
                }
                Some(column) if !wanted.kind.accepts().contains(&column.type_name.as_str()) => {
                    relation_ok = false;
                    findings.push(Finding::blocking(format!(
                        "{schema}.{}.{}: expected {}, found {} (cast it in the view: `{}::{}`)",
                        relation.name,
                        wanted.name,
                        expected(wanted.kind),
                        column.shown,
                        wanted.name,
                        wanted.kind.name()
                    )));
                }
                Some(_) => {}
            }
        }
        if relation_ok {
            findings.push(Finding::ok(format!(
                "{schema}.{}: {} columns as the contract says",
                relation.name,
                relation.columns.len()
            )));
        }
    }
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    Section {
        title: format!("Store contract {CONTRACT_VERSION} in schema `{schema}`"),
        findings,
    }
}

fn expected(kind: ColumnType) -> String {
    match kind.accepts() {
        [one] if *one == kind.name() => kind.name().to_string(),
        _ if kind == ColumnType::Text => "text (or varchar, char)".to_string(),
        _ => kind.name().to_string(),
    }
}
