//! `mqauthz audit` against a real broker (docs/audit.md, "Proof on a real
//! broker"): each configuration is audited, then Debian's ActiveMQ 5.17.2 is
//! started with exactly that text and probed over STOMP, showing that the
//! findings are real and that the corrected configuration is clean and
//! closed.
//!
//! Skipped when ActiveMQ or Java is missing, unless `MQAUTHZ_REQUIRE_ACTIVEMQ=1`.

use std::path::Path;
use std::process::Command;

use crate::support::broker::{activemq_or_skip, broker_config, one_broker_at_a_time, Broker};
use crate::support::cli::{mqauthz, text};
use crate::support::stomp::{probe_connect, probe_send, Connection, Outcome, DEFAULT_TIMEOUT};

/// The findings of `mqauthz audit` on `config` (written as
/// `activemq.xml`): (rule name, severity), sorted.
fn audit(dir: &Path, config: &str) -> Vec<(String, String)> {
    let path = dir.join("activemq.xml");
    std::fs::write(&path, config).expect("write activemq.xml");
    let path = path.to_string_lossy().into_owned();
    let out = mqauthz(&["audit", "--format", "json", &path]);
    assert_ne!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let mut found: Vec<(String, String)> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap_or_default().to_string(),
                d["severity"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

fn has(found: &[(String, String)], name: &str, severity: &str) -> bool {
    found.iter().any(|(n, s)| n == name && s == severity)
}

fn errors(found: &[(String, String)]) -> Vec<&str> {
    found
        .iter()
        .filter(|(_, s)| s == "error")
        .map(|(n, _)| n.as_str())
        .collect()
}

fn start(config: &str) -> Broker {
    Broker::start(config).unwrap_or_else(|e| panic!("{e}"))
}

fn allowed(outcome: Result<Outcome, String>, what: &str) {
    match outcome {
        Ok(Outcome::Allowed) => {}
        other => panic!("{what}: expected allowed, got {other:?}"),
    }
}

fn denied(outcome: Result<Outcome, String>, what: &str) {
    match outcome {
        Ok(Outcome::Denied(_)) => {}
        other => panic!("{what}: expected a refusal, got {other:?}"),
    }
}

const MAP: &str = r#"      <authorizationPlugin>
        <map>
          <authorizationMap>
            <authorizationEntries>
              <authorizationEntry queue="APP.>" read="apps" write="apps" admin="apps"/>
              ANONYMOUS_ENTRY
              <authorizationEntry topic="ActiveMQ.Advisory.>" read="ADVISORY" write="ADVISORY" admin="ADVISORY"/>
            </authorizationEntries>
            <tempDestinationAuthorizationEntry>
              <tempDestinationAuthorizationEntry read="apps" write="apps" admin="apps"/>
            </tempDestinationAuthorizationEntry>
          </authorizationMap>
        </map>
      </authorizationPlugin>
"#;

/// The map: `apps` on `APP.>`, and with `anonymous` the anonymous group on
/// `ANON.>`.
fn map(anonymous: bool) -> String {
    if anonymous {
        MAP.replace(
            "ANONYMOUS_ENTRY",
            r#"<authorizationEntry queue="ANON.>" read="anonymous" write="anonymous" admin="anonymous"/>"#,
        )
        .replace("ADVISORY", "apps,anonymous")
    } else {
        MAP.replace("              ANONYMOUS_ENTRY\n", "")
            .replace("ADVISORY", "apps")
    }
}

fn users(anonymous: bool) -> String {
    format!(
        r#"      <simpleAuthenticationPlugin anonymousAccessAllowed="{anonymous}">
        <users>
          <authenticationUser username="app" password="app-pw" groups="apps"/>
          <authenticationUser username="idle" password="idle-pw" groups="idle"/>
        </users>
      </simpleAuthenticationPlugin>
"#
    )
}

/// A key store for the broker's TLS connector, made with the JDK's keytool.
fn key_store(dir: &Path) -> String {
    let path = dir.join("broker.ks");
    let status = Command::new("keytool")
        .args([
            "-genkeypair",
            "-alias",
            "broker",
            "-keyalg",
            "RSA",
            "-keysize",
            "2048",
            "-validity",
            "2",
            "-dname",
            "CN=localhost",
            "-storetype",
            "JKS",
            "-storepass",
            "store-pw",
            "-keypass",
            "store-pw",
            "-noprompt",
            "-keystore",
        ])
        .arg(&path)
        .output()
        .expect("keytool (the JDK's) runs");
    assert!(
        status.status.success(),
        "keytool failed: {}",
        text(&status.stderr)
    );
    path.to_string_lossy().into_owned()
}

#[test]
fn audit_findings_are_real_on_a_broker() {
    if !activemq_or_skip() {
        return;
    }
    let _guard = one_broker_at_a_time();
    let dir = tempfile::tempdir().expect("temp dir");

    // no-authentication without a map: anybody connects and sends anywhere
    let config = broker_config("", &[]);
    let found = audit(dir.path(), &config);
    assert!(has(&found, "no-authentication", "error"), "{found:?}");
    assert!(has(&found, "no-authorization-map", "error"), "{found:?}");
    // the harness's STOMP connector is plain text on loopback
    assert!(has(&found, "plaintext-transport", "warning"), "{found:?}");
    let broker = start(&config);
    let port = broker.stomp_port();
    allowed(
        probe_connect(port, "", ""),
        "anonymous CONNECT, no authentication",
    );
    allowed(
        probe_send(port, "", "", "/queue/ANY.QUEUE.AT.ALL"),
        "plain-text anonymous SEND, no authentication and no map",
    );
    drop(broker);

    // no-authentication with a map: every CONNECT is refused
    let config = broker_config(&map(false), &[]);
    let found = audit(dir.path(), &config);
    assert!(has(&found, "no-authentication", "error"), "{found:?}");
    assert!(!has(&found, "no-authorization-map", "error"), "{found:?}");
    let broker = start(&config);
    let port = broker.stomp_port();
    denied(
        probe_connect(port, "", ""),
        "anonymous CONNECT, map without authentication",
    );
    denied(
        probe_connect(port, "app", "app-pw"),
        "CONNECT with credentials, map without authentication",
    );
    drop(broker);

    // no-authorization-map: an authenticated user with no grants sends to
    // an arbitrary queue; anonymous access lets anybody in
    let config = broker_config(&users(true), &[]);
    let found = audit(dir.path(), &config);
    assert!(has(&found, "no-authorization-map", "error"), "{found:?}");
    assert!(
        has(&found, "anonymous-access-allowed", "warning"),
        "{found:?}"
    );
    assert!(!has(&found, "no-authentication", "error"), "{found:?}");
    let broker = start(&config);
    let port = broker.stomp_port();
    allowed(
        probe_send(port, "idle", "idle-pw", "/queue/ARBITRARY.QUEUE"),
        "SEND by a user with no grants, no map",
    );
    allowed(
        probe_connect(port, "", ""),
        "anonymous CONNECT, anonymous access allowed",
    );
    drop(broker);

    // anonymous-access-allowed: no credentials, and the anonymous group's
    // rights (ANON.> only)
    let config = broker_config(&format!("{}{}", users(true), map(true)), &[]);
    let found = audit(dir.path(), &config);
    assert!(
        has(&found, "anonymous-access-allowed", "warning"),
        "{found:?}"
    );
    assert!(errors(&found).is_empty(), "{found:?}");
    let broker = start(&config);
    let port = broker.stomp_port();
    allowed(probe_connect(port, "", ""), "anonymous CONNECT");
    allowed(
        probe_send(port, "", "", "/queue/ANON.INBOX"),
        "anonymous SEND where the anonymous group writes",
    );
    denied(
        probe_send(port, "", "", "/queue/APP.ORDERS"),
        "anonymous SEND where only apps write",
    );
    drop(broker);

    // the corrected configuration: authentication, a map, no anonymous
    // access, and a TLS connector next to the harness's loopback one
    let store = key_store(dir.path());
    let config = broker_config(&format!("{}{}", users(false), map(false)), &[])
        .replace(
            "    <transportConnectors>\n",
            &format!(
                "    <sslContext>\n      <sslContext keyStore=\"file:{store}\" keyStorePassword=\"store-pw\"/>\n    </sslContext>\n    <transportConnectors>\n      <transportConnector name=\"stomp+ssl\" uri=\"stomp+ssl://127.0.0.1:${{amq.openwire.port}}\"/>\n"
            ),
        );
    let found = audit(dir.path(), &config);
    assert!(errors(&found).is_empty(), "{found:?}");
    let broker = start(&config);
    let port = broker.stomp_port();
    let tls_port = broker.openwire_port().expect("second port");
    denied(probe_connect(port, "", ""), "anonymous CONNECT, corrected");
    denied(
        probe_send(port, "idle", "idle-pw", "/queue/ARBITRARY.QUEUE"),
        "SEND by a user with no grants, corrected",
    );
    allowed(
        probe_send(port, "app", "app-pw", "/queue/APP.ORDERS"),
        "SEND by `apps` where it writes, corrected",
    );
    // a plain-text STOMP session on the TLS connector gets no CONNECTED
    let plain = Connection::connect(tls_port, "app", "app-pw", DEFAULT_TIMEOUT);
    assert!(
        !matches!(plain, Ok((_, Outcome::Allowed))),
        "plain-text STOMP on the TLS connector was accepted"
    );
    drop(broker);
}
