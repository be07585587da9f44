//! Bitstring Status List 1.0: the list of one status purpose as a bitstring, GZIP-compressed
//! and multibase base64url encoded (`u…`); bit 0 is the leftmost bit of the first byte.

use base64::Engine;
use std::io::{Read, Write};

/// Entries per list: the specification's minimum for herd privacy (16 KiB of bits).
pub const LIST_SIZE: u32 = 131_072;

/// A bitstring of [`LIST_SIZE`] entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bitstring(Vec<u8>);

impl Default for Bitstring {
    fn default() -> Self {
        Bitstring(vec![0; (LIST_SIZE / 8) as usize])
    }
}

impl Bitstring {
    /// Sets entry `index` (ignored beyond the list).
    pub fn set(&mut self, index: u32) {
        if index < LIST_SIZE {
            self.0[(index / 8) as usize] |= 0x80 >> (index % 8);
        }
    }

    pub fn get(&self, index: u32) -> bool {
        index < LIST_SIZE && self.0[(index / 8) as usize] & (0x80 >> (index % 8)) != 0
    }

    /// The `encodedList` value.
    pub fn encode(&self) -> String {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&self.0).expect("writing to memory");
        let compressed = gz.finish().expect("writing to memory");
        format!(
            "u{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(compressed)
        )
    }

    /// Reads an `encodedList` of exactly [`LIST_SIZE`] entries.
    pub fn decode(encoded: &str) -> Option<Self> {
        let compressed = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(encoded.strip_prefix('u')?)
            .ok()?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(&compressed[..])
            .take(u64::from(LIST_SIZE / 8) + 1)
            .read_to_end(&mut bytes)
            .ok()?;
        (bytes.len() == (LIST_SIZE / 8) as usize).then_some(Bitstring(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_round_trip() {
        let mut list = Bitstring::default();
        list.set(0);
        list.set(94_567);
        list.set(LIST_SIZE - 1);
        list.set(LIST_SIZE);
        let decoded = Bitstring::decode(&list.encode()).unwrap();
        assert!(decoded.get(0) && decoded.get(94_567) && decoded.get(LIST_SIZE - 1));
        assert!(!decoded.get(1) && !decoded.get(94_566));
        assert_eq!(decoded.0[0], 0x80);
        assert!(list.encode().len() < 200, "an almost empty list compresses");
    }
}
