//! A minimal STOMP 1.2 client over `std::net::TcpStream`, and probes that ask
//! a broker whether one user may connect, send to or subscribe to one
//! destination.
//!
//! Each probe uses a fresh TCP connection (ActiveMQ caches authorized
//! destinations per connection, so checks must not share one): CONNECT with
//! `accept-version:1.2`, `host`, `login`, `passcode`; then SEND or SUBSCRIBE
//! with a `receipt` header; a RECEIPT means allowed, an ERROR means denied.
//! Destinations use ActiveMQ's STOMP names: `/queue/X`, `/topic/X`,
//! `/temp-queue/X`, `/temp-topic/X`.
//!
//! Probes return `Err` only when the exchange itself failed (no connection,
//! timeout, malformed frame, connection closed without an answer), never for
//! a refusal by the broker.

use std::fmt;
use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// How long to wait for the TCP connection and for each expected frame.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The broker's answer to one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// CONNECTED (for CONNECT) or RECEIPT (for SEND / SUBSCRIBE).
    Allowed,
    /// ERROR; the broker's `message` header (or the body if there is none).
    Denied(String),
}

impl Outcome {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Outcome::Allowed)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Allowed => f.write_str("allowed"),
            Outcome::Denied(message) => write!(f, "denied: {message}"),
        }
    }
}

/// One STOMP frame. Header values are kept unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub command: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Frame {
    pub fn new(command: &str) -> Frame {
        Frame {
            command: command.to_string(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Frame {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn body(mut self, body: &[u8]) -> Frame {
        self.body = body.to_vec();
        self
    }

    /// The first value of header `name` (STOMP 1.2: the first occurrence wins).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The broker's explanation in an ERROR frame.
    pub fn error_message(&self) -> String {
        match self.get("message") {
            Some(message) if !message.trim().is_empty() => message.trim().to_string(),
            _ => String::from_utf8_lossy(&self.body).trim().to_string(),
        }
    }

    /// Serializes the frame. Header escaping follows STOMP 1.2, except for
    /// CONNECT and CONNECTED, which are never escaped.
    pub fn encode(&self) -> Vec<u8> {
        let escape = !matches!(self.command.as_str(), "CONNECT" | "CONNECTED");
        let mut out = Vec::with_capacity(64 + self.body.len());
        out.extend_from_slice(self.command.as_bytes());
        out.push(b'\n');
        for (name, value) in &self.headers {
            if escape {
                out.extend_from_slice(escape_header(name).as_bytes());
                out.push(b':');
                out.extend_from_slice(escape_header(value).as_bytes());
            } else {
                out.extend_from_slice(name.as_bytes());
                out.push(b':');
                out.extend_from_slice(value.as_bytes());
            }
            out.push(b'\n');
        }
        if !self.body.is_empty() && self.get("content-length").is_none() {
            out.extend_from_slice(format!("content-length:{}\n", self.body.len()).as_bytes());
        }
        out.push(b'\n');
        out.extend_from_slice(&self.body);
        out.push(0);
        out
    }
}

fn escape_header(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            ':' => out.push_str("\\c"),
            c => out.push(c),
        }
    }
    out
}

fn unescape_header(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('c') => out.push(':'),
            other => {
                return Err(format!(
                    "invalid escape `\\{}` in header `{text}`",
                    other.map(String::from).unwrap_or_default()
                ))
            }
        }
    }
    Ok(out)
}

/// Parses one frame from the start of `buf`. Returns the frame and the
/// number of bytes it used, or `None` when `buf` does not yet hold a whole
/// frame. Heart-beat end-of-lines before the frame are skipped.
pub fn parse_frame(buf: &[u8]) -> Result<Option<(Frame, usize)>, String> {
    let mut start = 0;
    while start < buf.len() && (buf[start] == b'\n' || buf[start] == b'\r') {
        start += 1;
    }
    if start == buf.len() {
        return Ok(None);
    }
    // The head ends at the first empty line (LF LF, or with CRs).
    let mut pos = start;
    let mut lines: Vec<&[u8]> = Vec::new();
    loop {
        let Some(rel) = buf[pos..].iter().position(|&b| b == b'\n') else {
            return Ok(None);
        };
        let mut line = &buf[pos..pos + rel];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        pos += rel + 1;
        if line.is_empty() {
            break;
        }
        lines.push(line);
    }
    let Some((command_line, header_lines)) = lines.split_first() else {
        return Err("frame without a command".to_string());
    };
    let command = std::str::from_utf8(command_line)
        .map_err(|_| "command is not UTF-8".to_string())?
        .to_string();
    let escaped = !matches!(command.as_str(), "CONNECT" | "CONNECTED");
    let mut headers = Vec::with_capacity(header_lines.len());
    for line in header_lines {
        let line = std::str::from_utf8(line).map_err(|_| "header is not UTF-8".to_string())?;
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("malformed header line `{line}` in {command} frame"));
        };
        if escaped {
            headers.push((unescape_header(name)?, unescape_header(value)?));
        } else {
            headers.push((name.to_string(), value.to_string()));
        }
    }
    let content_length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map(|(_, v)| {
            v.trim()
                .parse::<usize>()
                .map_err(|_| format!("bad content-length `{v}`"))
        })
        .transpose()?;
    let (body, end) = match content_length {
        Some(len) => {
            if buf.len() < pos + len + 1 {
                return Ok(None);
            }
            if buf[pos + len] != 0 {
                return Err(format!(
                    "{command} frame: no NUL after content-length {len} bytes"
                ));
            }
            (buf[pos..pos + len].to_vec(), pos + len + 1)
        }
        None => match buf[pos..].iter().position(|&b| b == 0) {
            Some(rel) => (buf[pos..pos + rel].to_vec(), pos + rel + 1),
            None => return Ok(None),
        },
    };
    Ok(Some((
        Frame {
            command,
            headers,
            body,
        },
        end,
    )))
}

/// One STOMP connection.
pub struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
    /// Frames read while waiting for something else (e.g. MESSAGE before RECEIPT).
    pending: Vec<Frame>,
    next_receipt: u32,
    timeout: Duration,
}

impl Connection {
    /// Opens a TCP connection to 127.0.0.1:`port` (no STOMP frame yet).
    pub fn open(port: u16, timeout: Duration) -> Result<Connection, String> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let stream = TcpStream::connect_timeout(&addr, timeout)
            .map_err(|e| format!("connecting to {addr}: {e}"))?;
        stream
            .set_write_timeout(Some(timeout))
            .map_err(|e| format!("setting write timeout: {e}"))?;
        let _ = stream.set_nodelay(true);
        Ok(Connection {
            stream,
            buf: Vec::new(),
            pending: Vec::new(),
            next_receipt: 1,
            timeout,
        })
    }

    /// Opens a connection and sends CONNECT. An empty `user` sends no
    /// `login`/`passcode` (anonymous). Returns the connection with
    /// `Allowed` on CONNECTED, or `Denied` with the broker's message.
    pub fn connect(
        port: u16,
        user: &str,
        pass: &str,
        timeout: Duration,
    ) -> Result<(Connection, Outcome), String> {
        let mut conn = Connection::open(port, timeout)?;
        let mut frame = Frame::new("CONNECT")
            .header("accept-version", "1.2")
            .header("host", "localhost")
            .header("heart-beat", "0,0");
        if !user.is_empty() {
            frame = frame.header("login", user).header("passcode", pass);
        }
        conn.write_frame(&frame)?;
        let reply = conn
            .read_frame(timeout)?
            .ok_or_else(|| "no answer to CONNECT".to_string())?;
        let outcome = match reply.command.as_str() {
            "CONNECTED" => Outcome::Allowed,
            "ERROR" => Outcome::Denied(reply.error_message()),
            other => return Err(format!("unexpected {other} frame in answer to CONNECT")),
        };
        Ok((conn, outcome))
    }

    pub fn write_frame(&mut self, frame: &Frame) -> Result<(), String> {
        self.stream
            .write_all(&frame.encode())
            .and_then(|()| self.stream.flush())
            .map_err(|e| format!("writing {} frame: {e}", frame.command))
    }

    /// The next frame, waiting at most `timeout`. `Ok(None)` on timeout;
    /// `Err` when the connection closes or a frame is malformed.
    pub fn read_frame(&mut self, timeout: Duration) -> Result<Option<Frame>, String> {
        if !self.pending.is_empty() {
            return Ok(Some(self.pending.remove(0)));
        }
        let deadline = Instant::now() + timeout;
        let mut chunk = [0u8; 8192];
        loop {
            if let Some((frame, used)) = parse_frame(&self.buf)? {
                self.buf.drain(..used);
                return Ok(Some(frame));
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            self.stream
                .set_read_timeout(Some(deadline - now))
                .map_err(|e| format!("setting read timeout: {e}"))?;
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err("connection closed by the broker".to_string()),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return Ok(None)
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("reading: {e}")),
            }
        }
    }

    /// Sends `frame` with a fresh `receipt` header and waits for the
    /// matching RECEIPT (`Allowed`) or an ERROR (`Denied`). Other frames
    /// that arrive meanwhile are kept for [`Connection::read_frame`].
    pub fn request(&mut self, frame: Frame) -> Result<Outcome, String> {
        let receipt = format!("probe-{}", self.next_receipt);
        self.next_receipt += 1;
        let command = frame.command.clone();
        self.write_frame(&frame.header("receipt", &receipt))?;
        let deadline = Instant::now() + self.timeout;
        let mut held = Vec::new();
        let result = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let next = match self.read_frame_unqueued(left) {
                Ok(next) => next,
                Err(e) => break Err(format!("{e} (waiting for the answer to {command})")),
            };
            match next {
                None => {
                    break Err(format!(
                        "no RECEIPT or ERROR for {command} within {:?}",
                        self.timeout
                    ))
                }
                Some(reply) => match reply.command.as_str() {
                    "RECEIPT" if reply.get("receipt-id") == Some(receipt.as_str()) => {
                        break Ok(Outcome::Allowed)
                    }
                    "ERROR" => break Ok(Outcome::Denied(reply.error_message())),
                    _ => held.push(reply),
                },
            }
        };
        self.pending.extend(held);
        result
    }

    fn read_frame_unqueued(&mut self, timeout: Duration) -> Result<Option<Frame>, String> {
        let pending = std::mem::take(&mut self.pending);
        let result = self.read_frame(timeout);
        self.pending = pending;
        result
    }

    /// SEND to `destination` with a receipt.
    pub fn send(&mut self, destination: &str, body: &str) -> Result<Outcome, String> {
        self.request(
            Frame::new("SEND")
                .header("destination", destination)
                .header("content-type", "text/plain")
                .body(body.as_bytes()),
        )
    }

    /// SUBSCRIBE to `destination` (auto ack) with a receipt.
    pub fn subscribe(&mut self, id: &str, destination: &str) -> Result<Outcome, String> {
        self.request(
            Frame::new("SUBSCRIBE")
                .header("id", id)
                .header("destination", destination)
                .header("ack", "auto"),
        )
    }

    /// Sends DISCONNECT and closes, without waiting for an answer.
    pub fn close(mut self) {
        let _ = self.write_frame(&Frame::new("DISCONNECT"));
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

/// May `user` connect? (An empty `user` connects anonymously.)
pub fn probe_connect(port: u16, user: &str, pass: &str) -> Result<Outcome, String> {
    let (conn, outcome) = Connection::connect(port, user, pass, DEFAULT_TIMEOUT)?;
    conn.close();
    Ok(outcome)
}

/// May `user` SEND to `destination`? A refused CONNECT counts as denied.
pub fn probe_send(port: u16, user: &str, pass: &str, destination: &str) -> Result<Outcome, String> {
    probe(port, user, pass, |conn| {
        conn.send(destination, "mqauthz probe")
    })
}

/// May `user` SUBSCRIBE to `destination`? A refused CONNECT counts as denied.
pub fn probe_subscribe(
    port: u16,
    user: &str,
    pass: &str,
    destination: &str,
) -> Result<Outcome, String> {
    probe(port, user, pass, |conn| {
        conn.subscribe("probe", destination)
    })
}

fn probe(
    port: u16,
    user: &str,
    pass: &str,
    action: impl FnOnce(&mut Connection) -> Result<Outcome, String>,
) -> Result<Outcome, String> {
    let (mut conn, outcome) = Connection::connect(port, user, pass, DEFAULT_TIMEOUT)?;
    if let Outcome::Denied(message) = outcome {
        return Ok(Outcome::Denied(format!("CONNECT refused: {message}")));
    }
    let result = action(&mut conn);
    conn.close();
    result
}
