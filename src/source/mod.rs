//! Where log lines come from: finding files, recognising compression and binary files,
//! identifying a file across rotation, and reading its lines with their byte offsets.

pub mod compress;
pub mod discover;
pub mod family;
pub mod identity;
pub mod lines;

pub use compress::Compression;
pub use discover::{Discovered, Skipped, discover, discover_with};
pub use identity::FileStat;
pub use lines::{Line, LineReader};
