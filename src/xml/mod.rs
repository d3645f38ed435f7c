//! Broker configuration XML: reading an `authorizationPlugin` into an
//! [`AuthzMap`](crate::semantics::AuthzMap), emitting one from a map, and
//! merging a map into an existing configuration without touching any byte
//! outside the plugin element.
//!
//! - [`config`] parses a configuration document (Spring `activemq.xml`,
//!   Amazon MQ `<broker>`, or AWS CLI JSON with a base64 `Data` field) into
//!   a small element tree with byte spans, refusing DTD entity tricks. The
//!   XML is read in one quick-xml pass (`parse`), whose tags and attributes
//!   are checked by one scanner (`tag`); `namespace` tracks declarations,
//!   `layout` the line end and indentation a merge copies, `aws_json` the
//!   JSON wrapper, `facts` what analyses use besides the map.
//! - [`Document`] is any XML document (`jetty.xml`), or every element of
//!   the broker, read by the same pass with the same refusals.
//! - [`emit`] renders the `<authorizationPlugin>` fragment.
//! - [`read`](mod@read) turns the plugin back into a map, as ActiveMQ reads it.
//! - [`merge`](mod@merge) splices a fragment into the document.

mod aws_json;
pub mod config;
mod document;
pub mod emit;
pub(crate) mod facts;
mod layout;
pub mod merge;
mod namespace;
mod parse;
pub mod read;
mod tag;

use crate::diagnostics::Code;

pub use config::{ConfigDoc, ConfigFacts, ConfigFormat};
pub use document::{parse_document, Document};
pub use emit::{fragment, EmitOptions};
pub use merge::{merge, merge_with, MergeOptions, MergeOutput};
pub use read::{read, read_map, ReadResult};

/// The ActiveMQ core namespace URI; the broker element lives in it.
pub const AMQ_NS: &str = "http://activemq.apache.org/schema/core";

/// The principal class ActiveMQ uses when an entry names none.
pub use crate::semantics::DEFAULT_GROUP_CLASS;

/// The document is not well-formed XML.
pub const MALFORMED_XML: Code = Code {
    id: "MQA301",
    name: "malformed-xml",
};

/// The document has a DOCTYPE declaring entities (or external subsets with
/// entities); these are refused so that nothing is expanded or fetched.
pub const DOCTYPE_NOT_ALLOWED: Code = Code {
    id: "MQA302",
    name: "doctype-not-allowed",
};

/// A reference to an entity other than the five predefined ones.
pub const ENTITY_NOT_ALLOWED: Code = Code {
    id: "MQA303",
    name: "entity-not-allowed",
};

/// No `<broker>` element in the ActiveMQ namespace.
pub const NO_BROKER: Code = Code {
    id: "MQA304",
    name: "no-broker",
};

/// More than one `<broker>` element.
pub const SEVERAL_BROKERS: Code = Code {
    id: "MQA305",
    name: "several-brokers",
};

/// More than one `<authorizationPlugin>` element in the broker.
pub const SEVERAL_AUTHORIZATION_PLUGINS: Code = Code {
    id: "MQA306",
    name: "several-authorization-plugins",
};

/// The plugin holds a map type that cannot be modelled (LDAP, simple map).
pub const UNSUPPORTED_AUTHORIZATION_MAP: Code = Code {
    id: "MQA307",
    name: "unsupported-authorization-map",
};

/// A construct inside the plugin that cannot be modelled (bean references,
/// `<destination>` children, `tempQueue`/`tempTopic`, `entries`, ...).
pub const UNSUPPORTED_CONSTRUCT: Code = Code {
    id: "MQA308",
    name: "unsupported-construct",
};

/// An AWS CLI configuration JSON that is not usable (not JSON, not an
/// object, no `Data` string).
pub const INVALID_CONFIG_JSON: Code = Code {
    id: "MQA309",
    name: "invalid-config-json",
};

/// The `Data` field of an AWS CLI configuration JSON is not base64 of UTF-8.
pub const INVALID_CONFIG_DATA: Code = Code {
    id: "MQA310",
    name: "invalid-config-data",
};

/// The authorization map as written would stop the broker from starting
/// (no `<authorizationEntries>`, an entry without destination, an empty
/// name, an unknown attribute, a foreign element in the entry list).
pub const INVALID_AUTHORIZATION_MAP: Code = Code {
    id: "MQA311",
    name: "invalid-authorization-map",
};

/// Merge refused: the existing plugin holds another map type.
pub const PLUGIN_HOLDS_OTHER_MAP: Code = Code {
    id: "MQA312",
    name: "plugin-holds-other-map",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_codes_are_in_the_code_table() {
        use crate::diagnostics::codes::{family, Family};
        for c in [
            MALFORMED_XML,
            DOCTYPE_NOT_ALLOWED,
            ENTITY_NOT_ALLOWED,
            NO_BROKER,
            SEVERAL_BROKERS,
            SEVERAL_AUTHORIZATION_PLUGINS,
            UNSUPPORTED_AUTHORIZATION_MAP,
            UNSUPPORTED_CONSTRUCT,
            INVALID_CONFIG_JSON,
            INVALID_CONFIG_DATA,
            INVALID_AUTHORIZATION_MAP,
            PLUGIN_HOLDS_OTHER_MAP,
        ] {
            assert_eq!(family(c), Some(Family::Config), "{}", c.id);
        }
    }
}
