//! The person's preferences, kept in the store.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    En,
    Vi,
}

/// The colour theme; `system` follows the desktop's light/dark setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

/// Preferences that survive a restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    pub language: Language,
    pub theme: Theme,
    /// The connection profile in use; `practice` unless the person picked an AWS profile.
    pub profile: String,
    /// A region that overrides the profile's own.
    pub region: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            language: Language::En,
            theme: Theme::System,
            profile: crate::connection::PRACTICE_PROFILE.into(),
            region: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_fall_back_to_defaults() {
        let s: Settings = serde_json::from_str(r#"{"language":"vi"}"#).unwrap();
        assert_eq!(s.language, Language::Vi);
        assert_eq!(s.theme, Theme::System);
        assert_eq!(s.profile, "practice");
    }

    #[test]
    fn unknown_language_is_rejected() {
        assert!(serde_json::from_str::<Settings>(r#"{"language":"fr"}"#).is_err());
    }
}
