//! A deterministic generator of a realistic multi-format log corpus with planted facts, for the
//! benchmark, the end-to-end tests and the bundled demo logs.
