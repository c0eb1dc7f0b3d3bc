//! Any text as a Dockerfile: parsing, linting with Slipway's checks, and the one-click fixes
//! must answer (findings or an error), never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let options = slipway_core::lint::LintOptions {
            port: Some(8080),
            platform: Some("linux/amd64".into()),
        };
        let _ = slipway_core::lint::lint_with(text, Some(&options));
        let _ = slipway_core::dockerfile::instruction_lines(text);
    }
});
