//! The site build behind `cargo xtask build-site` (see `main.rs`): [`site`] writes a
//! generation of the site and switches to it atomically; [`assets`] (feature `build`) makes
//! the wasm, its JavaScript glue and the CSS.

#[cfg(feature = "build")]
pub mod assets;
pub mod site;

/// The settings of `[[workspace.metadata.leptos]]` in Cargo.toml that the build uses (a test
/// checks that both say the same).
pub mod config {
    pub const OUTPUT_NAME: &str = "certportal";
    pub const SITE_ROOT: &str = "target/site";
    pub const PKG_DIR: &str = "pkg";
    pub const STYLE_FILE: &str = "style/main.css";
    pub const ASSETS_DIR: &str = "public";
    pub const BIN_PACKAGE: &str = "server";
    pub const BIN_TARGET: &str = "server";
    pub const LIB_PACKAGE: &str = "frontend";
    pub const LIB_PROFILE_RELEASE: &str = "wasm-release";
    pub const BROWSER_QUERY: &str = "defaults";
    pub const SITE_ADDR: &str = "127.0.0.1:3000";
    pub const RELOAD_PORT: &str = "3001";
}
