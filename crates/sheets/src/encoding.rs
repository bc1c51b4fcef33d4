//! Text files in the encodings Chinese offices save them in: UTF-8 (Excel adds a BOM, other tools
//! do not), GBK from older Excel and WPS "CSV" saves, GB18030 (GBK's superset), and UTF-16 with a
//! BOM (Excel's "Unicode text"). The encoding is found from the bytes; a file in none of them is
//! refused with where its first bad sequence starts, never decoded with replacement characters.

use crate::SheetError;
use encoding_rs::{DecoderResult, Encoding, GB18030, UTF_16BE, UTF_16LE};

/// The encoding a text file was found to be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8WithBom,
    Utf16,
    /// GB18030, which includes GBK and GB2312.
    Gb18030,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8WithBom => "UTF-8 (BOM)",
            TextEncoding::Utf16 => "UTF-16",
            TextEncoding::Gb18030 => "GBK/GB18030",
        }
    }
}

/// The text of `bytes` and the encoding it was in.
pub fn decode(bytes: &[u8]) -> Result<(String, TextEncoding), SheetError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(s) => Ok((s.to_owned(), TextEncoding::Utf8WithBom)),
            Err(e) => {
                let at = 3 + e.valid_up_to();
                Err(SheetError::Encoding { utf8_offset: at, gb18030_offset: at })
            }
        };
    }
    for (bom, encoding) in [(&b"\xFF\xFE"[..], UTF_16LE), (&b"\xFE\xFF"[..], UTF_16BE)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return strict(encoding, rest)
                .map(|s| (s, TextEncoding::Utf16))
                .map_err(|at| SheetError::Encoding { utf8_offset: at + 2, gb18030_offset: at + 2 });
        }
    }
    // A NUL is in no text file: this is a binary file (or UTF-16 without its BOM).
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        return Err(SheetError::Encoding { utf8_offset: nul, gb18030_offset: nul });
    }
    let utf8_offset = match std::str::from_utf8(bytes) {
        Ok(s) => return Ok((s.to_owned(), TextEncoding::Utf8)),
        Err(e) => e.valid_up_to(),
    };
    strict(GB18030, bytes)
        .map(|s| (s, TextEncoding::Gb18030))
        .map_err(|gb18030_offset| SheetError::Encoding { utf8_offset, gb18030_offset })
}

/// `bytes` decoded as `encoding` without replacement, or the offset of the first malformed
/// sequence.
fn strict(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, usize> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(decoder.max_utf8_buffer_length_without_replacement(bytes.len()).unwrap_or(0));
    let mut read_total = 0;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(&bytes[read_total..], &mut out, true);
        read_total += read;
        match result {
            DecoderResult::InputEmpty => return Ok(out),
            DecoderResult::OutputFull => out.reserve(bytes.len() - read_total + 16),
            DecoderResult::Malformed(bad, after) => {
                return Err(read_total - usize::from(after) - usize::from(bad));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "序号,问题描述,整改时限\n1,路灯不亮,2019年8月1日\n";

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode(TEXT.as_bytes()).unwrap(), (TEXT.to_string(), TextEncoding::Utf8));
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), TEXT.as_bytes()].concat();
        assert_eq!(decode(&with_bom).unwrap(), (TEXT.to_string(), TextEncoding::Utf8WithBom));
    }

    #[test]
    fn gbk_and_gb18030_read_as_the_same_text() {
        let (gbk, _, bad) = encoding_rs::GBK.encode(TEXT);
        assert!(!bad);
        assert_eq!(decode(&gbk).unwrap(), (TEXT.to_string(), TextEncoding::Gb18030));
        // A character outside GBK (four bytes in GB18030).
        let rare = "𠀀字";
        let (gb, _, bad) = GB18030.encode(rare);
        assert!(!bad);
        assert_eq!(decode(&gb).unwrap().0, rare);
    }

    #[test]
    fn utf16_with_a_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in TEXT.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap(), (TEXT.to_string(), TextEncoding::Utf16));
    }

    #[test]
    fn a_file_in_no_known_encoding_names_where_it_goes_wrong() {
        // Valid text, then a byte that starts a GB18030 pair but is followed by a byte no pair
        // ends with, and which is not UTF-8 either.
        let mut bytes = "问题,".as_bytes().to_vec();
        let at = bytes.len();
        bytes.extend_from_slice(&[0x81, 0x7F, b'a']);
        match decode(&bytes) {
            Err(SheetError::Encoding { utf8_offset, gb18030_offset }) => {
                assert_eq!(utf8_offset, at);
                assert!(gb18030_offset >= 3, "the GB18030 reading fails inside the text: {gb18030_offset}");
            }
            other => panic!("expected an encoding error, got {other:?}"),
        }
        let mut binary = b"abc".to_vec();
        binary.push(0);
        assert_eq!(decode(&binary), Err(SheetError::Encoding { utf8_offset: 3, gb18030_offset: 3 }));
        let bad_after_bom = [0xEF, 0xBB, 0xBF, b'a', 0xFF];
        assert_eq!(decode(&bad_after_bom), Err(SheetError::Encoding { utf8_offset: 4, gb18030_offset: 4 }));
    }
}
