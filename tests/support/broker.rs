//! A private ActiveMQ Classic broker for integration tests.
//!
//! [`Broker::start`] runs Debian's ActiveMQ 5.17.2 directly through
//! `java -jar /usr/share/activemq/bin/activemq.jar start xbean:file:…` (not
//! through `/usr/bin/activemq`), in its own session (`setsid`), with a run
//! folder of its own and a STOMP connector on a free port of 127.0.0.1.
//! Dropping the [`Broker`] stops that process, by the pid recorded at start
//! only, and removes the run folder. A small watchdog process stops the
//! broker too if the test process dies without dropping it (Ctrl-C, killed
//! test run); it signals only that pid, and only while its command line
//! names the run folder.
//!
//! A start counts as successful once the log shows the STOMP connector
//! listening and the broker started, the port accepts connections, the
//! broker process itself holds that port (`/proc`), and it listens on
//! loopback addresses only.
//!
//! # Configuration contract
//!
//! The text given to [`Broker::start`] is either
//!
//! - a complete Spring `activemq.xml` (root `<beans>`), which must declare a
//!   `org.springframework.beans.factory.config.PropertyPlaceholderConfigurer`
//!   bean so that `${…}` placeholders are resolved, or
//! - a bare `<broker xmlns="http://activemq.apache.org/schema/core" …>`
//!   element, which is wrapped into such a document.
//!
//! In both cases the broker must
//!
//! - open a STOMP transport connector on `stomp://127.0.0.1:${amq.stomp.port}`
//!   (the harness picks the port and waits for it), and nothing on another
//!   address;
//! - keep its data under `${activemq.data}` (`dataDirectory="${activemq.data}"`);
//!   `persistent="false"` and `useJmx="false"` are recommended.
//!
//! `${amq.openwire.port}` may also be used for an OpenWire connector on
//! 127.0.0.1; a second free port is then picked. `${amq.rundir}` names the
//! run folder. [`broker_config`] builds a conforming document.
//!
//! # Environment
//!
//! - `MQAUTHZ_KEEP_BROKER_DIRS=1`: keep run folders (config and `broker.log`)
//!   after the broker is stopped or failed to start. Without it a folder is
//!   kept only when the test panics while its broker runs; a failed start
//!   reports the log's causes and tail in its error instead.
//! - `MQAUTHZ_AMQ_SECURITY_DEBUG=1`: log `org.apache.activemq.security` at
//!   DEBUG level in `broker.log`.

use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread::sleep;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Home of Debian's ActiveMQ installation.
pub const ACTIVEMQ_HOME: &str = "/usr/share/activemq";
/// The launcher jar (`org.apache.activemq.console.Main`).
pub const ACTIVEMQ_JAR: &str = "/usr/share/activemq/bin/activemq.jar";
/// Environment variable that turns a missing installation into a failure.
pub const REQUIRE_ENV: &str = "MQAUTHZ_REQUIRE_ACTIVEMQ";

/// How long a start may take before it is given up.
pub const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long to wait for exit after SIGTERM before sending SIGKILL.
pub const STOP_TIMEOUT: Duration = Duration::from_secs(15);

const POLL: Duration = Duration::from_millis(50);
const LOG_TAIL_LINES: usize = 40;

/// JVM options: small fixed heap, C1 only and the serial collector start the
/// broker fastest on a small machine.
const JVM_OPTIONS: &[&str] = &[
    "-Xms128m",
    "-Xmx128m",
    "-XX:TieredStopAtLevel=1",
    "-XX:+UseSerialGC",
    "-Djava.awt.headless=true",
];

/// Serializes broker use within one test binary: tests run on parallel
/// threads, and two JVMs starting at once on a small machine slow each other
/// down. Hold the guard for as long as the broker runs.
pub fn one_broker_at_a_time() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Checks that `java` is on `PATH` and the ActiveMQ launcher jar exists.
/// The error names what is missing.
pub fn activemq_installed() -> Result<(), String> {
    let mut missing = Vec::new();
    if find_on_path("java").is_none() {
        missing.push("`java` is not on PATH".to_string());
    }
    if !Path::new(ACTIVEMQ_JAR).is_file() {
        missing.push(format!("{ACTIVEMQ_JAR} does not exist"));
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing.join("; "))
    }
}

/// Gate for tests that need a real broker.
///
/// Returns `true` when ActiveMQ and Java are installed. Otherwise, when
/// `MQAUTHZ_REQUIRE_ACTIVEMQ=1`, fails the test with a message pointing at
/// `scripts/install-test-deps.sh`; else prints a skip notice to stderr and
/// returns `false` (the caller should return early).
pub fn activemq_or_skip() -> bool {
    match activemq_installed() {
        Ok(()) => true,
        Err(missing) => {
            let required = std::env::var(REQUIRE_ENV).is_ok_and(|v| v.trim() == "1");
            assert!(
                !required,
                "ActiveMQ is required ({REQUIRE_ENV}=1) but not usable: {missing}. \
                 Run scripts/install-test-deps.sh (as root) to install it."
            );
            eprintln!("skipping: ActiveMQ not installed (set {REQUIRE_ENV}=1 to require it)");
            eprintln!("  ({missing})");
            false
        }
    }
}

/// Builds a complete Spring `activemq.xml` that satisfies the contract of
/// [`Broker::start`]: a `PropertyPlaceholderConfigurer`, a broker with
/// `useJmx="false" persistent="false"` and `dataDirectory="${activemq.data}"`,
/// small memory limits, one STOMP connector on `127.0.0.1:${amq.stomp.port}`,
/// `plugins_xml` as the content of `<plugins>` (inserted verbatim; omitted
/// when blank) and the given destinations, each `("queue" | "topic", name)`,
/// created at start in `<destinations>`.
///
/// A kind other than `queue` or `topic` yields an element the broker's
/// schema rejects, so the start fails and reports it.
pub fn broker_config(plugins_xml: &str, destinations: &[(&str, &str)]) -> String {
    let mut xml = String::new();
    xml.push_str(BEANS_HEAD);
    xml.push_str(
        "  <broker xmlns=\"http://activemq.apache.org/schema/core\" brokerName=\"mqauthz-test\"\n\
         \x20         useJmx=\"false\" persistent=\"false\" dataDirectory=\"${activemq.data}\">\n",
    );
    if !destinations.is_empty() {
        xml.push_str("    <destinations>\n");
        for (kind, name) in destinations {
            let name = xml_escape(name);
            match *kind {
                "queue" | "topic" => {
                    xml.push_str(&format!("      <{kind} physicalName=\"{name}\"/>\n"));
                }
                other => {
                    xml.push_str(&format!(
                        "      <unsupportedDestinationKind kind=\"{}\" physicalName=\"{name}\"/>\n",
                        xml_escape(other)
                    ));
                }
            }
        }
        xml.push_str("    </destinations>\n");
    }
    if !plugins_xml.trim().is_empty() {
        xml.push_str("    <plugins>\n");
        xml.push_str(plugins_xml);
        if !plugins_xml.ends_with('\n') {
            xml.push('\n');
        }
        xml.push_str("    </plugins>\n");
    }
    xml.push_str(
        "    <systemUsage>\n\
         \x20     <systemUsage>\n\
         \x20       <memoryUsage><memoryUsage limit=\"64 mb\"/></memoryUsage>\n\
         \x20       <storeUsage><storeUsage limit=\"256 mb\"/></storeUsage>\n\
         \x20       <tempUsage><tempUsage limit=\"256 mb\"/></tempUsage>\n\
         \x20     </systemUsage>\n\
         \x20   </systemUsage>\n\
         \x20   <transportConnectors>\n\
         \x20     <transportConnector name=\"stomp\" uri=\"stomp://127.0.0.1:${amq.stomp.port}\"/>\n\
         \x20   </transportConnectors>\n\
         \x20 </broker>\n",
    );
    xml.push_str(BEANS_TAIL);
    xml
}

const BEANS_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<beans xmlns=\"http://www.springframework.org/schema/beans\"\n\
\x20      xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n\
\x20      xsi:schemaLocation=\"http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans.xsd\n\
\x20        http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd\">\n\
\x20 <bean class=\"org.springframework.beans.factory.config.PropertyPlaceholderConfigurer\"/>\n";

const BEANS_TAIL: &str = "</beans>\n";

/// Escapes text for use in an XML attribute value.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A running broker started by this process. Dropping it stops the broker.
#[derive(Debug)]
pub struct Broker {
    /// The process spawned (`setsid`, which execs bash, which execs java).
    child: Option<Child>,
    /// The broker's pid as recorded in `broker.pid`.
    pid: u32,
    stomp_port: u16,
    openwire_port: Option<u16>,
    run_dir: PathBuf,
    startup: Duration,
    /// Set once the process is known to be gone.
    exited: bool,
    /// Keep the run folder when stopping (until the start succeeded).
    keep_run_dir: bool,
    /// Stopped and cleaned up.
    done: bool,
    /// Stops the broker should this process end without dropping it.
    watchdog: Option<Child>,
}

impl Broker {
    /// Starts a broker with `config_xml` (see the module documentation for
    /// the contract) and waits until its STOMP port accepts connections.
    ///
    /// Fails, with the tail of the broker's log, when the JVM exits, the log
    /// shows `ERROR` or `Failed to start`, or the port does not open within
    /// [`START_TIMEOUT`]. The JVM exits with status 0 on a broken
    /// configuration, so the exit status is never taken as success. On
    /// failure the process is stopped before returning.
    pub fn start(config_xml: &str) -> Result<Broker, String> {
        activemq_installed()?;
        if !config_xml.contains("${amq.stomp.port}") {
            return Err(
                "broker config does not use ${amq.stomp.port} for its STOMP connector".to_string(),
            );
        }
        let document = if config_xml.contains("<beans") {
            config_xml.to_string()
        } else {
            format!("{BEANS_HEAD}{config_xml}\n{BEANS_TAIL}")
        };

        let run_dir = new_run_dir()?;
        let conf_dir = run_dir.join("conf");
        let data_dir = run_dir.join("data");
        for dir in [&conf_dir, &data_dir] {
            fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        }
        let config_path = conf_dir.join("activemq.xml");
        let log4j_path = conf_dir.join("log4j.properties");
        let pid_path = run_dir.join("broker.pid");
        let log_path = run_dir.join("broker.log");
        write_file(&config_path, &document)?;
        write_file(&log4j_path, &log4j_properties())?;

        let stomp_port = free_loopback_port()?;
        let openwire_port = if document.contains("${amq.openwire.port}") {
            Some(free_loopback_port_except(stomp_port)?)
        } else {
            None
        };

        let log_file = fs::File::create(&log_path)
            .map_err(|e| format!("creating {}: {e}", log_path.display()))?;
        let log_err = log_file
            .try_clone()
            .map_err(|e| format!("duplicating {}: {e}", log_path.display()))?;

        let run = run_dir.display().to_string();
        let mut command = Command::new("setsid");
        command
            .arg("bash")
            .arg("-c")
            .arg("echo $$ > \"$1\"; shift; exec \"$@\"")
            .arg("_")
            .arg(&pid_path)
            .arg("java")
            .args(JVM_OPTIONS)
            .arg(format!("-Damq.rundir={run}"))
            .arg(format!("-Damq.stomp.port={stomp_port}"));
        if let Some(port) = openwire_port {
            command.arg(format!("-Damq.openwire.port={port}"));
        }
        command
            .arg(format!("-Dactivemq.home={ACTIVEMQ_HOME}"))
            .arg(format!("-Dactivemq.base={run}"))
            .arg(format!("-Dactivemq.conf={}", conf_dir.display()))
            .arg(format!("-Dactivemq.data={}", data_dir.display()))
            .arg(format!(
                "-Dlog4j.configuration=file:{}",
                log4j_path.display()
            ))
            .arg("-jar")
            .arg(ACTIVEMQ_JAR)
            .arg("start")
            .arg(format!("xbean:file:{}", config_path.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::from(log_file))
            .stderr(Stdio::from(log_err));

        let began = Instant::now();
        let child = command
            .spawn()
            .map_err(|e| format!("spawning setsid/java: {e}"))?;
        let mut broker = Broker {
            child: Some(child),
            pid: 0,
            stomp_port,
            openwire_port,
            run_dir,
            startup: Duration::ZERO,
            exited: false,
            keep_run_dir: true,
            done: false,
            watchdog: None,
        };
        match broker.wait_ready(&pid_path, &log_path, began) {
            Ok(()) => {
                broker.startup = began.elapsed();
                broker.keep_run_dir = false;
                Ok(broker)
            }
            Err(reason) => {
                // Stopped with the run folder kept, so the whole log is read.
                let stop_note = match broker.shutdown() {
                    Ok(_) => String::new(),
                    Err(e) => format!("\nstopping it failed too: {e}"),
                };
                let causes = causes(&log_path);
                let excerpt = config_excerpt(&document, &causes);
                let tail = tail_without_stack_frames(&log_path, LOG_TAIL_LINES);
                let folder = if keep_dirs_requested() {
                    format!("run folder kept: {}", broker.run_dir.display())
                } else {
                    let _ = fs::remove_dir_all(&broker.run_dir);
                    "set MQAUTHZ_KEEP_BROKER_DIRS=1 to keep the run folder".to_string()
                };
                Err(format!(
                    "ActiveMQ broker failed to start: {reason}{stop_note}\n{causes}{excerpt}\
                     {folder}\n\
                     --- last lines of broker.log, stack frames omitted ---\n{tail}"
                ))
            }
        }
    }

    /// The STOMP port on 127.0.0.1.
    pub fn stomp_port(&self) -> u16 {
        self.stomp_port
    }

    /// The OpenWire port on 127.0.0.1, when the config uses `${amq.openwire.port}`.
    pub fn openwire_port(&self) -> Option<u16> {
        self.openwire_port
    }

    /// The broker JVM's pid.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The run folder (`conf/activemq.xml`, `conf/log4j.properties`,
    /// `data/`, `broker.pid`, `broker.log`).
    pub fn run_dir(&self) -> &Path {
        &self.run_dir
    }

    /// Time from spawning the JVM until the STOMP port accepted.
    pub fn startup_time(&self) -> Duration {
        self.startup
    }

    /// The last `lines` lines of `broker.log`.
    pub fn log_tail(&self, lines: usize) -> String {
        tail_lines(&self.run_dir.join("broker.log"), lines)
    }

    /// Stops the broker now (SIGTERM, then SIGKILL after [`STOP_TIMEOUT`])
    /// and returns how long it took. Dropping does the same, silently.
    pub fn stop(mut self) -> Result<Duration, String> {
        self.shutdown()
    }

    /// The TCP addresses the broker process listens on (from `/proc`).
    pub fn listening_addresses(&self) -> Result<Vec<SocketAddr>, String> {
        listening_addresses(self.pid)
    }

    /// The broker itself holds the STOMP port, and listens on loopback only.
    fn check_listening(&self) -> Result<(), String> {
        let addrs = self.listening_addresses()?;
        let outside: Vec<String> = addrs
            .iter()
            .filter(|a| !is_loopback(a))
            .map(ToString::to_string)
            .collect();
        if !outside.is_empty() {
            return Err(format!(
                "the broker listens beyond loopback: {}; bind every connector to 127.0.0.1",
                outside.join(", ")
            ));
        }
        if !addrs.iter().any(|a| a.port() == self.stomp_port) {
            return Err(format!(
                "port {} accepts connections, but the broker (pid {}) does not listen on it",
                self.stomp_port, self.pid
            ));
        }
        Ok(())
    }

    fn wait_ready(
        &mut self,
        pid_path: &Path,
        log_path: &Path,
        began: Instant,
    ) -> Result<(), String> {
        let deadline = began + START_TIMEOUT;
        // The pid file is written by the shell before it becomes java.
        loop {
            if let Some(pid) = read_pid(pid_path) {
                self.pid = pid;
                break;
            }
            if !self.child_running() {
                return Err("the launcher exited before recording a pid".to_string());
            }
            if Instant::now() >= deadline {
                return Err("no pid recorded within the start timeout".to_string());
            }
            sleep(Duration::from_millis(10));
        }
        self.watchdog = spawn_watchdog(self.pid, &self.run_dir);

        let mut log = LogScanner::new(log_path);
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.stomp_port));
        loop {
            log.poll();
            if let Some(line) = log.find_error() {
                return Err(format!("the log reports an error: {line}"));
            }
            if !self.is_running() {
                return Err("the JVM exited".to_string());
            }
            // The log lines guard against another process holding the port
            // and against a connector that fails after the STOMP one opened.
            if log.stomp_listening(self.stomp_port)
                && log.broker_started()
                && TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
            {
                log.poll();
                if let Some(line) = log.find_error() {
                    return Err(format!("the log reports an error: {line}"));
                }
                return self.check_listening();
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "STOMP port 127.0.0.1:{} not accepting after {} s",
                    self.stomp_port,
                    START_TIMEOUT.as_secs()
                ));
            }
            sleep(POLL);
        }
    }

    /// Whether the spawned child (if it is still ours to wait for) runs.
    /// Reaps it when it has exited.
    fn child_running(&mut self) -> bool {
        match self.child.as_mut().map(|c| c.try_wait()) {
            Some(Ok(None)) => true,
            Some(Ok(Some(_))) | Some(Err(_)) => {
                // `setsid` execs bash which execs java, so this normally is
                // the broker itself; if it forked, the pid file says which.
                let was_broker = self.child.as_ref().is_some_and(|c| c.id() == self.pid);
                self.child = None;
                if was_broker {
                    self.exited = true;
                }
                false
            }
            None => false,
        }
    }

    /// Whether the broker process is still alive.
    fn is_running(&mut self) -> bool {
        if self.exited {
            return false;
        }
        if self.child.as_ref().is_some_and(|c| c.id() == self.pid) {
            return self.child_running();
        }
        // Not our direct child (setsid forked): consult /proc, and only
        // count a process that is running out of our run folder.
        self.child_running();
        let alive = self.pid != 0 && proc_alive(self.pid) && self.owns_pid();
        if !alive {
            self.exited = true;
        }
        alive
    }

    /// Whether the process with the recorded pid is the one started here:
    /// its command line names this broker's run folder.
    fn owns_pid(&self) -> bool {
        if self.pid == 0 {
            return false;
        }
        let Ok(raw) = fs::read(format!("/proc/{}/cmdline", self.pid)) else {
            return false;
        };
        let cmdline = String::from_utf8_lossy(&raw);
        let needle = format!("-Dactivemq.base={}", self.run_dir.display());
        cmdline.split('\0').any(|arg| arg == needle)
    }

    fn signal(&self, signal: &str) -> Result<(), String> {
        if !self.owns_pid() {
            return Ok(());
        }
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("running kill: {e}"))?;
        if status.success() || !proc_alive(self.pid) {
            Ok(())
        } else {
            Err(format!("kill -{signal} {} failed: {status}", self.pid))
        }
    }

    fn wait_exit(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if !self.is_running() {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            sleep(POLL);
        }
    }

    /// SIGTERM, wait, SIGKILL; then reap and clean up.
    fn shutdown(&mut self) -> Result<Duration, String> {
        let began = Instant::now();
        let mut result = Ok(());
        if self.pid != 0 && self.is_running() {
            result = self.signal("TERM");
            if !self.wait_exit(STOP_TIMEOUT) {
                result = self.signal("KILL");
                if result.is_err() {
                    // No usable `kill` command: SIGKILL our own child directly.
                    if let Some(child) = self.child.as_mut().filter(|c| c.id() == self.pid) {
                        result = child.kill().map_err(|e| format!("SIGKILL: {e}"));
                    }
                }
                if !self.wait_exit(Duration::from_secs(10)) {
                    result = Err(format!(
                        "broker pid {} still running after SIGKILL",
                        self.pid
                    ));
                }
            }
        }
        self.reap_launcher();
        self.release_watchdog();
        let keep = self.keep_run_dir || std::thread::panicking() || keep_dirs_requested();
        if !keep && result.is_ok() {
            let _ = fs::remove_dir_all(&self.run_dir);
        } else if std::thread::panicking() {
            eprintln!("broker run folder kept: {}", self.run_dir.display());
        }
        self.done = result.is_ok();
        result.map(|()| began.elapsed())
    }

    /// Closes the watchdog's pipe; with the broker gone it exits at once.
    fn release_watchdog(&mut self) {
        let Some(mut watchdog) = self.watchdog.take() else {
            return;
        };
        drop(watchdog.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if !matches!(watchdog.try_wait(), Ok(None)) {
                return;
            }
            sleep(POLL);
        }
        // Still busy stopping a broker that outlived SIGKILL; leave it be.
    }

    /// Waits for a spawned launcher that is not the broker itself (it forked,
    /// or never got as far as recording a pid); it is our own child.
    fn reap_launcher(&mut self) {
        let Some(child) = self.child.as_mut() else {
            return;
        };
        if self.pid != 0 && child.id() == self.pid {
            return;
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match child.try_wait() {
                Ok(None) if Instant::now() < deadline => sleep(POLL),
                Ok(None) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                _ => break,
            }
        }
        self.child = None;
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        if let Err(e) = self.shutdown() {
            eprintln!("stopping ActiveMQ broker: {e}");
        }
    }
}

/// Incremental reader of `broker.log`.
struct LogScanner {
    path: PathBuf,
    offset: u64,
    text: String,
}

impl LogScanner {
    fn new(path: &Path) -> LogScanner {
        LogScanner {
            path: path.to_path_buf(),
            offset: 0,
            text: String::new(),
        }
    }

    fn poll(&mut self) {
        let Ok(mut file) = fs::File::open(&self.path) else {
            return;
        };
        if file.seek(SeekFrom::Start(self.offset)).is_err() {
            return;
        }
        let mut buf = Vec::new();
        if let Ok(n) = file.read_to_end(&mut buf) {
            self.offset += n as u64;
            self.text.push_str(&String::from_utf8_lossy(&buf));
        }
    }

    /// `Listening for connections at: stomp://HOST:PORT[?…]` for `port`.
    fn stomp_listening(&self, port: u16) -> bool {
        const MARK: &str = "Listening for connections at: stomp://";
        let suffix = format!(":{port}");
        self.text.lines().any(|line| {
            line.find(MARK).is_some_and(|at| {
                let uri = line[at + MARK.len()..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("");
                uri.split('?').next().unwrap_or("").ends_with(&suffix)
            })
        })
    }

    /// `Apache ActiveMQ 5.x (name, id) started`: every connector is up.
    fn broker_started(&self) -> bool {
        self.text
            .lines()
            .any(|line| line.contains("Apache ActiveMQ ") && line.contains(") started"))
    }

    /// The first complete line that reports a failure.
    fn find_error(&self) -> Option<String> {
        let complete = match self.text.rfind('\n') {
            Some(end) => &self.text[..end],
            None => return None,
        };
        complete
            .lines()
            .find(|line| line.contains("ERROR") || line.contains("Failed to start"))
            .map(|line| line.trim().to_string())
    }
}

fn log4j_properties() -> String {
    let mut text = String::from(
        "log4j.rootLogger=INFO, out\n\
         log4j.logger.org.springframework=WARN\n\
         log4j.logger.org.apache.xbean=WARN\n\
         log4j.appender.out=org.apache.log4j.ConsoleAppender\n\
         log4j.appender.out.layout=org.apache.log4j.PatternLayout\n\
         log4j.appender.out.layout.ConversionPattern=%d{HH:mm:ss,SSS} | %-5p | %m | %c | %t%n\n",
    );
    if std::env::var("MQAUTHZ_AMQ_SECURITY_DEBUG").is_ok_and(|v| v.trim() == "1") {
        text.push_str("log4j.logger.org.apache.activemq.security=DEBUG\n");
    }
    text
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

fn read_pid(path: &Path) -> Option<u32> {
    let text = fs::read_to_string(path).ok()?;
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    text.parse().ok()
}

/// Alive and not a zombie.
fn proc_alive(pid: u32) -> bool {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // Format: `pid (comm) state …`; comm may contain spaces or parentheses.
    match stat.rfind(')') {
        Some(i) => !matches!(
            stat[i + 1..].trim_start().chars().next(),
            Some('Z') | Some('X')
        ),
        None => false,
    }
}

/// A port that was free on 127.0.0.1 a moment ago (bound, read, closed).
pub fn free_loopback_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| format!("binding 127.0.0.1:0: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("reading the bound port: {e}"))
}

fn free_loopback_port_except(taken: u16) -> Result<u16, String> {
    for _ in 0..20 {
        let port = free_loopback_port()?;
        if port != taken {
            return Ok(port);
        }
    }
    Err("could not find a second free loopback port".to_string())
}

fn new_run_dir() -> Result<PathBuf, String> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let base = option_env!("CARGO_TARGET_TMPDIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
        .join("mqauthz-brokers");
    fs::create_dir_all(&base).map_err(|e| format!("creating {}: {e}", base.display()))?;
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = base.join(format!("broker-{}-{n}-{nanos}", std::process::id()));
    fs::create_dir(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    Ok(dir)
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

fn tail_lines(path: &Path, lines: usize) -> String {
    match fs::read(path) {
        Ok(raw) => {
            let text = String::from_utf8_lossy(&raw);
            let all: Vec<&str> = text.lines().collect();
            let start = all.len().saturating_sub(lines);
            all[start..].join("\n")
        }
        Err(e) => format!("(cannot read {}: {e})", path.display()),
    }
}

fn is_stack_frame(line: &str) -> bool {
    let t = line.trim_start();
    line.starts_with(char::is_whitespace) && (t.starts_with("at ") || t.starts_with("... "))
}

/// The distinct `Caused by:` lines of the log, one per line, or nothing.
fn causes(path: &Path) -> String {
    let Ok(raw) = fs::read(path) else {
        return String::new();
    };
    let text = String::from_utf8_lossy(&raw);
    let mut seen: Vec<&str> = Vec::new();
    for line in text.lines().filter(|l| l.starts_with("Caused by:")) {
        if !seen.contains(&line) {
            seen.push(line);
        }
    }
    seen.iter().map(|l| format!("{l}\n")).collect()
}

fn tail_without_stack_frames(path: &Path, lines: usize) -> String {
    match fs::read(path) {
        Ok(raw) => {
            let text = String::from_utf8_lossy(&raw);
            let kept: Vec<&str> = text.lines().filter(|l| !is_stack_frame(l)).collect();
            let start = kept.len().saturating_sub(lines);
            kept[start..].join("\n")
        }
        Err(e) => format!("(cannot read {}: {e})", path.display()),
    }
}

/// A watchdog that sends SIGTERM (then SIGKILL) to the broker when its
/// stdin pipe closes, that is, when this process ends, however it ends
/// (Ctrl-C, a killed test run), since the broker runs in a session of its
/// own and would otherwise outlive it. It only signals `pid` while that
/// process's command line still names this run folder. In an orderly stop
/// the broker is gone before the pipe closes, and the watchdog just exits.
const WATCHDOG: &str = r#"pid=$1; mark=$2
ours() { tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$mark"; }
cat > /dev/null
if ours; then
  kill -TERM "$pid"; i=0
  while [ "$i" -lt 150 ] && ours; do sleep 0.1; i=$((i + 1)); done
  if ours; then kill -KILL "$pid"; fi
fi"#;

fn spawn_watchdog(pid: u32, run_dir: &Path) -> Option<Child> {
    Command::new("setsid")
        .arg("sh")
        .arg("-c")
        .arg(WATCHDOG)
        .arg("_")
        .arg(pid.to_string())
        .arg(format!("-Dactivemq.base={}", run_dir.display()))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| eprintln!("no broker watchdog (the broker may outlive an aborted test): {e}"))
        .ok()
}

fn keep_dirs_requested() -> bool {
    std::env::var("MQAUTHZ_KEEP_BROKER_DIRS").is_ok_and(|v| v.trim() == "1")
}

/// The configuration lines around the first `lineNumber: N` in `causes`.
fn config_excerpt(document: &str, causes: &str) -> String {
    let Some(at) = causes.find("lineNumber: ") else {
        return String::new();
    };
    let digits: String = causes[at + "lineNumber: ".len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let Ok(line) = digits.parse::<usize>() else {
        return String::new();
    };
    let first = line.saturating_sub(2).max(1);
    let mut out = String::from("--- activemq.xml ---\n");
    for (n, text) in document
        .lines()
        .enumerate()
        .skip(first - 1)
        .take(line + 2 - first + 1)
    {
        let mark = if n + 1 == line { ">" } else { " " };
        out.push_str(&format!("{mark}{:4} | {text}\n", n + 1));
    }
    out
}

fn is_loopback(addr: &SocketAddr) -> bool {
    match addr.ip() {
        IpAddr::V4(ip) => ip.is_loopback(),
        IpAddr::V6(ip) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

/// Listening TCP sockets of process `pid`: its socket inodes from
/// `/proc/PID/fd`, looked up in `/proc/net/tcp` and `/proc/net/tcp6`.
fn listening_addresses(pid: u32) -> Result<Vec<SocketAddr>, String> {
    let fd_dir = format!("/proc/{pid}/fd");
    let entries = fs::read_dir(&fd_dir).map_err(|e| format!("reading {fd_dir}: {e}"))?;
    let mut inodes = Vec::new();
    for entry in entries.flatten() {
        if let Ok(target) = fs::read_link(entry.path()) {
            let target = target.to_string_lossy();
            if let Some(inode) = target
                .strip_prefix("socket:[")
                .and_then(|rest| rest.strip_suffix(']'))
            {
                inodes.push(inode.to_string());
            }
        }
    }
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
            if cols.len() < 10 || cols[3] != "0A" || !inodes.iter().any(|i| i == cols[9]) {
                continue;
            }
            match parse_proc_addr(cols[1]) {
                Some(addr) => found.push(addr),
                None => return Err(format!("unreadable address `{}` in {table}", cols[1])),
            }
        }
    }
    Ok(found)
}

/// `0100007F:1F90` or a 32-digit IPv6 form: 32-bit words in host (little-endian) order.
fn parse_proc_addr(text: &str) -> Option<SocketAddr> {
    let (ip_hex, port_hex) = text.split_once(':')?;
    let port = u16::from_str_radix(port_hex, 16).ok()?;
    let mut bytes = Vec::with_capacity(16);
    for i in (0..ip_hex.len()).step_by(8) {
        let word = u32::from_str_radix(ip_hex.get(i..i + 8)?, 16).ok()?;
        bytes.extend_from_slice(&word.to_le_bytes());
    }
    let ip = match bytes.len() {
        4 => IpAddr::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3])),
        16 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(&bytes);
            IpAddr::V6(Ipv6Addr::from(octets))
        }
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}
