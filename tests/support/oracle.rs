//! The ActiveMQ oracle: `tests/oracle/Oracle.java`, compiled with `javac`
//! against Debian's ActiveMQ jars, which drives a real
//! `DefaultAuthorizationMap`. Shared by the differential tests and the
//! benchmarks.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Jars the oracle needs (in `MQAUTHZ_JAVA_DIR`, default `/usr/share/java`).
pub const REQUIRED_JARS: [&str; 5] = [
    "activemq-broker.jar",
    "activemq-client.jar",
    "activemq-jaas.jar",
    "geronimo-jms_1.1_spec.jar",
    "slf4j-api.jar",
];
/// Jars added to the class path when present.
pub const OPTIONAL_JARS: [&str; 2] = ["slf4j-nop.jar", "hawtbuf.jar"];

/// The compiled oracle: its class folder and the jars' class path.
pub struct Java {
    pub classes: tempfile::TempDir,
    pub classpath: String,
}

/// Compile the oracle, or say why it cannot be.
pub fn setup_java() -> Result<Java, String> {
    let dir = PathBuf::from(
        std::env::var("MQAUTHZ_JAVA_DIR").unwrap_or_else(|_| "/usr/share/java".to_string()),
    );
    let mut cp = Vec::new();
    for jar in REQUIRED_JARS {
        let p = dir.join(jar);
        if !p.exists() {
            return Err(format!(
                "{} not found (install libactivemq-java)",
                p.display()
            ));
        }
        cp.push(p.display().to_string());
    }
    for jar in OPTIONAL_JARS {
        let p = dir.join(jar);
        if p.exists() {
            cp.push(p.display().to_string());
        }
    }
    let classpath = cp.join(":");
    let classes = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    // Oracle.java and the principal classes it loads by name
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle");
    let mut sources = Vec::new();
    java_files(&root, &mut sources);
    sources.sort();
    let out = Command::new("javac")
        .arg("-d")
        .arg(classes.path())
        .arg("-cp")
        .arg(&classpath)
        .args(&sources)
        .output()
        .map_err(|e| format!("cannot run javac: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "javac failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(Java { classes, classpath })
}

/// Every `.java` file under `dir`.
fn java_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for e in read.flatten() {
        let p = e.path();
        if p.is_dir() {
            java_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "java") {
            out.push(p);
        }
    }
}

/// A field of the oracle's tab-separated input.
pub fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
}
