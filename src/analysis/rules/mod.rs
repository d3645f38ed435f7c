//! The rule catalogue: one rule per file, each with its documentation.

pub mod advisory_access;
pub mod advisory_on_queue;
pub mod amazon_mq_group_name;
pub mod case_collision;
pub mod create_needs_admin;
pub mod grants_nothing;
pub mod narrow_grant;
pub mod overbroad_grant;
pub mod redundant_grant;
pub mod temp_open;
pub mod unused_allow;
pub mod unused_group;
pub mod webconsole_group;
