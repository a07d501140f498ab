//! Turns the translation files into one Rust struct with a field per text, so a key missing
//! from either language, or misspelt in code, stops the build instead of showing a blank.

use std::{collections::BTreeMap, env, fs, path::Path};

const LOCALES: [(&str, &str); 2] = [("ZH", "locales/zh-CN.txt"), ("EN", "locales/en.txt")];

fn parse(path: &str) -> BTreeMap<String, String> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut texts = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=').unwrap_or_else(|| panic!("{path}:{}: expected `key = text`", n + 1));
        let key = key.trim();
        assert!(
            !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{path}:{}: keys are snake_case",
            n + 1
        );
        let value = value.trim().replace("\\n", "\n");
        assert!(texts.insert(key.to_owned(), value).is_none(), "{path}:{}: `{key}` given twice", n + 1);
    }
    texts
}

fn main() {
    let parsed: Vec<_> = LOCALES
        .iter()
        .map(|(name, path)| {
            println!("cargo:rerun-if-changed={path}");
            (*name, path, parse(path))
        })
        .collect();
    let (_, first_path, first) = &parsed[0];
    for (_, path, texts) in &parsed[1..] {
        let missing: Vec<_> = first.keys().filter(|k| !texts.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{missing:?} in {first_path} but not in {path}");
        let extra: Vec<_> = texts.keys().filter(|k| !first.contains_key(*k)).collect();
        assert!(extra.is_empty(), "{extra:?} in {path} but not in {first_path}");
    }
    let mut out =
        String::from("/// Every user-visible text, one field per key of the translation files.\npub struct Texts {\n");
    for key in first.keys() {
        out.push_str(&format!("    pub {key}: &'static str,\n"));
    }
    out.push_str("}\n");
    for (name, _, texts) in &parsed {
        out.push_str(&format!("pub static {name}: Texts = Texts {{\n"));
        for (key, value) in texts {
            out.push_str(&format!("    {key}: {value:?},\n"));
        }
        out.push_str("};\n");
    }
    // The problem messages again, as one value a page can hand to an island in the browser:
    // an island gets the texts it needs from the page, so the WASM carries no translations.
    // It travels as a plain list of strings in key order: a struct's field names would cost
    // the page's bytes and the WASM's code.
    let problems: Vec<&String> = first.keys().filter(|k| k.starts_with("problem_")).collect();
    out.push_str("/// The messages for a refused field, in one language.\n");
    out.push_str("#[derive(Clone, Debug, PartialEq)]\npub struct ProblemTexts {\n");
    for key in &problems {
        out.push_str(&format!("    pub {key}: std::borrow::Cow<'static, str>,\n"));
    }
    out.push_str("}\nimpl Texts {\n    pub fn problems(&self) -> ProblemTexts {\n        ProblemTexts {\n");
    for key in &problems {
        out.push_str(&format!("            {key}: std::borrow::Cow::Borrowed(self.{key}),\n"));
    }
    out.push_str("        }\n    }\n}\n");
    out.push_str("impl serde::Serialize for ProblemTexts {\n    fn serialize<S: serde::Serializer>(&self, to: S) -> Result<S::Ok, S::Error> {\n        let all: &[&str] = &[\n");
    for key in &problems {
        out.push_str(&format!("            &self.{key},\n"));
    }
    out.push_str("        ];\n        all.serialize(to)\n    }\n}\n");
    out.push_str(&format!(
        "impl<'de> serde::Deserialize<'de> for ProblemTexts {{\n    fn deserialize<D: serde::Deserializer<'de>>(from: D) -> Result<Self, D::Error> {{\n        let all = Vec::<String>::deserialize(from)?;\n        if all.len() != {n} {{\n            return Err(serde::de::Error::invalid_length(all.len(), &\"{n} texts\"));\n        }}\n        let mut all = all.into_iter().map(std::borrow::Cow::Owned);\n        Ok(ProblemTexts {{\n",
        n = problems.len()
    ));
    for key in &problems {
        out.push_str(&format!("            {key}: all.next().unwrap_or_default(),\n"));
    }
    out.push_str("        })\n    }\n}\n");
    let dest = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("texts.rs");
    fs::write(dest, out).expect("write texts.rs");
}
