//! Paths in the checkpoint and the marker, kept as the bytes they are on Unix: a path that is
//! valid UTF-8 is written as a string (readable, as before), any other as `{"bytes": [..]}`.
//! (serde_json refuses a non-UTF-8 `PathBuf`, which emptied the whole checkpoint.)

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Repr<'a> {
    Text(std::borrow::Cow<'a, str>),
    Bytes { bytes: Vec<u8> },
}

fn repr(path: &Path) -> Repr<'_> {
    match path.to_str() {
        Some(s) => Repr::Text(s.into()),
        None => Repr::Bytes {
            bytes: path.as_os_str().as_bytes().to_vec(),
        },
    }
}

fn path_of(r: Repr<'_>) -> PathBuf {
    match r {
        Repr::Text(s) => PathBuf::from(s.into_owned()),
        Repr::Bytes { bytes } => PathBuf::from(OsString::from_vec(bytes)),
    }
}

pub fn serialize<S: Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    repr(path).serialize(s)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PathBuf, D::Error> {
    Repr::deserialize(d).map(path_of)
}

/// The same for a list of paths.
pub mod vec {
    use super::*;

    pub fn serialize<S: Serializer>(paths: &[PathBuf], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(paths.iter().map(|p| repr(p)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PathBuf>, D::Error> {
        Vec::<Repr<'_>>::deserialize(d).map(|v| v.into_iter().map(path_of).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct P {
        #[serde(with = "super")]
        one: PathBuf,
        #[serde(with = "super::vec")]
        many: Vec<PathBuf>,
    }

    #[test]
    fn paths_round_trip_whatever_their_bytes() {
        let odd = PathBuf::from(OsString::from_vec(b"/var/log/caf\xe9.log".to_vec()));
        let p = P {
            one: odd.clone(),
            many: vec![PathBuf::from("/var/log"), odd],
        };
        let json = serde_json::to_string(&p).unwrap();
        assert!(
            json.contains("\"/var/log\""),
            "UTF-8 paths stay strings: {json}"
        );
        assert_eq!(serde_json::from_str::<P>(&json).unwrap(), p);
    }
}
