//! Shared support for integration tests: running the binary, and a real
//! ActiveMQ Classic broker (Debian's `activemq` package, 5.17.2).
//!
//! The integration tests (`tests/it/`) include it once, the benchmarks take
//! single files of it by `#[path]`. Not every user uses every item, hence the
//! `dead_code` allowance below.
//!
//! - [`cli`]: run the `mqauthz` binary.
//! - [`rng`]: a seeded generator for test inputs.
//! - [`oracle`]: ActiveMQ's own `DefaultAuthorizationMap`, driven by `tests/oracle/Oracle.java`.
//! - [`broker`]: start and stop a private broker on a free loopback port.
//! - [`stomp`]: a minimal STOMP 1.2 client and one-connection-per-check probes.
//! - [`tools`]: gates for tests that need pre-commit, npm packages, man, bash.

#![allow(dead_code)]

pub mod broker;
pub mod cli;
pub mod oracle;
pub mod rng;
pub mod stomp;
pub mod tools;
