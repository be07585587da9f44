//! Unicode blocks that hold Han ideographs (Unicode 15.1), as a picker shows them and as the
//! portal's name rules use them: the one table of them in the workspace.

/// The Unicode block of a Han character.
///
/// Variants are declared in search order, so `Ord` sorts the way results do
/// (after the 通用规范汉字表 characters, which come first whatever their block).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Block {
    /// CJK Unified Ideographs, U+4E00–U+9FFF (the URO).
    Basic,
    /// Extension A, U+3400–U+4DBF.
    ExtA,
    /// Extension B, U+20000–U+2A6DF.
    ExtB,
    /// Extension C, U+2A700–U+2B73F.
    ExtC,
    /// Extension D, U+2B740–U+2B81F.
    ExtD,
    /// Extension E, U+2B820–U+2CEAF.
    ExtE,
    /// Extension F, U+2CEB0–U+2EBEF.
    ExtF,
    /// Extension G, U+30000–U+3134F.
    ExtG,
    /// Extension H, U+31350–U+323AF.
    ExtH,
    /// Extension I, U+2EBF0–U+2EE5F (Unicode 15.1).
    ExtI,
    /// CJK Compatibility Ideographs (U+F900–U+FAFF) and their Supplement
    /// (U+2F800–U+2FA1F).
    Compatibility,
    /// Anything else, including blocks newer than Unicode 15.1 (e.g. Extension J).
    Other,
}

impl Block {
    /// The block `ch` belongs to.
    pub const fn of(ch: char) -> Block {
        match ch as u32 {
            0x4E00..=0x9FFF => Block::Basic,
            0x3400..=0x4DBF => Block::ExtA,
            0x20000..=0x2A6DF => Block::ExtB,
            0x2A700..=0x2B73F => Block::ExtC,
            0x2B740..=0x2B81F => Block::ExtD,
            0x2B820..=0x2CEAF => Block::ExtE,
            0x2CEB0..=0x2EBEF => Block::ExtF,
            0x30000..=0x3134F => Block::ExtG,
            0x31350..=0x323AF => Block::ExtH,
            0x2EBF0..=0x2EE5F => Block::ExtI,
            0xF900..=0xFAFF | 0x2F800..=0x2FA1F => Block::Compatibility,
            _ => Block::Other,
        }
    }

    /// Chinese label, e.g. "扩展B".
    pub const fn label(self) -> &'static str {
        match self {
            Block::Basic => "基本区",
            Block::ExtA => "扩展A",
            Block::ExtB => "扩展B",
            Block::ExtC => "扩展C",
            Block::ExtD => "扩展D",
            Block::ExtE => "扩展E",
            Block::ExtF => "扩展F",
            Block::ExtG => "扩展G",
            Block::ExtH => "扩展H",
            Block::ExtI => "扩展I",
            Block::Compatibility => "兼容区",
            Block::Other => "其他",
        }
    }

    /// English label, e.g. "Extension B".
    pub const fn label_en(self) -> &'static str {
        match self {
            Block::Basic => "Basic",
            Block::ExtA => "Extension A",
            Block::ExtB => "Extension B",
            Block::ExtC => "Extension C",
            Block::ExtD => "Extension D",
            Block::ExtE => "Extension E",
            Block::ExtF => "Extension F",
            Block::ExtG => "Extension G",
            Block::ExtH => "Extension H",
            Block::ExtI => "Extension I",
            Block::Compatibility => "Compatibility",
            Block::Other => "Other",
        }
    }

    /// True for the blocks outside the Basic Multilingual Plane, which many
    /// fonts and older systems cannot show: a UI may want to warn about them.
    pub const fn is_supplementary(self) -> bool {
        matches!(
            self,
            Block::ExtB
                | Block::ExtC
                | Block::ExtD
                | Block::ExtE
                | Block::ExtF
                | Block::ExtG
                | Block::ExtH
                | Block::ExtI
        )
    }
}

/// "U+2A6A5" for 𪚥; at least four hex digits, as Unicode writes them.
pub fn code_point_label(ch: char) -> String {
    format!("U+{:04X}", ch as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_labels() {
        assert_eq!(Block::of('一'), Block::Basic);
        assert_eq!(Block::of('\u{9FFF}'), Block::Basic);
        assert_eq!(Block::of('㐀'), Block::ExtA);
        assert_eq!(Block::of('𪚥'), Block::ExtB);
        assert_eq!(Block::of('\u{2A700}'), Block::ExtC);
        assert_eq!(Block::of('\u{2B740}'), Block::ExtD);
        assert_eq!(Block::of('\u{2B820}'), Block::ExtE);
        assert_eq!(Block::of('\u{2CEB0}'), Block::ExtF);
        assert_eq!(Block::of('𰻝'), Block::ExtG);
        assert_eq!(Block::of('\u{31350}'), Block::ExtH);
        assert_eq!(Block::of('\u{323AF}'), Block::ExtH);
        assert_eq!(Block::of('\u{2EBEF}'), Block::ExtF);
        assert_eq!(Block::of('\u{2EBF0}'), Block::ExtI);
        assert_eq!(Block::of('\u{2EE5F}'), Block::ExtI);
        assert_eq!(Block::of('\u{2EE60}'), Block::Other);
        assert_eq!(
            Block::of('\u{3007}'),
            Block::Other,
            "〇 is a symbol, not in a Han block"
        );
        assert_eq!(Block::of('\u{FA18}'), Block::Compatibility);
        assert_eq!(Block::of('\u{2F835}'), Block::Compatibility);
        assert_eq!(Block::of('a'), Block::Other);
        assert_eq!(Block::ExtB.label(), "扩展B");
        assert_eq!(Block::ExtB.label_en(), "Extension B");
        assert!(Block::ExtB.is_supplementary() && !Block::ExtA.is_supplementary());
        assert!(Block::ExtI.is_supplementary());
        assert_eq!(Block::ExtI.label(), "扩展I");
        assert_eq!(code_point_label('𪚥'), "U+2A6A5");
        assert_eq!(code_point_label('一'), "U+4E00");
        assert_eq!(code_point_label('a'), "U+0061");
    }
}
