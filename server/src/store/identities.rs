//! A sample of the store's identities, read as the panel reads a contact: an email or phone
//! stored in another form than the panel looks up by is a customer agents never find.

use app::server::store::StoreSchema;
use orderpane::contact_keys::{normalize_email, normalize_international_phone};
use sqlx::PgPool;

use super::check::{Finding, Section};

/// How many identities the sample reads.
pub const SAMPLE_SIZE: i64 = 1000;
/// How many examples of each problem the report shows.
const EXAMPLES: usize = 3;

/// Reads up to [`SAMPLE_SIZE`] identities and reports those the panel's lookup would miss:
/// an email that is not trimmed lower case, a phone that is not E.164, an unknown kind.
pub async fn sample(pool: &PgPool, schema: &StoreSchema) -> sqlx::Result<Section> {
    let rows: Vec<(String, String)> =
        sqlx::query_as(&schema.sql("select kind, value from {store}.customer_identities limit $1"))
            .bind(SAMPLE_SIZE)
            .fetch_all(pool)
            .await?;
    Ok(judge(schema, &rows))
}

fn judge(schema: &StoreSchema, rows: &[(String, String)]) -> Section {
    let mut emails = Vec::new();
    let mut phones = Vec::new();
    let mut kinds = Vec::new();
    for (kind, value) in rows {
        match kind.as_str() {
            "email" if normalize_email(value).as_deref() != Some(value) => emails.push(value),
            "phone" if normalize_international_phone(value).as_deref() != Some(value) => {
                phones.push(value)
            }
            "email" | "phone" => {}
            "external_id" if value.trim() != value || value.is_empty() => kinds.push(value),
            "external_id" => {}
            _ => kinds.push(kind),
        }
    }
    let mut findings = Vec::new();
    let examples = |values: &[&String]| {
        values
            .iter()
            .take(EXAMPLES)
            .map(|v| format!("{v:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !emails.is_empty() {
        findings.push(Finding::blocking(format!(
            "{schema}.customer_identities: {} of {} sampled emails are not trimmed lower case \
             (e.g. {}); the panel looks up `lower(btrim(email))`: normalise them in the view \
             or the import",
            emails.len(),
            rows.len(),
            examples(&emails)
        )));
    }
    if !phones.is_empty() {
        findings.push(Finding::blocking(format!(
            "{schema}.customer_identities: {} of {} sampled phones are not E.164 (e.g. {}); \
             the panel looks up `+` and digits only: normalise them in the view or import \
             with --phone-region",
            phones.len(),
            rows.len(),
            examples(&phones)
        )));
    }
    if !kinds.is_empty() {
        findings.push(Finding::warning(format!(
            "{schema}.customer_identities: {} sampled rows have a kind other than email, \
             phone or external_id, or an external id with spaces around it (e.g. {}); they \
             are never matched",
            kinds.len(),
            examples(&kinds)
        )));
    }
    if findings.is_empty() {
        findings.push(Finding::ok(format!(
            "{} sampled identities are in the form the panel looks up by",
            rows.len()
        )));
    }
    Section {
        title: "Customer identities (a sample)".into(),
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn normalised_identities_pass() {
        let section = judge(
            &StoreSchema::default(),
            &rows(&[
                ("email", "jane@example.com"),
                ("phone", "+4915112345678"),
                ("external_id", "X-1"),
            ]),
        );
        assert!(!section.blocks(), "{section:?}");
    }

    #[test]
    fn mixed_case_emails_and_national_phones_block() {
        let section = judge(
            &StoreSchema::default(),
            &rows(&[("email", "Jane@Example.com"), ("phone", "0151 12345678")]),
        );
        assert!(section.blocks());
        let text: Vec<&str> = section.findings.iter().map(|f| f.text.as_str()).collect();
        assert!(text[0].contains("\"Jane@Example.com\""), "{text:?}");
        assert!(text[1].contains("\"0151 12345678\""), "{text:?}");
    }
}
