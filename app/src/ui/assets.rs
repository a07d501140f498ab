//! The addresses pages give the site's own files: the stylesheet, and the islands' script and
//! WASM. The server puts each file's content version in its address (`?v=`, see
//! `server::assets`) and answers an address with the current version as kept for a year: a
//! phone coming back on a weak network asks for none of them again until a build changes them,
//! where before it asked each time whether they had changed (#12). Without versions (tests
//! without a built site) pages use the plain addresses, which are checked each time.
use leptos::prelude::*;
use std::sync::Arc;

pub const STYLESHEET: &str = "/pkg/portal.css";
pub const SCRIPT: &str = "/pkg/portal.js";
pub const WASM: &str = "/pkg/portal.wasm";

/// The islands' loader as written, naming the plain addresses.
const LOADER: &str = include_str!("islands.js");

/// Made once when the server starts, and provided to every render.
#[derive(Clone, Debug)]
pub struct Assets {
    pub stylesheet: Arc<str>,
    /// The islands' loader with the script's and the WASM's addresses filled in.
    pub loader: Arc<str>,
}

impl Assets {
    /// `version(address)`: the content version of the file at one of the addresses above.
    pub fn new(version: impl Fn(&str) -> Option<String>) -> Self {
        let at = |address: &str| match version(address) {
            Some(version) => format!("{address}?v={version}"),
            None => address.to_owned(),
        };
        Self {
            stylesheet: at(STYLESHEET).into(),
            loader: LOADER.replace(SCRIPT, &at(SCRIPT)).replace(WASM, &at(WASM)).into(),
        }
    }
}

impl Default for Assets {
    fn default() -> Self {
        Self::new(|_| None)
    }
}

/// The render's addresses; the plain ones where the server provided none.
pub fn use_assets() -> Assets {
    use_context().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loader_names_the_versioned_script_and_wasm() {
        let assets = Assets::new(|address| Some(format!("{}", address.len())));
        assert_eq!(&*assets.stylesheet, "/pkg/portal.css?v=15");
        assert!(assets.loader.contains("import('/pkg/portal.js?v=14')"), "{}", assets.loader);
        assert!(assets.loader.contains("'/pkg/portal.wasm?v=16'"), "{}", assets.loader);
    }

    #[test]
    fn without_versions_the_addresses_are_plain() {
        let assets = Assets::default();
        assert_eq!(&*assets.stylesheet, STYLESHEET);
        assert_eq!(&*assets.loader, LOADER);
        assert!(LOADER.contains(SCRIPT) && LOADER.contains(WASM), "the loader names both files");
    }
}
