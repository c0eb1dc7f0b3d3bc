//! Exports: the project's service written for another deployment tool, built from the same
//! resource graph the engine deploys (`plan::service`), so the two never drift apart.

pub mod cloudformation;

pub use cloudformation::cloudformation;

#[cfg(test)]
mod tests;

/// Renders an exported template as pretty-printed JSON ending with a newline.
pub fn to_json(template: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(template).expect("a JSON value always serializes");
    text.push('\n');
    text
}
