//! `mqauthz audit`: the broker security practices, checked offline.

pub mod amq;
pub mod awsjson;
pub mod json;
pub mod permitted;
pub mod versions;
