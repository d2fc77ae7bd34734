//! Customer search and links as they travel: what an agent searched for, what was found,
//! and what linking a customer to a helpdesk contact did.

use serde::{Deserialize, Serialize};

use super::panel::CustomerMatch;

/// The shortest search, in characters (one letter would list half the store).
pub const MIN_QUERY_CHARS: usize = 2;
/// The longest search, in characters.
pub const MAX_QUERY_CHARS: usize = 100;
/// The most customers one search returns.
pub const MAX_RESULTS: usize = 20;
/// The contact custom attribute a link is written to when the install names none.
pub const DEFAULT_CUSTOMER_FIELD: &str = "orderpane_customer";
/// The longest helpdesk contact id kept (the column's limit too).
pub const MAX_CONTACT_ID_CHARS: usize = 200;

/// What a search result matched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SearchBasis {
    /// The store's customer number, exactly.
    Reference,
    /// One of the customer's order numbers, exactly.
    OrderNumber,
    /// One of the customer's invoice numbers, exactly.
    InvoiceNumber,
    /// One of the customer's email addresses, exactly.
    Email,
    /// One of the customer's phone numbers (read as E.164 with the install's region).
    Phone,
    /// One of the customer's email addresses starts with the search.
    EmailPrefix,
    /// The customer's name contains the search (case-insensitively).
    Name,
}

impl SearchBasis {
    /// The words shown to the agent before the matched value.
    pub fn label(self) -> &'static str {
        match self {
            SearchBasis::Reference => "customer number",
            SearchBasis::OrderNumber => "order",
            SearchBasis::InvoiceNumber => "invoice",
            SearchBasis::Email | SearchBasis::EmailPrefix => "email",
            SearchBasis::Phone => "phone",
            SearchBasis::Name => "name",
        }
    }
}

/// One customer a search found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The customer's database id (what a link names).
    pub id: i64,
    /// The store's own customer number.
    pub reference: String,
    /// The customer's name.
    pub name: String,
    /// The strongest thing that matched.
    pub basis: SearchBasis,
    /// The value that matched (the email, order number, …), to show the agent why.
    pub matched: String,
}

/// What a search found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    /// At most [`MAX_RESULTS`] customers, strongest match first, then by name.
    pub hits: Vec<SearchHit>,
    /// True when there were more: the agent should type more to narrow it down.
    pub more: bool,
}

/// Whether the link reached the helpdesk's own contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WriteBack {
    /// This host or install has no helpdesk API to write to (Lime Connect, or no API token):
    /// the link is kept in Orderpane only.
    NotAvailable,
    /// The contact's custom attribute `field` now says it (or, after unlinking, no longer).
    Written {
        /// The custom attribute's key.
        field: String,
    },
    /// Unlinking left the custom attribute alone: it did not name that customer (any more).
    LeftAlone {
        /// The custom attribute's key.
        field: String,
    },
    /// The helpdesk refused or did not answer; the link in Orderpane stands.
    Failed {
        /// The custom attribute's key.
        field: String,
    },
}

impl WriteBack {
    /// A line for the agent when something did not reach the helpdesk, else `None`.
    pub fn problem(&self) -> Option<String> {
        match self {
            WriteBack::Failed { field } => Some(format!(
                "The helpdesk did not accept the change to the contact's \"{field}\" attribute, \
                 so only Orderpane knows it. It still works here; an admin can set the attribute \
                 by hand."
            )),
            _ => None,
        }
    }
}

/// What linking did. Read through a JSON value (see [`super::wire`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct LinkOutcome {
    /// The customer now linked to the contact (basis `Linked`).
    pub customer: CustomerMatch,
    /// Whether the helpdesk's contact says so too.
    pub write_back: WriteBack,
}

/// What unlinking did. Read through a JSON value (see [`super::wire`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct UnlinkOutcome {
    /// False when the contact was not linked to that customer (already undone elsewhere).
    pub unlinked: bool,
    /// Whether the helpdesk's contact was cleared too.
    pub write_back: WriteBack,
}

impl TryFrom<serde_json::Value> for LinkOutcome {
    type Error = super::wire::WireError;

    fn try_from(value: serde_json::Value) -> Result<Self, Self::Error> {
        use super::panel::MatchBasis;
        use super::wire::{field, number, text, variant};

        let customer = field(&value, "customer")?;
        let basis = match variant(field(customer, "basis")?)?.0 {
            "Linked" => MatchBasis::Linked,
            "ExternalId" => MatchBasis::ExternalId,
            "Email" => MatchBasis::Email,
            "Phone" => MatchBasis::Phone,
            other => return Err(format!("unknown match basis `{other}`")),
        };
        Ok(Self {
            customer: CustomerMatch {
                id: number(customer, "id")?,
                reference: text(customer, "reference")?,
                name: text(customer, "name")?,
                basis,
            },
            write_back: write_back_of(&value)?,
        })
    }
}

impl TryFrom<serde_json::Value> for UnlinkOutcome {
    type Error = super::wire::WireError;

    fn try_from(value: serde_json::Value) -> Result<Self, Self::Error> {
        Ok(Self {
            unlinked: super::wire::flag(&value, "unlinked")?,
            write_back: write_back_of(&value)?,
        })
    }
}

/// The `write_back` of an outcome.
fn write_back_of(outcome: &serde_json::Value) -> Result<WriteBack, super::wire::WireError> {
    use super::wire::{field, text, variant};

    let (name, content) = variant(field(outcome, "write_back")?)?;
    let field = || text(content, "field");
    Ok(match name {
        "NotAvailable" => WriteBack::NotAvailable,
        "Written" => WriteBack::Written { field: field()? },
        "LeftAlone" => WriteBack::LeftAlone { field: field()? },
        "Failed" => WriteBack::Failed { field: field()? },
        other => return Err(format!("unknown write-back `{other}`")),
    })
}

/// The search as it will run, or the reason it cannot, in words for the agent.
pub fn checked_query(query: &str) -> Result<&str, String> {
    let query = query.trim();
    let chars = query.chars().count();
    if chars < MIN_QUERY_CHARS {
        return Err(format!(
            "Type at least {MIN_QUERY_CHARS} characters: an email, phone, name, customer, order or invoice number."
        ));
    }
    if chars > MAX_QUERY_CHARS {
        return Err(format!(
            "A search can be at most {MAX_QUERY_CHARS} characters long."
        ));
    }
    if query.chars().any(char::is_control) {
        return Err("The search contains control characters; type it again.".into());
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_trimmed_and_bounded() {
        assert_eq!(checked_query("  jane  "), Ok("jane"));
        assert_eq!(checked_query("ab"), Ok("ab"));
        assert!(checked_query(" a ").unwrap_err().contains("at least 2"));
        assert!(checked_query("").is_err());
        let longest = "é".repeat(MAX_QUERY_CHARS);
        assert_eq!(checked_query(&longest), Ok(longest.as_str()));
        let too_long = "x".repeat(MAX_QUERY_CHARS + 1);
        assert!(checked_query(&too_long)
            .unwrap_err()
            .contains("at most 100"));
        assert!(checked_query("ja\u{0}ne").is_err());
    }

    #[test]
    fn outcomes_read_back_as_they_were_written() {
        use super::super::panel::MatchBasis;

        let field = || "store_customer_id".to_string();
        let write_backs = [
            WriteBack::NotAvailable,
            WriteBack::Written { field: field() },
            WriteBack::LeftAlone { field: field() },
            WriteBack::Failed { field: field() },
        ];
        let bases = [
            MatchBasis::Linked,
            MatchBasis::ExternalId,
            MatchBasis::Email,
            MatchBasis::Phone,
        ];
        for (write_back, basis) in write_backs.into_iter().zip(bases) {
            let link = LinkOutcome {
                customer: CustomerMatch {
                    id: 42,
                    reference: "C-1001".into(),
                    name: "Jane Doe".into(),
                    basis,
                },
                write_back: write_back.clone(),
            };
            let json = serde_json::to_string(&link).unwrap();
            assert_eq!(serde_json::from_str::<LinkOutcome>(&json).unwrap(), link);
            for unlinked in [true, false] {
                let unlink = UnlinkOutcome {
                    unlinked,
                    write_back: write_back.clone(),
                };
                let json = serde_json::to_string(&unlink).unwrap();
                assert_eq!(
                    serde_json::from_str::<UnlinkOutcome>(&json).unwrap(),
                    unlink
                );
            }
        }
    }

    #[test]
    fn outcomes_the_derived_reader_would_refuse_are_refused() {
        let unlink = |json: &str| serde_json::from_str::<UnlinkOutcome>(json);
        assert!(unlink(r#"{"unlinked":true,"write_back":"NotAvailable"}"#).is_ok());
        assert!(unlink(r#"{"unlinked":true,"write_back":"Sometimes"}"#).is_err());
        assert!(unlink(r#"{"unlinked":true,"write_back":{"Written":{}}}"#).is_err());
        assert!(unlink(r#"{"unlinked":"yes","write_back":"NotAvailable"}"#).is_err());
        assert!(unlink(r#"{"write_back":"NotAvailable"}"#).is_err());
        let customer = r#"{"id":1,"reference":"C-1","name":"J","basis":"Guess"}"#;
        let link = format!(r#"{{"customer":{customer},"write_back":"NotAvailable"}}"#);
        assert!(serde_json::from_str::<LinkOutcome>(&link).is_err());
    }

    #[test]
    fn only_a_failed_write_back_is_a_problem() {
        let field = || "store_customer_id".to_string();
        assert!(WriteBack::Failed { field: field() }
            .problem()
            .is_some_and(|text| text.contains("store_customer_id")));
        for fine in [
            WriteBack::NotAvailable,
            WriteBack::Written { field: field() },
            WriteBack::LeftAlone { field: field() },
        ] {
            assert_eq!(fine.problem(), None);
        }
    }
}
