//! The point of `no-authentication` (MQA401) on a real broker: Debian's
//! ActiveMQ 5.17.2 started with a configuration into which `mqauthz compile
//! --into` merged a map, forced with `--allow no-authentication`, refuses
//! every client ("User is not authenticated"); the same configuration with an
//! authentication plugin, merged without any override, admits the policy's
//! users to what the policy grants them and nothing else.
//!
//! Skipped when ActiveMQ or Java is missing, unless `MQAUTHZ_REQUIRE_ACTIVEMQ=1`.

use std::path::{Path, PathBuf};

use crate::support::broker::{activemq_or_skip, broker_config, one_broker_at_a_time, Broker};
use crate::support::cli::{mqauthz, text};
use crate::support::stomp::{probe_send, probe_subscribe, Outcome};

const POLICY: &str = "\
group apps
grant apps all on queue APP.>, temp
grant everyone read, write, admin on advisory
";

const USERS: &str = r#"      <simpleAuthenticationPlugin>
        <users>
          <authenticationUser username="app" password="app-pw" groups="apps"/>
          <authenticationUser username="idle" password="idle-pw" groups="idle"/>
        </users>
      </simpleAuthenticationPlugin>
"#;

fn scratch() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("broker-no-authentication");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

/// `mqauthz compile policy.mqa --into CONFIG EXTRA... -o OUT`: its exit
/// status and, when written, the merged configuration.
fn compile(dir: &Path, name: &str, config: &str, extra: &[&str]) -> (Option<i32>, Option<String>) {
    let policy = dir.join("policy.mqa");
    std::fs::write(&policy, POLICY).expect("write policy");
    let input = dir.join(format!("{name}.xml"));
    std::fs::write(&input, config).expect("write config");
    let out_path = dir.join(format!("{name}.merged.xml"));
    let (p, i, o) = (
        policy.to_string_lossy().into_owned(),
        input.to_string_lossy().into_owned(),
        out_path.to_string_lossy().into_owned(),
    );
    let mut args = vec!["compile", p.as_str(), "--into", i.as_str()];
    args.extend_from_slice(extra);
    args.extend(["-o", o.as_str()]);
    let out = mqauthz(&args);
    eprintln!("{}", text(&out.stderr));
    (out.status.code(), std::fs::read_to_string(&out_path).ok())
}

fn start(config: &str) -> Broker {
    Broker::start(config).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_merged_map_without_authentication_refuses_everyone_and_with_it_admits_the_users() {
    if !activemq_or_skip() {
        return;
    }
    let _one = one_broker_at_a_time();
    let dir = scratch();

    // Without authentication: refused by default, nothing written ...
    let bare = broker_config("", &[]);
    let (code, written) = compile(&dir, "bare", &bare, &[]);
    assert_eq!(code, Some(1), "no-authentication refuses the merge");
    assert!(written.is_none(), "nothing written");
    // ... and when forced, the broker refuses every client.
    let (code, merged) = compile(&dir, "forced", &bare, &["--allow", "no-authentication"]);
    assert_eq!(code, Some(0));
    let merged = merged.expect("merged configuration written");
    assert!(merged.contains("<authorizationPlugin>") && !merged.contains("Authentication"));
    let broker = start(&merged);
    let port = broker.stomp_port();
    let mut messages = Vec::new();
    for (user, pass) in [("app", "app-pw"), ("idle", "idle-pw"), ("", "")] {
        for outcome in [
            probe_send(port, user, pass, "/queue/APP.IN"),
            probe_subscribe(port, user, pass, "/queue/APP.IN"),
            probe_send(port, user, pass, "/temp-queue/reply"),
        ] {
            match outcome {
                Ok(Outcome::Denied(message)) => messages.push(message),
                other => panic!(
                    "user `{user}` without authentication: expected a refusal, got {other:?}\n{}",
                    broker.log_tail(40)
                ),
            }
        }
    }
    assert!(
        messages.iter().any(|m| m.contains("not authenticated")),
        "the broker says why: {messages:?}"
    );
    broker.stop().expect("stop broker");

    // With an authentication plugin: merged without any override, and the
    // policy's users get what the policy grants, and nothing more.
    let with_users = broker_config(USERS, &[]);
    let (code, merged) = compile(&dir, "authenticated", &with_users, &[]);
    assert_eq!(code, Some(0));
    let merged = merged.expect("merged configuration written");
    let broker = start(&merged);
    let port = broker.stomp_port();
    let send = |user: &str, pass: &str, dest: &str| probe_send(port, user, pass, dest);
    let read = |user: &str, pass: &str, dest: &str| probe_subscribe(port, user, pass, dest);
    let cases = [
        (
            send("app", "app-pw", "/queue/APP.IN"),
            true,
            "app sends to APP.IN",
        ),
        (
            read("app", "app-pw", "/queue/APP.IN"),
            true,
            "app reads APP.IN",
        ),
        (
            send("app", "app-pw", "/temp-queue/reply"),
            true,
            "app uses temp",
        ),
        (
            send("app", "app-pw", "/queue/OTHER"),
            false,
            "app sends to OTHER",
        ),
        (
            send("idle", "idle-pw", "/queue/APP.IN"),
            false,
            "idle sends to APP.IN",
        ),
        (
            send("app", "wrong", "/queue/APP.IN"),
            false,
            "a wrong password",
        ),
        (send("", "", "/queue/APP.IN"), false, "anonymous"),
    ];
    for (outcome, allowed, what) in cases {
        match outcome {
            Ok(o) if o.is_allowed() == allowed => {}
            other => panic!(
                "{what}: expected {}, got {other:?}\n{}",
                if allowed { "allowed" } else { "denied" },
                broker.log_tail(40)
            ),
        }
    }
    broker.stop().expect("stop broker");
}
