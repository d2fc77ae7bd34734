//! The reference for `make bench`'s navigation timing: the plainest page that does Orderpane's
//! first job. A few lines of inline JavaScript keep the host's appContext, post the contact's
//! email and phone, and insert the HTML this server renders from the same store tables (the
//! customer and their newest orders). No framework, no wasm, no checks: a measuring
//! instrument, never a product path. The navigation benchmark frames it in the host simulator
//! beside Orderpane and times both the same way (`end2end/bench/navigation.mjs`).
//!
//! Usage: reference_panel --addr 127.0.0.1:3440 --url postgres://… [--schema orderpane_store]

use std::net::SocketAddr;

use anyhow::Context;
use axum::{extract::State, response::Html, routing::get, Json, Router};
use clap::Parser;
use serde_json::Value;
use sqlx::{postgres::PgPoolOptions, PgPool, Row};

#[derive(Parser)]
struct Args {
    /// Where to serve the page.
    #[arg(long, default_value = "127.0.0.1:3440")]
    addr: SocketAddr,
    /// The database holding the store (the demo store Orderpane serves in the same run).
    #[arg(long, env = "DATABASE_URL")]
    url: String,
    /// The store's schema.
    #[arg(long, default_value = "orderpane_store")]
    schema: String,
}

/// The page: its script sends the first appContext's contact keys and shows the answer.
const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Reference panel</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:12px}table{border-collapse:collapse;width:100%}td{padding:4px 6px;border-top:1px solid #ddd}</style>
<script>
addEventListener('message',function(e){
if(window.asked||e.source!==parent||typeof e.data!=='string')return;
var m;try{m=JSON.parse(e.data)}catch(x){return}
if(m.event!=='appContext')return;
window.asked=true;
var c=(m.data&&m.data.contact)||{};
fetch('/lookup',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({email:c.email||null,phone:c.phone_number||null})})
.then(function(r){return r.text()}).then(function(h){document.getElementById('panel').innerHTML=h});
});
</script></head>
<body><main id="panel"><p>Waiting for the helpdesk…</p></main></body></html>"#;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect(&args.url)
        .await
        .context("connecting to the store")?;
    let sql = LOOKUP_SQL.replace("{store}", &format!("\"{}\"", args.schema.replace('"', "")));
    let app = Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route("/lookup", axum::routing::post(lookup))
        .with_state((pool, sql));
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("binding {}", args.addr))?;
    eprintln!("reference panel on http://{}", args.addr);
    axum::serve(listener, app).await?;
    Ok(())
}

/// The customer with this email or phone and their newest 20 orders, in one statement.
const LOOKUP_SQL: &str = "
with customer as (
    select c.id, c.name, c.reference
    from {store}.customer_identities i join {store}.customers c on c.id = i.customer_id
    where (i.kind = 'email' and i.value = lower(btrim($1))) or (i.kind = 'phone' and i.value = $2)
    order by c.id limit 1)
select customer.name, customer.reference, o.number, o.status, o.currency, o.total_minor,
       to_char(o.placed_at, 'YYYY-MM-DD') as placed
from customer left join lateral (
    select * from {store}.orders o where o.customer_id = customer.id
    order by o.placed_at desc, o.id desc limit 20) o on true";

/// Renders the lookup's rows as the page's HTML.
async fn lookup(
    State((pool, sql)): State<(PgPool, String)>,
    Json(keys): Json<Value>,
) -> Html<String> {
    let text = |key: &str| keys.get(key).and_then(Value::as_str).map(str::to_owned);
    let rows = match sqlx::query(&sql)
        .bind(text("email"))
        .bind(text("phone"))
        .fetch_all(&pool)
        .await
    {
        Ok(rows) => rows,
        Err(error) => return Html(format!("<p>{}</p>", escape(&error.to_string()))),
    };
    let Some(first) = rows.first() else {
        return Html("<p>No customer matches this contact.</p>".into());
    };
    let mut html = format!(
        "<h2>{} <small>{}</small></h2><table>",
        escape(first.get("name")),
        escape(first.get("reference"))
    );
    for row in &rows {
        let Some(number) = row.get::<Option<String>, _>("number") else {
            continue;
        };
        let total = row.get::<i64, _>("total_minor");
        html.push_str(&format!(
            "<tr class=\"order\"><td>{}</td><td>{}</td><td>{} {}.{:02}</td><td>{}</td></tr>",
            escape(&number),
            escape(row.get("status")),
            escape(row.get("currency")),
            total / 100,
            total % 100,
            escape(row.get("placed")),
        ));
    }
    html.push_str("</table>");
    Html(html)
}

/// Text made safe inside HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
