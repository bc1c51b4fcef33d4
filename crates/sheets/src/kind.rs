//! What a file is, from its first bytes: a name can lie (workbooks named `.xls` that are xlsx are
//! common), the content does not.

/// The kind of a spreadsheet file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Office Open XML (a zip archive): .xlsx, .xlsm.
    Xlsx,
    /// The binary Excel format of Office 97–2003 (an OLE2 compound file): .xls.
    Xls,
    /// Anything else is read as delimited text (CSV).
    Text,
}

const ZIP: &[u8] = b"PK\x03\x04";
const OLE2: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

impl Kind {
    pub fn sniff(bytes: &[u8]) -> Self {
        if bytes.starts_with(ZIP) {
            Kind::Xlsx
        } else if bytes.starts_with(OLE2) {
            Kind::Xls
        } else {
            Kind::Text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_decides_not_the_name() {
        assert_eq!(Kind::sniff(b"PK\x03\x04rest"), Kind::Xlsx);
        assert_eq!(Kind::sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]), Kind::Xls);
        assert_eq!(Kind::sniff("序号,问题\n".as_bytes()), Kind::Text);
        assert_eq!(Kind::sniff(b"PK"), Kind::Text, "too short to be a zip");
        assert_eq!(Kind::sniff(b""), Kind::Text);
    }
}
