//! The registry: every rule, in code order. Tests over this list check that
//! codes and names are unique, documentation is complete and each rule has a
//! firing fixture.

use super::rules::*;
use super::{AuditRule, Rule};
use crate::audit::{amq, jetty, maps, permitted, selfhosted};

pub static RULES: &[&dyn Rule] = &[
    &redundant_grant::RedundantGrant,
    &narrow_grant::NarrowGrantCannotRestrict,
    &overbroad_grant::OverbroadGrant,
    &unused_group::UnusedGroup,
    &advisory_access::AdvisoryAccessMissing,
    &temp_open::TempDestinationsOpen,
    &create_needs_admin::CreateNeedsAdmin,
    &advisory_on_queue::AdvisoryOnQueue,
    &case_collision::CaseCollision,
    &webconsole_group::WebconsoleGroupMissing,
    &amazon_mq_group_name::AmazonMqGroupName,
    &unused_allow::UnusedAllow,
    &group_without_members::GroupWithoutMembers,
    &member_of_unknown_group::MemberOfUnknownGroup,
    &user_without_access::UserWithoutAccess,
    &grants_nothing::PolicyGrantsNothing,
    // `mqauthz audit` (crate::audit)
    &AuditRule(&selfhosted::NO_AUTHENTICATION),
    &AuditRule(&selfhosted::ANONYMOUS_ACCESS_ALLOWED),
    &AuditRule(&maps::NO_AUTHORIZATION_MAP),
    &AuditRule(&selfhosted::INLINE_PASSWORD),
    &AuditRule(&selfhosted::DEFAULT_CREDENTIALS),
    &AuditRule(&selfhosted::PLAINTEXT_TRANSPORT),
    &AuditRule(&selfhosted::UNUSED_TRANSPORT_CONNECTOR),
    &AuditRule(&selfhosted::JMX_REMOTE_CONNECTOR),
    &AuditRule(&jetty::CONSOLE_UNAUTHENTICATED),
    &AuditRule(&jetty::CONSOLE_ON_ALL_INTERFACES),
    &AuditRule(&jetty::FILESERVER_WEBAPP),
    &AuditRule(&permitted::META),
    &AuditRule(&amq::BROKER_PUBLICLY_ACCESSIBLE),
    &AuditRule(&amq::WORLD_OPEN_PORT),
    &AuditRule(&amq::UNUSED_PROTOCOL_PORT),
    &AuditRule(&amq::ALL_PORTS_OPEN),
    &AuditRule(&amq::SECURITY_GROUP_NOT_FOUND),
    &AuditRule(&amq::AUDIT_LOG_DISABLED),
    &AuditRule(&amq::AUTO_MINOR_UPGRADE_DISABLED),
    &AuditRule(&amq::ENGINE_VERSION_UNSUPPORTED),
    &AuditRule(&amq::KNOWN_VULNERABLE_VERSION),
];

/// A rule by name (`redundant-grant`) or code (`MQA201`).
pub fn find(name: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.meta().code.name == name || r.meta().code.id.eq_ignore_ascii_case(name))
}

/// Every code that is not a rule's, in the code table's order: the language
/// core, broker configurations, import and audit's inputs. With [`RULES`]
/// they are the whole catalogue.
pub fn other_codes() -> Vec<crate::diagnostics::Code> {
    crate::diagnostics::codes::TABLE
        .iter()
        .filter(|e| !e.family.is_rule())
        .map(|e| e.code)
        .collect()
}
