//! mqauthz: a policy compiler and checker for ActiveMQ Classic and Amazon MQ
//! authorization.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`syntax`]: the pest grammar, policy text → [`ast`] with spans;
//! 2. [`model`]: resolve names, validate patterns → a [`model::Policy`];
//! 3. [`semantics`]: ActiveMQ's authorization map, its evaluator and the
//!    pattern algebra (`covers`, `overlaps`, union coverage);
//! 4. [`analysis`]: assertions and the rule catalogue;
//! 5. [`compile`] and [`xml`]: policy → map → `<authorizationPlugin>`, read
//!    and merge broker configurations;
//! 6. [`diff`], [`review`], [`explain`] and [`import`]: compare, render,
//!    answer questions and recover policies;
//! 7. [`audit`]: the broker security practices, checked from broker files
//!    (with [`membership`]: who holds which group);
//! 8. [`cli`]: the command line.
//!
//! Public are the modules the binary, the tests and the benchmarks use; the
//! rest of the crate is `pub(crate)`.
//!
//! [`pipeline`] assembles the stages once for every command: load an input
//! (a policy or a broker configuration, told by content), check it, compile
//! it once; [`load`] reads files and runs the front end (stages 1–2).

#![warn(unreachable_pub)]

pub mod analysis;
pub mod ast;
pub mod audit;
pub mod cli;
pub mod compile;
pub mod diagnostics;
pub mod diff;
pub mod error;
pub mod explain;
pub mod fmt;
pub(crate) mod fsutil;
pub mod import;
pub mod load;
pub mod membership;
pub mod model;
pub mod pipeline;
pub mod review;
pub mod semantics;
pub mod source;
pub mod syntax;
pub(crate) mod textdiff;
pub(crate) mod util;
pub mod verify;
pub mod xml;
