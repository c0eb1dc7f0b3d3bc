//! Any text as a .dockerignore, then matched against paths drawn from the same input: parse
//! errors are fine, panics are not.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let (patterns, paths) = text
            .split_once('\u{1}')
            .unwrap_or((text, "src/a.rs\nnode_modules/x/y.js\n.git/HEAD"));
        if let Ok(ignore) = slipway_core::dockerignore::DockerIgnore::parse(patterns) {
            for p in paths.lines() {
                let _ = ignore.is_excluded(p);
            }
        }
    }
});
