//! The names of the built files under `/pkg/`. `cargo xtask build-site` names the wasm,
//! JavaScript and CSS by their content and lists the hashes in the site's `hash.txt` (the file
//! and format Leptos's `HydrationScripts` reads for the wasm and JavaScript); the stylesheet
//! link reads it the same way. A site built by cargo-leptos without hashing has the plain
//! names.

use leptos::config::LeptosOptions;

/// The stylesheet's address, e.g. `/pkg/certportal.3f2a….css`.
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    let name = &options.output_name;
    let pkg = &options.site_pkg_dir;
    match hash_of(options, "css") {
        Some(hash) => format!("/{pkg}/{name}.{hash}.css"),
        None => format!("/{pkg}/{name}.css"),
    }
}

/// The hash `hash.txt` gives for one kind of file (`js`, `wasm`, `css`), read on every page as
/// `HydrationScripts` does: after the site is switched to a new build, the next page names the
/// new files.
fn hash_of(options: &LeptosOptions, kind: &str) -> Option<String> {
    if !options.hash_files {
        return None;
    }
    // Where HydrationScripts looks: relative to the executable's directory (an absolute
    // `hash_file` is taken as it is).
    let path = std::env::current_exe()
        .ok()?
        .parent()?
        .join(options.hash_file.as_ref());
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().find_map(|line| {
        let (file, hash) = line.split_once(':')?;
        (file.trim() == kind).then(|| hash.trim().to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_is_named_by_the_hash_file() {
        let dir = std::env::temp_dir().join(format!("assets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let hash_file = dir.join("hash.txt");
        std::fs::write(&hash_file, "js: aaa\nwasm: bbb\ncss: c0ffee\n").unwrap();
        let options = LeptosOptions::builder()
            .output_name("certportal")
            .hash_files(true)
            .hash_file(std::sync::Arc::<str>::from(
                hash_file.to_string_lossy().as_ref(),
            ))
            .build();
        assert_eq!(stylesheet_href(&options), "/pkg/certportal.c0ffee.css");
        std::fs::remove_file(&hash_file).unwrap();
        // No hash file (a site built without hashing): the plain name.
        assert_eq!(stylesheet_href(&options), "/pkg/certportal.css");
        let plain = LeptosOptions::builder().output_name("certportal").build();
        assert_eq!(stylesheet_href(&plain), "/pkg/certportal.css");
    }
}
