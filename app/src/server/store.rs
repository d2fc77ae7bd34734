//! Where the store is read: the schema that holds the store contract's relations
//! (docs/store-contract.md), and whether Orderpane manages them or the store maps them.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::{fmt, str::FromStr};

/// The default store schema.
pub const DEFAULT_STORE_SCHEMA: &str = "orderpane_store";
/// Orderpane's own schema: the audit log and contact links. Fixed, so that its SQL is checked
/// at compile time.
pub const OWN_SCHEMA: &str = "orderpane";

/// Statements made from templates, by the template's address and length.
type Made = HashMap<(usize, usize), Arc<str>>;

/// The schema that holds the store contract's relations. Every store query names its
/// relations through it ([`StoreSchema::sql`]), schema-qualified: nothing of the shop's own
/// (`public.orders`, say) can be read by accident, whatever the connection's `search_path`.
#[derive(Clone)]
pub struct StoreSchema {
    name: Arc<str>,
    /// `"name"`, ready to go before a relation name.
    quoted: Arc<str>,
    /// The statements [`StoreSchema::cached_sql`] has made, by their template's address and
    /// length: the lookup's statement is 17 KB, and every lookup would otherwise copy it.
    made: Arc<RwLock<Made>>,
}

impl PartialEq for StoreSchema {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for StoreSchema {}

impl StoreSchema {
    /// A schema name: a plain lower-case Postgres identifier (letters, digits, underscores;
    /// not starting with a digit; at most 63 bytes), other than Orderpane's own schema and
    /// Postgres's.
    pub fn new(name: &str) -> Result<Self, String> {
        let plain = !name.is_empty()
            && name.len() <= 63
            && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !plain {
            return Err(format!(
                "the store schema {name:?} is not a plain lower-case name (letters a-z, digits \
                 and underscores, not starting with a digit, at most 63 characters)"
            ));
        }
        if name == OWN_SCHEMA || name.starts_with("pg_") || name == "information_schema" {
            return Err(format!(
                "the store schema cannot be {name:?}: that schema belongs to Orderpane or to \
                 Postgres"
            ));
        }
        Ok(Self {
            name: name.into(),
            quoted: format!("\"{name}\"").into(),
            made: Arc::default(),
        })
    }

    /// The schema's name, unquoted.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The schema's name quoted as an identifier.
    pub fn quoted(&self) -> &str {
        &self.quoted
    }

    /// `template` with every `{store}` replaced by this schema, quoted: `{store}.orders`
    /// becomes `"orderpane_store".orders`. The result is the same text for the same template,
    /// so the connection's prepared-statement cache serves it after the first use.
    pub fn sql(&self, template: &str) -> String {
        template.replace("{store}", &self.quoted)
    }

    /// [`StoreSchema::sql`] for a statement the program holds for its whole run, made once
    /// and shared afterwards: for the statements every lookup runs.
    pub fn cached_sql(&self, template: &'static str) -> Arc<str> {
        let key = (template.as_ptr() as usize, template.len());
        let made = self.made.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(sql) = made.get(&key) {
            return sql.clone();
        }
        drop(made);
        let sql: Arc<str> = self.sql(template).into();
        self.made
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key)
            .or_insert(sql)
            .clone()
    }
}

impl Default for StoreSchema {
    fn default() -> Self {
        Self::new(DEFAULT_STORE_SCHEMA).expect("the default store schema is a plain name")
    }
}

impl fmt::Debug for StoreSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl fmt::Display for StoreSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// Who provides the contract's relations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StoreMode {
    /// Orderpane creates them as tables (its migrations) and `server import` fills them.
    #[default]
    Managed,
    /// The shop defines them, usually as views over its own tables; Orderpane creates
    /// nothing in the store schema and reads them live.
    Mapped,
}

impl FromStr for StoreMode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "managed" => Ok(Self::Managed),
            "mapped" => Ok(Self::Mapped),
            other => Err(format!(
                "the store mode {other:?} is neither `managed` nor `mapped`"
            )),
        }
    }
}

impl fmt::Display for StoreMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Managed => "managed",
            Self::Mapped => "mapped",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_accepted_and_quoted() {
        let schema = StoreSchema::new("shop_2").unwrap();
        assert_eq!(
            schema.sql("select 1 from {store}.orders o"),
            "select 1 from \"shop_2\".orders o"
        );
        assert_eq!(StoreSchema::default().name(), "orderpane_store");
    }

    #[test]
    fn a_cached_statement_is_made_once_per_schema_and_reads_as_sql_makes_it() {
        const TEMPLATE: &str = "select 1 from {store}.orders o";
        let shop = StoreSchema::new("shop_2").unwrap();
        let first = shop.cached_sql(TEMPLATE);
        assert_eq!(&*first, shop.sql(TEMPLATE));
        assert!(Arc::ptr_eq(&first, &shop.cached_sql(TEMPLATE)));
        // A clone shares what was made; another schema makes its own.
        assert!(Arc::ptr_eq(&first, &shop.clone().cached_sql(TEMPLATE)));
        let other = StoreSchema::new("shop_3").unwrap();
        assert_eq!(
            &*other.cached_sql(TEMPLATE),
            "select 1 from \"shop_3\".orders o"
        );
        assert_eq!(other, StoreSchema::new("shop_3").unwrap());
        assert_ne!(other, shop);
        // A template that starts where another does is another statement.
        assert_eq!(
            &*shop.cached_sql(&TEMPLATE[..21]),
            "select 1 from \"shop_2\""
        );
    }

    #[test]
    fn names_that_need_quoting_or_are_reserved_are_refused() {
        for bad in [
            "",
            "Shop",
            "2shop",
            "shop-x",
            "a\"b",
            "orderpane",
            "pg_catalog",
            &"a".repeat(64),
        ] {
            assert!(StoreSchema::new(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn modes_read_case_insensitively() {
        assert_eq!("Mapped".parse::<StoreMode>(), Ok(StoreMode::Mapped));
        assert_eq!(" managed ".parse::<StoreMode>(), Ok(StoreMode::Managed));
        assert!("copy".parse::<StoreMode>().is_err());
    }
}
