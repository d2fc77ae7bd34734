//! The server's connections: set up to plan once and with the lookup's statements prepared.

mod common;

use sqlx::PgPool;

/// A connection of the server's pool, made with the server's options, to `pool`'s database.
async fn server_connection(pool: &PgPool) -> sqlx::pool::PoolConnection<sqlx::Postgres> {
    let server_pool = server::db_pool::options(2, common::store())
        .connect_with((*pool.connect_options()).clone())
        .await
        .expect("the server's pool connects");
    server_pool.acquire().await.expect("a connection")
}

/// The statements a connection holds prepared (sqlx prepares at the protocol level).
async fn prepared(conn: &mut sqlx::PgConnection) -> Vec<String> {
    sqlx::query_scalar("select statement from pg_prepared_statements")
        .fetch_all(conn)
        .await
        .expect("prepared statements")
}

#[sqlx::test(migrations = false)]
async fn a_new_connection_plans_once_and_has_the_lookups_statements_ready(pool: PgPool) {
    common::migrate(&pool).await;
    let mut conn = server_connection(&pool).await;
    let mode: String = sqlx::query_scalar("show plan_cache_mode")
        .fetch_one(&mut *conn)
        .await
        .expect("plan_cache_mode");
    assert_eq!(mode, "force_generic_plan");
    let statements = prepared(&mut conn).await;
    for (what, text) in [
        ("the matching customers", "contact_links"),
        ("the shown customer", "order_page"),
        ("the mentioned orders", "number as mentioned"),
    ] {
        assert!(
            statements.iter().any(|s| s.contains(text)),
            "{what} are not prepared: {statements:#?}"
        );
    }
}

#[sqlx::test(migrations = false)]
async fn a_database_without_the_store_yet_still_gives_usable_connections(pool: PgPool) {
    // Before the first migration the lookup's relations are missing: the server must still
    // connect (it migrates through this pool), and the connection must still work.
    let mut conn = server_connection(&pool).await;
    let one: i32 = sqlx::query_scalar("select 1")
        .fetch_one(&mut *conn)
        .await
        .expect("the connection works");
    assert_eq!(one, 1);
    assert!(prepared(&mut conn)
        .await
        .iter()
        .all(|s| !s.contains("order_page")));
}
