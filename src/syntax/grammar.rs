//! The pest parser generated from `grammar/mqauthz.pest`. Pest types never
//! leave the `syntax` module.

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/mqauthz.pest"]
pub(super) struct PolicyParser;
