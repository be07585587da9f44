//! Building URLs for links: the few encodings the pages need, without a dependency.

/// Percent-encodes `s` for use as one query parameter value.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Whether `next` is safe to redirect to after a login or a language switch: a path on this
/// site, never another host (`//evil.example`, `https://…`, `/\evil`).
pub fn is_local_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.chars().any(|c| c.is_control())
}

/// The link that switches the interface to `lang` and comes back to `here`.
pub fn lang_switch_href(lang: crate::i18n::Lang, here: &str) -> String {
    format!("/lang/{}?next={}", lang.code(), encode_component(here))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_non_ascii() {
        assert_eq!(encode_component("/a b?c=d&e"), "%2Fa%20b%3Fc%3Dd%26e");
        assert_eq!(encode_component("张"), "%E5%BC%A0");
    }

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert!(is_local_path("/certificates?x=1"));
        assert!(!is_local_path("//evil.example/"));
        assert!(!is_local_path("https://evil.example/"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("evil"));
        assert!(!is_local_path("/a\r\nSet-Cookie: x"));
    }
}
