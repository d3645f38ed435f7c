//! `unused-allow`: a suppression comment that silenced nothing.

use crate::analysis::{registry, Context, Rule, RuleMeta};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::model::Policy;

pub(crate) static META: RuleMeta = RuleMeta {
    code: Code {
        id: "MQA212",
        name: "unused-allow",
    },
    severity: Severity::Warning,
    summary: "a suppression comment that silenced nothing, or names an unknown rule",
    docs: r#"## What it does
Reports `# mqauthz: allow(rule)` comments, and each rule named in them, that silenced no finding
on their statement, and names that are not rules.

## Why is this bad?
A stale suppression hides the next real finding on that statement, and a misspelt rule name
silences nothing while looking as if it did.

## Example
```
# mqauthz: allow(redundant-grant) kept for clarity
grant ops read on queue ORDERS.IN      # nothing redundant here any more
```

## Use instead
Remove the comment, or the rule name that no longer applies.
"#,
};

pub(crate) struct UnusedAllow;

impl Rule for UnusedAllow {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Runs after every other rule, from `analysis::run`.
    fn check(&self, _cx: &Context, _out: &mut Vec<Diagnostic>) {}
}

/// Report suppressions that silenced nothing; `used[a][r]` tells whether rule
/// name `r` of allow `a` silenced a finding.
pub(crate) fn report(policy: &Policy, used: &[Vec<bool>]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (a, allow) in policy.allows.iter().enumerate() {
        for (r, (name, span)) in allow.rules.iter().enumerate() {
            if used.get(a).and_then(|u| u.get(r)).copied().unwrap_or(false) {
                continue;
            }
            let d = match registry::find(name) {
                None => {
                    let suggestion = crate::util::did_you_mean(
                        name,
                        registry::RULES.iter().map(|r| r.meta().code.name),
                    );
                    let d = Diagnostic::new(
                        META.code,
                        META.severity,
                        format!("unknown rule `{name}` in a suppression comment"),
                    )
                    .primary(policy.source, *span, "not a rule");
                    match suggestion {
                        Some(s) => d.help(format!(
                            "did you mean `{s}`? `mqauthz rules` lists the rules"
                        )),
                        None => d.help("`mqauthz rules` lists the rules"),
                    }
                }
                Some(_) => Diagnostic::new(
                    META.code,
                    META.severity,
                    format!("`allow({name})` silences nothing on this statement"),
                )
                .primary(policy.source, *span, "nothing to silence")
                .help("remove it; it would hide the next real finding here"),
            };
            out.push(d);
        }
    }
    out
}
