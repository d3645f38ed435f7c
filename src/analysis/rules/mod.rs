//! The rule catalogue: one rule per file, each with its documentation.

pub(crate) mod advisory_access;
pub(crate) mod advisory_on_queue;
pub(crate) mod amazon_mq_group_name;
pub(crate) mod case_collision;
pub(crate) mod create_needs_admin;
pub(crate) mod grants_nothing;
pub(crate) mod group_without_members;
pub(crate) mod member_of_unknown_group;
pub(crate) mod narrow_grant;
pub(crate) mod overbroad_grant;
pub(crate) mod redundant_grant;
pub(crate) mod temp_open;
pub(crate) mod unused_allow;
pub(crate) mod unused_group;
pub(crate) mod user_without_access;
pub(crate) mod webconsole_group;
