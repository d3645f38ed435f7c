//! Destination patterns and their algebra (to be written).
