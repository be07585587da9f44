//! Every address of the site, written once.
//!
//! The server's plain routes are declared from the path patterns in [`route`] (axum's
//! `{param}` syntax), and every link, redirect and QR code is built by the functions below,
//! which fill in those same patterns, so a URL cannot be spelled two ways. The pages' own
//! addresses are declared in `App` (`lib.rs`) with Leptos's typed `<Route path=…>` segments;
//! those typed segments stay there, and the patterns here marked "a Leptos page" must name the
//! same addresses. This module is plain string work and compiles for the browser too.

/// Path patterns, as the router declares them. `{name}` is a parameter.
pub mod route {
    /// Liveness and database reachability.
    pub const HEALTHZ: &str = "/healthz";
    /// Switches the interface language (`{code}`: `zh` or `en`).
    pub const LANG: &str = "/lang/{code}";
    /// One character drawn as SVG (`{file}`: the code point in hex, then `.svg`).
    pub const GLYPH: &str = "/glyph/{file}";
    /// Where glyphs live, for layers that skip work for them.
    pub const GLYPH_PREFIX: &str = "/glyph/";
    /// The compiled scripts, styles and wasm.
    pub const PKG_PREFIX: &str = "/pkg/";
    pub const FAVICON: &str = "/favicon.svg";
    /// 加注后的电子证书样式: a sample annotated copy, and its drawing.
    pub const SAMPLE: &str = "/sample";
    pub const SAMPLE_PREVIEW: &str = "/sample/preview.svg";
    /// 关于本系统.
    pub const ABOUT: &str = "/about";

    pub const HOME: &str = "/";
    pub const REGISTER: &str = "/register";
    /// Registration's second step: the code sent to the mobile number (`?ticket=`).
    pub const REGISTER_CONFIRM: &str = "/register/confirm";
    /// Where a proven registration for a registered ID number ends: the ways forward.
    pub const REGISTER_TAKEN: &str = "/register/taken";
    pub const LOGIN: &str = "/login";
    /// 忘记密码: the account and its mobile number.
    pub const FORGOT_PASSWORD: &str = "/password/forgot";
    /// The code and the new password (`?ticket=`).
    pub const RESET_PASSWORD: &str = "/password/reset";
    pub const LOGOUT: &str = "/logout";
    pub const TERMS: &str = "/terms";
    pub const ACCOUNT: &str = "/account";
    /// 更换手机号 (a Leptos page; its form posts here).
    pub const ACCOUNT_MOBILE: &str = "/account/mobile";
    /// 更正姓名 (a Leptos page; its form posts here).
    pub const ACCOUNT_NAME: &str = "/account/name";
    /// The code that confirms either change (`?ticket=`).
    pub const ACCOUNT_CONFIRM: &str = "/account/confirm";
    pub const CERTIFICATES: &str = "/certificates";
    /// 账号申诉: the appeal form (a Leptos page; its multipart form posts here).
    pub const APPEAL: &str = "/appeal";
    /// The code that files an appeal (`?ticket=`).
    pub const APPEAL_CONFIRM: &str = "/appeal/confirm";
    /// 申诉进度查询 (a Leptos page; its form posts here).
    pub const APPEAL_STATUS: &str = "/appeal/status";

    /// A certificate's page (a Leptos page).
    pub const CERTIFICATE: &str = "/certificates/{id}";
    /// A certificate's download page (a Leptos page).
    pub const CERTIFICATE_DOWNLOAD: &str = "/certificates/{id}/download";
    /// The annotation form (a Leptos page; the plain form posts here too).
    pub const CERTIFICATE_ANNOTATE: &str = "/certificates/{id}/annotate";
    /// One electronic file shown inside the site (a Leptos page).
    pub const CERTIFICATE_FILE: &str = "/certificates/{id}/files/{file}";
    /// A pre-cut-off e-certificate, signed on request.
    pub const E_CERTIFICATE_PDF: &str = "/certificates/{id}/e-certificate/pdf";
    pub const E_CERTIFICATE_DOWNLOAD: &str = "/certificates/{id}/e-certificate/download";

    /// A certificate's electronic file, shown by the browser.
    pub const FILE: &str = "/files/{id}";
    pub const FILE_DOWNLOAD: &str = "/files/{id}/download";

    /// An annotated copy's page (a Leptos page).
    pub const ANNOTATION: &str = "/annotations/{code}";
    pub const ANNOTATION_PDF: &str = "/annotations/{code}/pdf";
    pub const ANNOTATION_DOWNLOAD: &str = "/annotations/{code}/download";
    pub const ANNOTATION_PREVIEW: &str = "/annotations/{code}/preview.svg";
    /// The copy's QR code (its public verification link), for the holder to show on screen.
    pub const ANNOTATION_QR: &str = "/annotations/{code}/qr.svg";
    /// The copy as a W3C Verifiable Credential (a download, `application/vc+ld+json`).
    pub const ANNOTATION_CREDENTIAL: &str = "/annotations/{code}/credential";
    /// The issuer's DID document (`did:web` of the public URL).
    pub const DID_DOCUMENT: &str = "/.well-known/did.json";
    /// A revocation status list credential (Bitstring Status List), `{list}` from 1.
    pub const CREDENTIAL_STATUS_LIST: &str = "/credentials/status/{list}";
    /// The credential for a digital wallet, by a short-lived link made on the copy's page
    /// (`app::credentials::WalletLink`); no session needed.
    pub const WALLET_CREDENTIAL: &str = "/credentials/copy/{token}";
    /// That link as a QR code, for the wallet to scan off the holder's screen.
    pub const WALLET_CREDENTIAL_QR: &str = "/credentials/copy/{token}/qr.svg";

    /// The verification page (the plain forms post here too).
    pub const VERIFY: &str = "/verify";
    /// The verdict for a verification code (a Leptos page, the QR code's link).
    pub const VERIFY_CODE: &str = "/verify/{code}";

    /// The public verification API: anonymous, read-only, callable from any site.
    pub const API_V1: &str = "/api/v1";
    /// Under [`API_V1`].
    pub const API_VERIFY_CODE: &str = "/verify/{code}";
    /// Under [`API_V1`].
    pub const API_VERIFY_MANUAL: &str = "/verify/manual";
    /// Under [`API_V1`].
    pub const API_VERIFY_FILE: &str = "/verify/file";
    pub const OPENAPI: &str = "/api/openapi.json";

    /// Test controls (only routed when enabled).
    pub const TEST_CLOCK: &str = "/__test/clock";
    pub const TEST_CLOCK_RESET: &str = "/__test/clock/reset";
    pub const TEST_CERTIFICATES: &str = "/__test/certificates";

    /// 注销账号 (a Leptos page; its form posts here).
    pub const ACCOUNT_DELETE: &str = "/account/delete";
    /// The holder's personal data as one JSON file (查阅复制).
    pub const ACCOUNT_EXPORT: &str = "/account/export.json";
}

/// `pattern` with its `{…}` parameters replaced, in order, by `args`.
fn fill(pattern: &str, args: &[&str]) -> String {
    let mut out =
        String::with_capacity(pattern.len() + args.iter().map(|a| a.len()).sum::<usize>());
    let mut args = args.iter();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..]
            .find('}')
            .map_or(rest.len(), |close| open + close + 1);
        out.push_str(args.next().copied().unwrap_or_default());
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

/// `path` with `?next=<here>`.
fn with_next(path: &str, here: &str) -> String {
    [path, "?next=", &encode_component(here)].concat()
}

pub fn certificate(public_id: &str) -> String {
    fill(route::CERTIFICATE, &[public_id])
}

pub fn certificate_download(public_id: &str) -> String {
    fill(route::CERTIFICATE_DOWNLOAD, &[public_id])
}

/// The annotations section of a certificate's download page.
pub fn certificate_annotations(public_id: &str) -> String {
    [certificate_download(public_id).as_str(), "#annotations"].concat()
}

pub fn certificate_annotate(public_id: &str) -> String {
    fill(route::CERTIFICATE_ANNOTATE, &[public_id])
}

pub fn certificate_file(certificate_id: &str, file_id: &str) -> String {
    fill(route::CERTIFICATE_FILE, &[certificate_id, file_id])
}

pub fn e_certificate_pdf(public_id: &str) -> String {
    fill(route::E_CERTIFICATE_PDF, &[public_id])
}

pub fn e_certificate_download(public_id: &str) -> String {
    fill(route::E_CERTIFICATE_DOWNLOAD, &[public_id])
}

pub fn file(public_id: &str) -> String {
    fill(route::FILE, &[public_id])
}

pub fn file_download(public_id: &str) -> String {
    fill(route::FILE_DOWNLOAD, &[public_id])
}

pub fn annotation(code: &str) -> String {
    fill(route::ANNOTATION, &[code])
}

pub fn annotation_pdf(code: &str) -> String {
    fill(route::ANNOTATION_PDF, &[code])
}

pub fn annotation_download(code: &str) -> String {
    fill(route::ANNOTATION_DOWNLOAD, &[code])
}

pub fn annotation_preview(code: &str) -> String {
    fill(route::ANNOTATION_PREVIEW, &[code])
}

pub fn annotation_qr(code: &str) -> String {
    fill(route::ANNOTATION_QR, &[code])
}

pub fn annotation_credential(code: &str) -> String {
    fill(route::ANNOTATION_CREDENTIAL, &[code])
}

/// The wallet link `token` on the site at `public_url` (no trailing slash).
pub fn wallet_credential_at(public_url: &str, token: &str) -> String {
    [public_url, &fill(route::WALLET_CREDENTIAL, &[token])].concat()
}

/// The QR code of the wallet link `token`.
pub fn wallet_credential_qr(token: &str) -> String {
    fill(route::WALLET_CREDENTIAL_QR, &[token])
}

/// The status list credential `list` on the site at `public_url` (no trailing slash).
pub fn credential_status_list_at(public_url: &str, list: i64) -> String {
    [
        public_url,
        &fill(route::CREDENTIAL_STATUS_LIST, &[&list.to_string()]),
    ]
    .concat()
}

/// The page where anyone can check a document by its verification code.
pub fn verify_code(code: &str) -> String {
    fill(route::VERIFY_CODE, &[code])
}

/// [`verify_code`] on the site at `public_url` (no trailing slash): the QR code's link.
pub fn verify_code_at(public_url: &str, code: &str) -> String {
    [public_url, &verify_code(code)].concat()
}

/// A character's glyph drawn as SVG; `hex` is its code point.
pub fn glyph(hex: &str) -> String {
    fill(route::GLYPH, &[&[hex, ".svg"].concat()])
}

/// The login page, coming back to `here` afterwards.
pub fn login_then(here: &str) -> String {
    with_next(route::LOGIN, here)
}

/// Registration's code step for `ticket`.
pub fn register_confirm(ticket: &str) -> String {
    [
        route::REGISTER_CONFIRM,
        "?ticket=",
        &encode_component(ticket),
    ]
    .concat()
}

/// The password reset's code step for `ticket`.
pub fn reset_password(ticket: &str) -> String {
    [route::RESET_PASSWORD, "?ticket=", &encode_component(ticket)].concat()
}

/// The code step of an account change for `ticket`.
pub fn account_confirm(ticket: &str) -> String {
    [
        route::ACCOUNT_CONFIRM,
        "?ticket=",
        &encode_component(ticket),
    ]
    .concat()
}

/// The account page after a change (`what`: `mobile` or `name`), which says so.
/// The home page after the account was deleted, which says so.
pub fn home_after_deletion() -> String {
    [route::HOME, "?deleted=1"].concat()
}

pub fn account_changed(what: &str) -> String {
    [route::ACCOUNT, "?changed=", &encode_component(what)].concat()
}

/// The login page after a password reset, which says so.
pub fn login_after_reset() -> String {
    [route::LOGIN, "?reset=done"].concat()
}

/// The code step of an appeal for `ticket`.
pub fn appeal_confirm(ticket: &str) -> String {
    [route::APPEAL_CONFIRM, "?ticket=", &encode_component(ticket)].concat()
}

/// The status page right after an appeal was filed under `number`, which says so.
pub fn appeal_filed(number: &str) -> String {
    [route::APPEAL_STATUS, "?filed=", &encode_component(number)].concat()
}

/// The status page after an appeal for an ID number that has no account: register instead.
pub fn appeal_unregistered() -> String {
    [route::APPEAL_STATUS, "?unregistered=1"].concat()
}

/// The terms page, going on to `next` afterwards.
pub fn terms_then(next: &str) -> String {
    with_next(route::TERMS, next)
}

/// The link that switches the interface to `lang` and comes back to `here`.
pub fn lang_switch_href(lang: crate::i18n::Lang, here: &str) -> String {
    with_next(&fill(route::LANG, &[lang.code()]), here)
}

/// Whether `path` is under the public API (no cookies, callable from anywhere).
pub fn is_public_api(path: &str) -> bool {
    path.strip_prefix(route::API_V1)
        .is_some_and(|rest| rest.starts_with('/'))
}

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

    #[test]
    fn builders_fill_the_router_patterns() {
        assert_eq!(certificate("C1"), "/certificates/C1");
        assert_eq!(certificate_download("C1"), "/certificates/C1/download");
        assert_eq!(
            certificate_annotations("C1"),
            "/certificates/C1/download#annotations"
        );
        assert_eq!(certificate_annotate("C1"), "/certificates/C1/annotate");
        assert_eq!(certificate_file("C1", "F2"), "/certificates/C1/files/F2");
        assert_eq!(
            e_certificate_pdf("C1"),
            "/certificates/C1/e-certificate/pdf"
        );
        assert_eq!(
            e_certificate_download("C1"),
            "/certificates/C1/e-certificate/download"
        );
        assert_eq!(file("F2"), "/files/F2");
        assert_eq!(file_download("F2"), "/files/F2/download");
        assert_eq!(annotation("AB"), "/annotations/AB");
        assert_eq!(annotation_pdf("AB"), "/annotations/AB/pdf");
        assert_eq!(annotation_download("AB"), "/annotations/AB/download");
        assert_eq!(annotation_preview("AB"), "/annotations/AB/preview.svg");
        assert_eq!(annotation_credential("AB"), "/annotations/AB/credential");
        assert_eq!(
            credential_status_list_at("https://x.org", 3),
            "https://x.org/credentials/status/3"
        );
        assert_eq!(verify_code("AB"), "/verify/AB");
        assert_eq!(
            verify_code_at("https://x.org", "AB"),
            "https://x.org/verify/AB"
        );
        assert_eq!(glyph("2A6A5"), "/glyph/2A6A5.svg");
        assert_eq!(login_then("/a b"), "/login?next=%2Fa%20b");
        assert_eq!(terms_then("/certificates"), "/terms?next=%2Fcertificates");
        assert_eq!(
            lang_switch_href(crate::i18n::Lang::En, "/faq"),
            "/lang/en?next=%2Ffaq"
        );
    }

    #[test]
    fn only_the_api_is_public() {
        assert!(is_public_api("/api/v1/verify/manual"));
        assert!(!is_public_api("/api/v1x"));
        assert!(!is_public_api("/api/openapi.json"));
        assert!(!is_public_api("/verify"));
    }
}
