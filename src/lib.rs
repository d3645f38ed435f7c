//! mqauthz: a policy compiler and checker for ActiveMQ Classic and Amazon MQ
//! authorization.
//!
//! The pipeline: `syntax` (pest grammar → AST with spans) → `model` (resolved
//! policy) → `semantics` (ActiveMQ's authorization map, evaluator, pattern
//! algebra) → `analysis` (rules, assertions) → `compile` / `xml` (emit, read,
//! merge) → `diff` / `review` → `cli`.

pub mod diagnostics;
pub mod fsutil;
pub mod semantics;
pub mod source;
pub mod xml;
