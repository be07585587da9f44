//! What a test does when something it needs from the machine (a command-line tool, a font, a
//! Python package) is missing. Shared by the integration tests (through `tests/common`) and
//! the crate's unit tests (included by path from `src/lib.rs`), so the rule lives in one place.

/// Reports that `missing` (what is missing and how to install it) keeps the test from running.
/// The test is skipped (this prints `SKIPPED: …` and the caller returns) unless
/// `CERTPDF_REQUIRE_TOOLS` is set, as the project's test command sets it: there, a missing
/// prerequisite fails the test.
pub fn missing_prerequisite(missing: &str) {
    if std::env::var_os("CERTPDF_REQUIRE_TOOLS").is_some() {
        panic!("required (CERTPDF_REQUIRE_TOOLS is set): {missing}");
    }
    eprintln!("SKIPPED: {missing}");
}
