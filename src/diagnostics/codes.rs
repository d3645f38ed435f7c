//! The code table: every diagnostic code with its [`Family`], in one list
//! ([`TABLE`]). How a diagnostic is treated (may a comment silence it, does
//! it make a policy unreadable) is decided by its family, never by the
//! digits of its code.
//!
//! The codes of the language core (syntax, resolution, assertions) are
//! defined here; a rule's code is defined in its file under
//! `analysis/rules/`, a configuration's in [`crate::xml`], import's in
//! [`crate::import`], audit's in [`crate::audit`].

use super::Code;
use crate::analysis::rules;
use crate::audit::{jetty, selfhosted};

pub(crate) const SYNTAX_ERROR: Code = Code {
    id: "MQA001",
    name: "syntax-error",
};
pub(crate) const UNTERMINATED_STRING: Code = Code {
    id: "MQA002",
    name: "unterminated-string",
};
pub(crate) const INVALID_STRING: Code = Code {
    id: "MQA003",
    name: "invalid-string",
};
pub(crate) const MISPLACED_KEYWORD: Code = Code {
    id: "MQA004",
    name: "misplaced-keyword",
};
pub(crate) const UNKNOWN_RIGHT: Code = Code {
    id: "MQA005",
    name: "unknown-right",
};
pub(crate) const MISSING_ON: Code = Code {
    id: "MQA006",
    name: "missing-on",
};
pub(crate) const INVALID_SUPPRESSION: Code = Code {
    id: "MQA007",
    name: "invalid-suppression",
};
pub(crate) const INVALID_ENCODING: Code = Code {
    id: "MQA008",
    name: "invalid-encoding",
};
pub(crate) const INVALID_PATTERN: Code = Code {
    id: "MQA101",
    name: "invalid-pattern",
};
pub(crate) const UNKNOWN_GROUP: Code = Code {
    id: "MQA102",
    name: "unknown-group",
};
pub(crate) const DUPLICATE_GROUP: Code = Code {
    id: "MQA103",
    name: "duplicate-group",
};
pub(crate) const INVALID_GROUP_NAME: Code = Code {
    id: "MQA104",
    name: "invalid-group-name",
};
pub(crate) const ASSERTION_FAILED: Code = Code {
    id: "MQA150",
    name: "assertion-failed",
};

/// What a diagnostic is about. The family decides how it is treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// The policy text cannot be read: `fmt` refuses such a file.
    Syntax,
    /// Names and patterns of a policy that do not resolve.
    Resolve,
    /// A policy's own assertions (`assert ...`) that fail.
    Assertion,
    /// An analysis rule of the catalogue.
    Rule,
    /// Broker configurations and the inputs audit reads.
    Config,
    /// What `import` cannot write in the policy language.
    Import,
    /// An audit rule over a broker configuration and its users.
    Audit,
}

impl Family {
    /// Codes of rules: `--allow`, `--warn` and `--deny` select them and a
    /// `# mqauthz: allow(...)` comment silences them on its statement.
    pub fn is_rule(self) -> bool {
        matches!(self, Family::Rule | Family::Audit)
    }

    /// The policy text itself is unreadable.
    pub(crate) fn is_syntax(self) -> bool {
        self == Family::Syntax
    }
}

/// One line of the code table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub family: Family,
    pub code: Code,
}

const fn line(family: Family, code: Code) -> Entry {
    Entry { family, code }
}

/// Every diagnostic code, with its family. A new code is one line here (a
/// rule's, besides, one line in `analysis::registry::RULES`); tests check
/// that codes and names are unique and that every rule is listed.
/// The order is the catalogue's (docs/rules.md): language core, rules,
/// configurations, import, audit.
pub(crate) static TABLE: &[Entry] = {
    use Family::*;
    &[
        line(Syntax, SYNTAX_ERROR),
        line(Syntax, UNTERMINATED_STRING),
        line(Syntax, INVALID_STRING),
        line(Syntax, MISPLACED_KEYWORD),
        line(Syntax, UNKNOWN_RIGHT),
        line(Syntax, MISSING_ON),
        line(Syntax, INVALID_SUPPRESSION),
        line(Syntax, INVALID_ENCODING),
        line(Resolve, INVALID_PATTERN),
        line(Resolve, UNKNOWN_GROUP),
        line(Resolve, DUPLICATE_GROUP),
        line(Resolve, INVALID_GROUP_NAME),
        line(Assertion, ASSERTION_FAILED),
        line(Rule, rules::redundant_grant::META.code),
        line(Rule, rules::narrow_grant::META.code),
        line(Rule, rules::overbroad_grant::META.code),
        line(Rule, rules::unused_group::META.code),
        line(Rule, rules::advisory_access::META.code),
        line(Rule, rules::temp_open::META.code),
        line(Rule, rules::create_needs_admin::META.code),
        line(Rule, rules::advisory_on_queue::META.code),
        line(Rule, rules::case_collision::META.code),
        line(Rule, rules::webconsole_group::META.code),
        line(Rule, rules::amazon_mq_group_name::META.code),
        line(Rule, rules::unused_allow::META.code),
        line(Rule, rules::group_without_members::META.code),
        line(Rule, rules::member_of_unknown_group::META.code),
        line(Rule, rules::user_without_access::META.code),
        line(Rule, rules::grants_nothing::META.code),
        line(Config, crate::xml::MALFORMED_XML),
        line(Config, crate::xml::DOCTYPE_NOT_ALLOWED),
        line(Config, crate::xml::ENTITY_NOT_ALLOWED),
        line(Config, crate::xml::NO_BROKER),
        line(Config, crate::xml::SEVERAL_BROKERS),
        line(Config, crate::xml::SEVERAL_AUTHORIZATION_PLUGINS),
        line(Config, crate::xml::UNSUPPORTED_AUTHORIZATION_MAP),
        line(Config, crate::xml::UNSUPPORTED_CONSTRUCT),
        line(Config, crate::xml::INVALID_CONFIG_JSON),
        line(Config, crate::xml::INVALID_CONFIG_DATA),
        line(Config, crate::xml::INVALID_AUTHORIZATION_MAP),
        line(Config, crate::xml::PLUGIN_HOLDS_OTHER_MAP),
        line(Config, crate::xml::UNKNOWN_PLUGIN),
        line(Config, crate::xml::UNREAD_PLUGIN),
        line(Config, crate::xml::REWRITES_DESTINATION_NAMES),
        line(Config, crate::xml::UNRESOLVED_PLACEHOLDER),
        line(Import, crate::import::NOT_IMPORTABLE),
        line(Audit, selfhosted::NO_AUTHENTICATION.code),
        line(Audit, selfhosted::ANONYMOUS_ACCESS_ALLOWED.code),
        line(Audit, crate::audit::maps::NO_AUTHORIZATION_MAP.code),
        line(Audit, selfhosted::INLINE_PASSWORD.code),
        line(Audit, selfhosted::DEFAULT_CREDENTIALS.code),
        line(Audit, selfhosted::PLAINTEXT_TRANSPORT.code),
        line(Audit, selfhosted::UNUSED_TRANSPORT_CONNECTOR.code),
        line(Audit, selfhosted::JMX_REMOTE_CONNECTOR.code),
        line(Audit, jetty::CONSOLE_UNAUTHENTICATED.code),
        line(Audit, jetty::CONSOLE_ON_ALL_INTERFACES.code),
        line(Audit, jetty::FILESERVER_WEBAPP.code),
        line(Audit, crate::audit::permitted::META.code),
        line(Audit, crate::audit::amq::BROKER_PUBLICLY_ACCESSIBLE.code),
        line(Audit, crate::audit::amq::WORLD_OPEN_PORT.code),
        line(Audit, crate::audit::amq::UNUSED_PROTOCOL_PORT.code),
        line(Audit, crate::audit::amq::ALL_PORTS_OPEN.code),
        line(Audit, crate::audit::amq::SECURITY_GROUP_NOT_FOUND.code),
        line(Audit, crate::audit::amq::AUDIT_LOG_DISABLED.code),
        line(Audit, crate::audit::amq::AUTO_MINOR_UPGRADE_DISABLED.code),
        line(Audit, crate::audit::amq::ENGINE_VERSION_UNSUPPORTED.code),
        line(Audit, crate::audit::amq::KNOWN_VULNERABLE_VERSION.code),
        // the inputs of audit: problems of the files, like a configuration's
        line(Config, crate::audit::MALFORMED_INPUT),
        line(Config, crate::audit::INVALID_AWS_OUTPUT),
        line(Config, crate::audit::CONTRADICTORY_INPUT),
        line(Config, crate::audit::MAP_NOT_ANALYSED),
        line(Config, crate::audit::ENGINE_NOT_AUDITED),
    ]
};

/// The family of a code; `None` for a code missing from [`TABLE`] (a bug
/// the tests catch).
pub fn family(code: Code) -> Option<Family> {
    TABLE.iter().find(|e| e.code == code).map(|e| e.family)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_and_names_are_unique() {
        let mut ids = BTreeSet::new();
        let mut names = BTreeSet::new();
        for e in TABLE {
            assert!(ids.insert(e.code.id), "duplicate code {}", e.code.id);
            assert!(names.insert(e.code.name), "duplicate name {}", e.code.name);
        }
    }

    #[test]
    fn every_rule_is_listed_as_a_rule_and_nothing_else_is() {
        let registered: BTreeSet<Code> = crate::analysis::registry::RULES
            .iter()
            .map(|r| r.meta().code)
            .collect();
        for code in &registered {
            let family = family(*code).unwrap_or_else(|| panic!("{} not in TABLE", code.id));
            assert!(family.is_rule(), "{} is a rule", code.id);
        }
        for e in TABLE.iter().filter(|e| e.family.is_rule()) {
            assert!(registered.contains(&e.code), "{} has no rule", e.code.id);
        }
    }
}
