//! Writes the compact copy of `src/boot.js` that `crate::INBOX_SCRIPT` inlines into every page:
//! whole-line comments, indentation and blank lines removed, and line breaks dropped where that
//! cannot change what the script means. The rules are documented at the top of `src/boot.js`.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src/boot.js");
    println!("cargo:rerun-if-changed=build.rs");
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let source = std::fs::read_to_string(PathBuf::from(manifest_dir).join("src/boot.js"))
        .expect("app/src/boot.js, the page's boot script, is readable");
    let compact = match compact(&source) {
        Ok(compact) => compact,
        Err(error) => panic!("app/src/boot.js:{error}"),
    };
    std::fs::write(PathBuf::from(out_dir).join("boot.min.js"), compact)
        .expect("the boot script's compact copy can be written to OUT_DIR");
}

/// The script without comment lines, indentation or blank lines, joined on one line where
/// that is safe; or `line: why` when a line is outside what these simple rules can handle.
fn compact(source: &str) -> Result<String, String> {
    let mut code: Vec<&str> = Vec::new();
    let mut in_block = false;
    for (index, raw) in source.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if in_block || line.starts_with("/*") {
            // The text after an opening `/*` (so that `/*/` does not close itself).
            let rest = if in_block { line } else { &line[2..] };
            if let Some(end) = rest.find("*/") {
                if end + 2 != rest.len() {
                    return Err(format!(
                        "{number}: text after `*/`; end the comment on its own line"
                    ));
                }
                in_block = false;
            } else {
                in_block = true;
            }
            continue;
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        for (needle, why) in [
            ("//", "`//` after code or in a string (write '/'+'/')"),
            ("/*", "`/*` after code or in a string"),
            ("`", "a template literal (use quotes)"),
        ] {
            if line.contains(needle) {
                return Err(format!("{number}: {why}"));
            }
        }
        if line.ends_with('\\') {
            return Err(format!("{number}: a string continued on the next line"));
        }
        code.push(line);
    }
    if in_block {
        return Err("end: a `/*` comment that is never closed".to_owned());
    }
    let mut out = String::new();
    for (index, line) in code.iter().enumerate() {
        if index > 0 {
            let previous = code[index - 1];
            let glued = ["{", "(", "[", ",", ";", "||", "&&"]
                .iter()
                .any(|end| previous.ends_with(end))
                || line.starts_with(['}', ')', ']']);
            if !glued {
                out.push('\n');
            }
        }
        out.push_str(line);
    }
    Ok(out)
}
