//! `mqauthz compile` through the command line: the fragment of every
//! example, merges into a Spring, an Amazon MQ and an AWS JSON
//! configuration, `--check`, `--in-place` (permissions kept), refusal of a
//! policy with errors, and idempotency of a merge.

use crate::support::cli::{assert_exit, copy_fixture, manifest, mqauthz, scratch_in, text};

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use base64::Engine;

const SPRING: &str = "tests/fixtures/merge/spring-plugins.xml";
const AMAZON_MQ: &str = "tests/fixtures/merge/amazonmq.xml";
const AWS_JSON: &str = "tests/fixtures/merge/aws-describe.json";

/// A fresh, empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    scratch_in("compile-cli", name)
}

/// The XML inside an AWS configuration JSON's base64 `Data` field.
fn decoded_data(json: &[u8]) -> String {
    let doc: serde_json::Value = serde_json::from_slice(json).expect("valid JSON");
    let data = doc["Data"].as_str().expect("a Data string");
    let xml = base64::engine::general_purpose::STANDARD
        .decode(data)
        .expect("Data is base64");
    String::from_utf8(xml).expect("Data is UTF-8")
}

#[test]
fn fragment_of_every_example() {
    insta::glob!(env!("CARGO_MANIFEST_DIR"), "examples/*.mqa", |path| {
        let rel = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        let out = mqauthz(&["compile", &rel]);
        assert_exit(&out, 0, &rel);
        let fragment = text(&out.stdout);
        assert!(
            fragment.starts_with("<authorizationPlugin>"),
            "{rel}: a bare fragment"
        );
        insta::assert_snapshot!(fragment);
    });
}

#[test]
fn merge_into_spring_config() {
    let out = mqauthz(&["compile", "examples/orders.mqa", "--into", SPRING]);
    assert_exit(&out, 0, "merge into Spring");
    let merged = text(&out.stdout);
    let original = std::fs::read_to_string(manifest(SPRING)).expect("read fixture");
    assert!(merged.contains("<simpleAuthenticationPlugin>"), "kept");
    assert!(merged.contains("<authorizationPlugin>"), "added");
    let (head, _) = original.split_once("        </plugins>").expect("plugins");
    assert!(merged.starts_with(head), "bytes before the insertion kept");
    insta::assert_snapshot!(merged);
}

#[test]
fn merge_into_amazon_mq_config() {
    let out = mqauthz(&[
        "compile",
        "examples/amazon-mq.mqa",
        "--target",
        "amazon-mq",
        "--into",
        AMAZON_MQ,
    ]);
    assert_exit(&out, 0, "merge into Amazon MQ XML");
    let merged = text(&out.stdout);
    assert_eq!(
        merged.matches("<authorizationPlugin>").count(),
        1,
        "the existing plugin is replaced, not duplicated"
    );
    assert!(
        !merged.contains("tempDestinationAdmins"),
        "the old map is gone"
    );
    assert!(merged.contains("policyEntry topic=\"&gt;\""), "kept");
    insta::assert_snapshot!(merged);
}

#[test]
fn merge_into_aws_json_config() {
    let out = mqauthz(&[
        "compile",
        "examples/amazon-mq.mqa",
        "--target",
        "amazon-mq",
        "--into",
        AWS_JSON,
    ]);
    assert_exit(&out, 0, "merge into AWS JSON");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON out");
    assert!(doc["Data"].is_string(), "a Data field");
    let xml = decoded_data(&out.stdout);
    assert!(xml.contains("PAYMENTS.INCOMING"), "the compiled map");
    assert!(
        !xml.contains("tempDestinationAdmins"),
        "the old map is gone"
    );
    insta::assert_snapshot!("aws_json_output", text(&out.stdout));
    insta::assert_snapshot!("aws_json_decoded_data", xml);

    let xml_out = mqauthz(&[
        "compile",
        "examples/amazon-mq.mqa",
        "--target",
        "amazon-mq",
        "--into",
        AWS_JSON,
        "--emit",
        "xml",
    ]);
    assert_exit(&xml_out, 0, "merge into AWS JSON, XML out");
    assert_eq!(text(&xml_out.stdout), xml, "--emit xml gives the Data XML");
}

#[test]
fn check_reports_stale_then_in_place_updates() {
    let dir = scratch("check-in-place");
    for fixture in [SPRING, AMAZON_MQ, AWS_JSON] {
        let config = copy_fixture(&dir, fixture);
        let before = std::fs::read(&config).expect("read copy");
        let config_arg = config.to_string_lossy().into_owned();
        let policy = "examples/amazon-mq.mqa";

        let stale = mqauthz(&["compile", policy, "--into", &config_arg, "--check"]);
        assert_exit(&stale, 1, &format!("--check on stale {fixture}"));
        let diff = text(&stale.stdout);
        assert!(
            diff.contains("---") && diff.contains("+++") && diff.contains("\n+"),
            "{fixture}: a unified diff on stdout:\n{diff}"
        );
        assert_eq!(
            std::fs::read(&config).expect("read copy"),
            before,
            "{fixture}: --check writes nothing"
        );

        let update = mqauthz(&["compile", policy, "--into", &config_arg, "--in-place"]);
        assert_exit(&update, 0, &format!("--in-place on {fixture}"));
        assert!(
            update.stdout.is_empty(),
            "{fixture}: --in-place prints nothing"
        );
        let updated = std::fs::read(&config).expect("read copy");
        assert_ne!(updated, before, "{fixture}: rewritten");

        let fresh = mqauthz(&["compile", policy, "--into", &config_arg, "--check"]);
        assert_exit(&fresh, 0, &format!("--check after --in-place on {fixture}"));
        assert!(
            fresh.stdout.is_empty(),
            "{fixture}: no diff when up to date"
        );

        let again = mqauthz(&["compile", policy, "--into", &config_arg, "--in-place"]);
        assert_exit(&again, 0, &format!("second --in-place on {fixture}"));
        assert_eq!(
            std::fs::read(&config).expect("read copy"),
            updated,
            "{fixture}: a second --in-place changes nothing"
        );
    }
}

#[test]
fn in_place_keeps_permissions() {
    let dir = scratch("permissions");
    let config = copy_fixture(&dir, SPRING);
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o640)).expect("chmod 0640");
    let config_arg = config.to_string_lossy().into_owned();
    let out = mqauthz(&[
        "compile",
        "examples/orders.mqa",
        "--into",
        &config_arg,
        "--in-place",
    ]);
    assert_exit(&out, 0, "--in-place");
    let text_after = std::fs::read_to_string(&config).expect("read config");
    assert!(text_after.contains("<authorizationPlugin>"), "rewritten");
    let mode = std::fs::metadata(&config)
        .expect("stat config")
        .permissions()
        .mode();
    assert_eq!(mode & 0o7777, 0o640, "mode kept: {mode:o}");
}

#[test]
fn policy_with_errors_is_refused() {
    let dir = scratch("refused");
    let out_path = dir.join("out.xml");
    let out_arg = out_path.to_string_lossy().into_owned();
    let bad = "tests/fixtures/errors/unknown-group.mqa";

    let plain = mqauthz(&["compile", bad]);
    assert_exit(&plain, 1, "fragment of a bad policy");
    assert!(plain.stdout.is_empty(), "nothing on stdout");
    assert!(
        text(&plain.stderr).contains("nothing was written"),
        "says so:\n{}",
        text(&plain.stderr)
    );

    let to_file = mqauthz(&["compile", bad, "-o", &out_arg]);
    assert_exit(&to_file, 1, "bad policy with -o");
    assert!(to_file.stdout.is_empty(), "nothing on stdout");
    assert!(!out_path.exists(), "no output file created");

    let merged = mqauthz(&["compile", bad, "--into", SPRING, "-o", &out_arg]);
    assert_exit(&merged, 1, "bad policy with --into and -o");
    assert!(merged.stdout.is_empty(), "nothing on stdout");
    assert!(!out_path.exists(), "no output file created");

    let config = copy_fixture(&dir, SPRING);
    let before = std::fs::read(&config).expect("read copy");
    let config_arg = config.to_string_lossy().into_owned();
    let in_place = mqauthz(&["compile", bad, "--into", &config_arg, "--in-place"]);
    assert_exit(&in_place, 1, "bad policy with --in-place");
    assert_eq!(
        std::fs::read(&config).expect("read copy"),
        before,
        "config untouched"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("list scratch")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left: {leftovers:?}");
}

#[test]
fn merging_the_merged_output_is_idempotent() {
    let dir = scratch("idempotent");
    let cases = [
        ("examples/orders.mqa", SPRING, "spring.xml"),
        ("examples/saas.mqa", SPRING, "spring-saas.xml"),
        ("examples/amazon-mq.mqa", AMAZON_MQ, "amazonmq.xml"),
        ("examples/amazon-mq.mqa", AWS_JSON, "aws.json"),
    ];
    for (policy, config, name) in cases {
        let first_path = dir.join(format!("first-{name}"));
        let second_path = dir.join(format!("second-{name}"));
        let first_arg = first_path.to_string_lossy().into_owned();
        let second_arg = second_path.to_string_lossy().into_owned();
        let first = mqauthz(&["compile", policy, "--into", config, "-o", &first_arg]);
        assert_exit(&first, 0, &format!("{policy} into {config}"));
        assert!(first.stdout.is_empty(), "-o: nothing on stdout");
        let second = mqauthz(&["compile", policy, "--into", &first_arg, "-o", &second_arg]);
        assert_exit(&second, 0, &format!("{policy} into merged {config}"));
        let a = std::fs::read(&first_path).expect("read first");
        let b = std::fs::read(&second_path).expect("read second");
        assert!(
            a == b,
            "{policy} into {config}: merging again changed the bytes:\n{}\n---\n{}",
            text(&a),
            text(&b)
        );
        let stdout = mqauthz(&["compile", policy, "--into", &first_arg]);
        assert_exit(&stdout, 0, "merge to stdout");
        assert_eq!(stdout.stdout, a, "stdout equals -o output");
    }
}
