//! The integration tests, one binary with a module per area (one link
//! instead of one per file). `support` is shared with the benchmarks.

#[path = "../support/mod.rs"]
mod support;

mod activemq_assertions;
mod audit;
mod audit_aws;
mod audit_broker;
mod broker_compiled;
mod broker_ground_truth;
mod broker_members;
mod broker_no_authentication;
mod compile_cli;
mod completions_man;
mod corpus;
mod diagnostics_cli;
mod diff_review;
mod differential;
mod editor_grammar;
mod exit_codes;
mod explain;
mod github_action;
mod group_class;
mod hostile;
mod language;
mod membership;
mod pre_commit;
mod props_language;
mod props_membership;
mod real_world;
mod rules;
mod safe_operation;
mod xml_merge;
mod xml_robust;
