//! Codes of the language core: syntax (`MQA0xx`), resolution (`MQA1xx`) and
//! assertions. Analysis rules have `MQA2xx` codes in their registry;
//! configuration files have `MQA3xx` codes in `xml`.

use super::Code;

pub const SYNTAX_ERROR: Code = Code {
    id: "MQA001",
    name: "syntax-error",
};
pub const UNTERMINATED_STRING: Code = Code {
    id: "MQA002",
    name: "unterminated-string",
};
pub const INVALID_STRING: Code = Code {
    id: "MQA003",
    name: "invalid-string",
};
pub const MISPLACED_KEYWORD: Code = Code {
    id: "MQA004",
    name: "misplaced-keyword",
};
pub const UNKNOWN_RIGHT: Code = Code {
    id: "MQA005",
    name: "unknown-right",
};
pub const MISSING_ON: Code = Code {
    id: "MQA006",
    name: "missing-on",
};
pub const INVALID_SUPPRESSION: Code = Code {
    id: "MQA007",
    name: "invalid-suppression",
};
pub const INVALID_ENCODING: Code = Code {
    id: "MQA008",
    name: "invalid-encoding",
};
pub const INVALID_PATTERN: Code = Code {
    id: "MQA101",
    name: "invalid-pattern",
};
pub const UNKNOWN_GROUP: Code = Code {
    id: "MQA102",
    name: "unknown-group",
};
pub const DUPLICATE_GROUP: Code = Code {
    id: "MQA103",
    name: "duplicate-group",
};
pub const INVALID_GROUP_NAME: Code = Code {
    id: "MQA104",
    name: "invalid-group-name",
};
pub const ASSERTION_FAILED: Code = Code {
    id: "MQA150",
    name: "assertion-failed",
};

/// Every code of the language core, for the catalogue and uniqueness tests.
pub const ALL: &[Code] = &[
    SYNTAX_ERROR,
    UNTERMINATED_STRING,
    INVALID_STRING,
    MISPLACED_KEYWORD,
    UNKNOWN_RIGHT,
    MISSING_ON,
    INVALID_SUPPRESSION,
    INVALID_ENCODING,
    INVALID_PATTERN,
    UNKNOWN_GROUP,
    DUPLICATE_GROUP,
    INVALID_GROUP_NAME,
    ASSERTION_FAILED,
];
