//! From a record to staging rows: every check the store's constraints would make is made
//! here, in Rust, so that a bad line is reported with its file and line (and can be skipped)
//! instead of failing a whole batch in the database.

use std::collections::HashSet;

use app::server::phone::with_default_region;
use orderpane::contact_keys::{normalize_email, ContactKeys};

use super::{copy_text::CopyRow, entity::Entity, money, record::Record};

/// Where a line came from, and how to read what needs a setting (national phones).
pub struct LineContext<'a> {
    /// The file's position among the inputs (0-based).
    pub file_no: usize,
    /// The line (JSON Lines) or record (CSV, counting the header as line 1) number.
    pub line_no: u64,
    /// `--phone-region`, for phones in national form.
    pub phone_region: Option<&'a str>,
}

/// The staging rows one line makes, per entity (an order with items makes rows of both).
/// Reused from line to line; only moved into the batches when the whole line is good.
#[derive(Default)]
pub struct LineRows {
    /// COPY text per entity, indexed like [`Entity::ALL`].
    pub text: [String; 9],
    /// Rows per entity.
    pub rows: [u64; 9],
}

impl LineRows {
    /// Empties it for the next line.
    pub fn clear(&mut self) {
        for text in &mut self.text {
            text.clear();
        }
        self.rows = [0; 9];
    }

    /// A new row of `entity`, starting with the line's position (every staging table does).
    fn row(&mut self, entity: Entity, line: &LineContext) -> CopyRow<'_> {
        let index = index_of(entity);
        self.rows[index] += 1;
        let mut row = CopyRow::new(&mut self.text[index]);
        row.int(line.file_no as i64).int(line.line_no as i64);
        row
    }
}

/// The position of `entity` in [`Entity::ALL`].
pub fn index_of(entity: Entity) -> usize {
    Entity::ALL
        .iter()
        .position(|e| *e == entity)
        .expect("every entity is listed")
}

const ORDER_STATUSES: &[&str] = &[
    "pending",
    "processing",
    "shipped",
    "delivered",
    "cancelled",
    "refunded",
];
const INVOICE_STATUSES: &[&str] = &["draft", "open", "paid", "void", "uncollectible"];
const PAYMENT_STATUSES: &[&str] = &["pending", "succeeded", "failed"];
const SUBSCRIPTION_STATUSES: &[&str] = &["trialing", "active", "past_due", "paused", "cancelled"];
const INTERVALS: &[&str] = &["week", "month", "year"];

/// Reads one record of `entity` into `out`; the error is the reason the line is bad.
pub fn stage(
    entity: Entity,
    mut record: Record,
    line: &LineContext,
    out: &mut LineRows,
) -> Result<(), String> {
    match entity {
        Entity::Customers => customer(&record, line, out),
        Entity::Orders => order(&mut record, line, out),
        Entity::OrderItems => {
            let order = record.text("order")?;
            let currency = record
                .opt_text("currency")?
                .map(|c| money::currency(&c))
                .transpose()?;
            item(&record, &order, None, currency.as_deref(), line, out)
        }
        Entity::Shipments => {
            let order = record.text("order")?;
            shipment(&record, &order, None, line, out).map(|_| ())
        }
        Entity::Invoices => invoice(&record, line, out),
        Entity::Payments => payment(&record, line, out),
        Entity::Refunds => refund(&record, line, out),
        Entity::Subscriptions => subscription(&record, line, out),
        Entity::CustomerIdentities => {
            Err("identities are read inside customer records (emails, phones, external_ids)".into())
        }
    }
}

/// An email as the panel looks it up: trimmed and lower-cased.
pub fn email(raw: &str) -> Result<String, String> {
    normalize_email(raw).ok_or_else(|| format!("email {raw:?} is not an email address"))
}

/// A phone as the panel looks it up: international forms reduced to E.164, national forms
/// read in `region` (exactly `ContactKeys` + `with_default_region`, as for a contact).
pub fn phone(raw: &str, region: Option<&str>) -> Result<String, String> {
    let keys = with_default_region(ContactKeys::from_raw(None, None, Some(raw)), region);
    match keys.phone {
        Some(phone) if is_e164(&phone) => Ok(phone),
        _ => {
            let national = ContactKeys::from_raw(None, None, Some(raw)).phone_national;
            Err(match (national, region) {
                (Some(_), None) => format!(
                    "phone {raw:?} is in national form: give --phone-region (like DE) to read it"
                ),
                (Some(_), Some(region)) => {
                    format!("phone {raw:?} is not a valid phone number in region {region}")
                }
                (None, _) => format!("phone {raw:?} is not a phone number"),
            })
        }
    }
}

/// What the store's `phone_is_e164` check accepts: `+`, a non-zero digit, up to 15 digits.
fn is_e164(phone: &str) -> bool {
    let Some(digits) = phone.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit())
}

fn customer(record: &Record, line: &LineContext, out: &mut LineRows) -> Result<(), String> {
    let reference = record.text("reference")?;
    let name = record.text("name")?;
    // Collect first: a bad identity makes the whole line bad, before any row is staged.
    let mut identities: Vec<(&str, String)> = Vec::new();
    for field in ["emails", "email"] {
        for raw in record.texts(field)? {
            identities.push(("email", email(&raw)?));
        }
    }
    for field in ["phones", "phone"] {
        for raw in record.texts(field)? {
            identities.push(("phone", phone(&raw, line.phone_region)?));
        }
    }
    for field in ["external_ids", "external_id"] {
        for raw in record.texts(field)? {
            identities.push(("external_id", raw.trim().to_owned()));
        }
    }
    out.row(Entity::Customers, line)
        .text(&reference)
        .text(&name)
        .end();
    let mut seen = HashSet::new();
    for (kind, value) in identities {
        if seen.insert((kind, value.clone())) {
            out.row(Entity::CustomerIdentities, line)
                .text(&reference)
                .text(kind)
                .text(&value)
                .end();
        }
    }
    Ok(())
}

fn order(record: &mut Record, line: &LineContext, out: &mut LineRows) -> Result<(), String> {
    let number = record.text("number")?;
    let customer = record.text("customer")?;
    let status = record.choice("status", ORDER_STATUSES)?;
    let currency = money::currency(&record.text("currency")?)?;
    let total = record.amount("total", &currency)?;
    let placed_at = record.time("placed_at")?;
    let shipping_address = record.opt_text("shipping_address")?;
    let items = record.take_records("items")?;
    let shipments = record.take_records("shipments")?;
    out.row(Entity::Orders, line)
        .text(&number)
        .text(&customer)
        .text(&status)
        .text(&currency)
        .int(total)
        .text(&placed_at)
        .opt_text(shipping_address.as_deref())
        .end();
    let mut ids = HashSet::new();
    for (index, item_record) in items.iter().enumerate() {
        let position = index + 1;
        let id = item_id(
            item_record,
            &number,
            Some(position),
            Some(&currency),
            line,
            out,
        )
        .map_err(|reason| format!("items[{position}]: {reason}"))?;
        if !ids.insert(id.clone()) {
            return Err(format!(
                "items[{position}]: external_id {id:?} is used twice"
            ));
        }
    }
    ids.clear();
    for (index, shipment_record) in shipments.iter().enumerate() {
        let position = index + 1;
        let id = shipment(shipment_record, &number, Some(position), line, out)
            .map_err(|reason| format!("shipments[{position}]: {reason}"))?;
        if !ids.insert(id.clone()) {
            return Err(format!(
                "shipments[{position}]: external_id {id:?} is used twice"
            ));
        }
    }
    Ok(())
}

/// An order item from its own line (see [`item_id`]).
fn item(
    record: &Record,
    order: &str,
    position: Option<usize>,
    currency: Option<&str>,
    line: &LineContext,
    out: &mut LineRows,
) -> Result<(), String> {
    item_id(record, order, position, currency, line, out).map(|_| ())
}

/// An order item; nested ones default their external id to their position and take the
/// order's currency, separate ones must name their external id (and a currency only when
/// the price is a decimal, checked against the order's). Returns the external id.
fn item_id(
    record: &Record,
    order: &str,
    position: Option<usize>,
    currency: Option<&str>,
    line: &LineContext,
    out: &mut LineRows,
) -> Result<String, String> {
    let external_id = external_id(record, position)?;
    let sku = record.text("sku")?;
    let name = record.text("name")?;
    let quantity = record
        .opt_int("quantity")?
        .ok_or_else(|| "quantity is missing".to_owned())?;
    if quantity <= 0 || quantity > i64::from(i32::MAX) {
        return Err(format!(
            "quantity {quantity} must be a positive whole number"
        ));
    }
    let unit_price = match currency {
        Some(currency) => record.amount("unit_price", currency)?,
        None if record.has("unit_price") => {
            return Err(
                "unit_price as a decimal needs the order's currency on the line (or give \
                        unit_price_minor)"
                    .into(),
            )
        }
        None => record.amount("unit_price", "XXX")?,
    };
    out.row(Entity::OrderItems, line)
        .text(order)
        .text(&external_id)
        .text(&sku)
        .text(&name)
        .int(quantity)
        .int(unit_price)
        // A nested item's currency is the order's by construction: nothing to check.
        .opt_text(if position.is_some() { None } else { currency })
        .end();
    Ok(external_id)
}

/// `external_id` (or `id`), defaulting to the 1-based position inside an order.
fn external_id(record: &Record, position: Option<usize>) -> Result<String, String> {
    match (record.text_of(&["external_id", "id"])?, position) {
        (Some(id), _) => Ok(id),
        (None, Some(position)) => Ok(position.to_string()),
        (None, None) => {
            Err("external_id is missing (it is what a second import updates by)".into())
        }
    }
}

fn shipment(
    record: &Record,
    order: &str,
    position: Option<usize>,
    line: &LineContext,
    out: &mut LineRows,
) -> Result<String, String> {
    let external_id = external_id(record, position)?;
    let carrier = record.text("carrier")?;
    let tracking_number = record.text("tracking_number")?;
    let tracking_url = record.opt_text("tracking_url")?;
    let shipped_at = record.time("shipped_at")?;
    let delivered_at = record.opt_time("delivered_at")?;
    out.row(Entity::Shipments, line)
        .text(order)
        .text(&external_id)
        .text(&carrier)
        .text(&tracking_number)
        .opt_text(tracking_url.as_deref())
        .text(&shipped_at)
        .opt_text(delivered_at.as_deref())
        .end();
    Ok(external_id)
}

fn invoice(record: &Record, line: &LineContext, out: &mut LineRows) -> Result<(), String> {
    let number = record.text("number")?;
    let customer = record.text("customer")?;
    let order = record.opt_text("order")?;
    let status = record.choice("status", INVOICE_STATUSES)?;
    let currency = money::currency(&record.text("currency")?)?;
    let amount_due = record.amount("amount_due", &currency)?;
    let amount_paid = match record.opt_amount("amount_paid", &currency)? {
        Some(paid) if paid < 0 => return Err("amount_paid must not be negative".into()),
        paid => paid.unwrap_or(0),
    };
    let issued_at = record.time("issued_at")?;
    let due_at = record.opt_time("due_at")?;
    let pdf_url = record.opt_text("pdf_url")?;
    out.row(Entity::Invoices, line)
        .text(&number)
        .text(&customer)
        .opt_text(order.as_deref())
        .text(&status)
        .text(&currency)
        .int(amount_due)
        .int(amount_paid)
        .text(&issued_at)
        .opt_text(due_at.as_deref())
        .opt_text(pdf_url.as_deref())
        .end();
    Ok(())
}

/// The provider's id of a payment, refund or subscription: `id` or `external_id`.
fn provider_id(record: &Record) -> Result<String, String> {
    record
        .text_of(&["id", "external_id"])?
        .ok_or_else(|| "id is missing (it is what a second import updates by)".into())
}

fn payment(record: &Record, line: &LineContext, out: &mut LineRows) -> Result<(), String> {
    let id = provider_id(record)?;
    let customer = record.text("customer")?;
    let order = record.opt_text("order")?;
    let invoice = record.opt_text("invoice")?;
    let currency = money::currency(&record.text("currency")?)?;
    let amount = record.amount("amount", &currency)?;
    let method = record.text("method")?;
    let card_brand = record.opt_text("card_brand")?;
    let card_last4 = record.opt_text("card_last4")?;
    if let Some(last4) = &card_last4 {
        if last4.len() != 4 || !last4.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("card_last4 {last4:?} is not four digits"));
        }
    }
    let status = record.choice("status", PAYMENT_STATUSES)?;
    let failure_reason = record.opt_text("failure_reason")?;
    let attempted_at = record.time("attempted_at")?;
    out.row(Entity::Payments, line)
        .text(&id)
        .text(&customer)
        .opt_text(order.as_deref())
        .opt_text(invoice.as_deref())
        .text(&currency)
        .int(amount)
        .text(&method)
        .opt_text(card_brand.as_deref())
        .opt_text(card_last4.as_deref())
        .text(&status)
        .opt_text(failure_reason.as_deref())
        .text(&attempted_at)
        .end();
    Ok(())
}

fn refund(record: &Record, line: &LineContext, out: &mut LineRows) -> Result<(), String> {
    let id = provider_id(record)?;
    let customer = record.text("customer")?;
    let order = record.opt_text("order")?;
    let payment = record.opt_text("payment")?;
    let currency = money::currency(&record.text("currency")?)?;
    let amount = record.amount("amount", &currency)?;
    if amount == 0 {
        return Err("amount of a refund must be more than zero".into());
    }
    let reason = record.text("reason")?;
    let status = record.choice("status", PAYMENT_STATUSES)?;
    let refunded_at = record.time("refunded_at")?;
    out.row(Entity::Refunds, line)
        .text(&id)
        .text(&customer)
        .opt_text(order.as_deref())
        .opt_text(payment.as_deref())
        .text(&currency)
        .int(amount)
        .text(&reason)
        .text(&status)
        .text(&refunded_at)
        .end();
    Ok(())
}

fn subscription(record: &Record, line: &LineContext, out: &mut LineRows) -> Result<(), String> {
    let id = provider_id(record)?;
    let customer = record.text("customer")?;
    let plan = record.text("plan")?;
    let status = record.choice("status", SUBSCRIPTION_STATUSES)?;
    let currency = money::currency(&record.text("currency")?)?;
    let amount = record.amount("amount", &currency)?;
    let interval = record.choice("billing_interval", INTERVALS)?;
    let started_at = record.time("started_at")?;
    let current_period_end = record.opt_time("current_period_end")?;
    let cancel_at = record.opt_time("cancel_at")?;
    out.row(Entity::Subscriptions, line)
        .text(&id)
        .text(&customer)
        .text(&plan)
        .text(&status)
        .text(&currency)
        .int(amount)
        .text(&interval)
        .text(&started_at)
        .opt_text(current_period_end.as_deref())
        .opt_text(cancel_at.as_deref())
        .end();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_are_read_as_the_panel_reads_them() {
        assert_eq!(
            email("  Jane.Doe@Example.COM "),
            Ok("jane.doe@example.com".into())
        );
        assert_eq!(
            phone("0221 1234567", Some("DE")),
            Ok("+492211234567".into())
        );
        assert_eq!(phone("+49 221 1234567", None), Ok("+492211234567".into()));
        assert!(phone("0221 1234567", None)
            .unwrap_err()
            .contains("--phone-region"));
        assert!(phone("+0123456789", None).is_err());
        assert!(email("nobody").is_err());
    }
}
