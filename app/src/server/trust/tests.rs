use super::*;
use orderpane::host::HostKind;

const KEY_A: &str = "secret-of-install-a-0123456789";
const KEY_B: &str = "secret-of-install-b-0123456789";

fn install(name: &str, secret: &str) -> Install {
    Install::new(
        name,
        HostKind::Chatwoot,
        &format!("https://{name}.example"),
        Secret::new(secret),
    )
}

fn trust() -> Trust {
    Trust::new(
        vec![install("a", KEY_A), install("b", KEY_B)],
        Secret::new("server-session-key-0123456789-abcdef"),
    )
    .expect("valid")
}

#[test]
fn the_right_key_opens_a_page_whose_session_authorizes() {
    let trust = trust();
    let page = trust.open_page(Some("a"), Some(KEY_A)).expect("opens");
    assert_eq!(page.install.name, "a");
    let session = trust.authorize("a", &page.token).expect("authorizes");
    assert_eq!(session.install.host_origin, "https://a.example");
}

#[test]
fn a_missing_wrong_or_foreign_key_opens_nothing() {
    let trust = trust();
    for (install, key) in [
        (None, Some(KEY_A)),
        (Some("a"), None),
        (Some("a"), Some("wrong")),
        (Some("a"), Some(KEY_B)),
        (Some("c"), Some(KEY_A)),
        (Some("a"), Some("")),
    ] {
        assert_eq!(
            trust.open_page(install, key).unwrap_err(),
            TrustError::BadInstallKey,
            "{install:?} {key:?}"
        );
    }
}

#[test]
fn a_session_of_install_a_is_refused_for_install_b() {
    let trust = trust();
    let page = trust.open_page(Some("a"), Some(KEY_A)).expect("opens");
    assert_eq!(
        trust.authorize("b", &page.token).unwrap_err(),
        TrustError::BadSession
    );
}

#[test]
fn tampered_unsigned_and_garbage_tokens_are_refused() {
    let trust = trust();
    let page = trust.open_page(Some("a"), Some(KEY_A)).expect("opens");
    let mut tampered = page.token.clone();
    tampered.pop();
    tampered.push(if page.token.ends_with('A') { 'B' } else { 'A' });
    // `alg: none` with the same claims and no signature.
    let claims = page.token.split('.').nth(1).expect("claims part");
    let unsigned = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{claims}.");
    for token in [tampered.as_str(), unsigned.as_str(), "", "not.a.token"] {
        assert_eq!(
            trust.authorize("a", token).unwrap_err(),
            TrustError::BadSession,
            "{token}"
        );
    }
}

#[test]
fn an_expired_session_is_refused_and_a_renewed_one_works() {
    let trust = trust().with_session_ttl(Duration::from_secs(1));
    let page = trust.open_page(Some("a"), Some(KEY_A)).expect("opens");
    let session = trust.authorize("a", &page.token).expect("fresh");
    std::thread::sleep(Duration::from_millis(2_100));
    assert_eq!(
        trust.authorize("a", &page.token).unwrap_err(),
        TrustError::BadSession
    );

    let renewed = trust.renew(&session).expect("renews");
    assert_eq!(
        trust.authorize("a", &renewed).expect("renewed").id,
        session.id
    );
}

#[test]
fn a_session_that_calls_too_often_is_slowed_down() {
    let trust = trust();
    let page = trust.open_page(Some("a"), Some(KEY_A)).expect("opens");
    for _ in 0..SESSION_BURST {
        trust.authorize("a", &page.token).expect("within the burst");
    }
    assert_eq!(
        trust.authorize("a", &page.token).unwrap_err(),
        TrustError::TooManyRequests
    );
    // Another session is not affected.
    let other = trust.open_page(Some("a"), Some(KEY_A)).expect("opens");
    assert!(trust.authorize("a", &other.token).is_ok());
}

#[test]
fn weak_or_duplicate_configuration_is_refused() {
    let key = || Secret::new("server-session-key-0123456789-abcdef");
    assert!(Trust::new(vec![install("a", "short")], key()).is_err());
    assert!(Trust::new(vec![install("a", KEY_A), install("a", KEY_B)], key()).is_err());
    assert!(Trust::new(vec![install("a", KEY_A)], Secret::new("short")).is_err());
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let trust = trust();
    let printed = format!("{trust:?} {:?}", install("a", KEY_A));
    assert!(!printed.contains(KEY_A), "{printed}");
    assert!(printed.contains("a.example"));
}

#[test]
fn a_session_cannot_be_renewed_past_its_maximum_age() {
    let trust = trust()
        .with_session_ttl(Duration::from_secs(60))
        .with_session_max_age(Duration::from_secs(2));
    let page = trust.open_page(Some("a"), Some(KEY_A)).expect("opens");
    let session = trust.authorize("a", &page.token).expect("fresh");
    let renewed = trust.renew(&session).expect("renews while young");
    let session = trust.authorize("a", &renewed).expect("renewed works");
    std::thread::sleep(Duration::from_millis(2_100));
    assert_eq!(
        trust.authorize("a", &renewed).unwrap_err(),
        TrustError::BadSession,
        "a renewed token does not outlive the session"
    );
    assert_eq!(trust.renew(&session).unwrap_err(), TrustError::BadSession);
    // A new page load starts a new session.
    let again = trust.open_page(Some("a"), Some(KEY_A)).expect("opens");
    assert!(trust.authorize("a", &again.token).is_ok());
}

#[test]
fn the_rate_limiter_forgets_sessions_that_went_quiet() {
    let trust = trust().with_limiter_pruned_every(Duration::ZERO);
    for _ in 0..2_000 {
        let page = trust.open_page(Some("a"), Some(KEY_A)).expect("opens");
        trust.authorize("a", &page.token).expect("authorizes");
    }
    assert!(trust.limited_sessions() >= 1_000, "they were counted");
    std::thread::sleep(Duration::from_millis(3_200));
    let page = trust.open_page(Some("a"), Some(KEY_A)).expect("opens");
    trust.authorize("a", &page.token).expect("authorizes");
    assert!(
        trust.limited_sessions() <= 1,
        "{} sessions remembered",
        trust.limited_sessions()
    );
}
