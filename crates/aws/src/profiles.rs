//! The person's AWS profiles, read from ~/.aws/config and ~/.aws/credentials (or the files
//! named by AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE) with the SDK's own parser.

use crate::AwsError;
use aws_config::profile::ProfileSet;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};
use slipway_core::connection::{ProfileKind, ProfileSummary, PRACTICE_PROFILE, PRACTICE_REGION};

/// Loads the profile files the SDK would load, with the same parser.
pub async fn load_profile_set(env: &Env) -> Result<ProfileSet, AwsError> {
    aws_config::profile::load(&Fs::real(), env, &EnvConfigFiles::default(), None)
        .await
        .map_err(|e| {
            let mut detail = crate::error::error_chain(&e);
            // Invisible and common: Notepad's "UTF-8 with BOM". The SDK (like the AWS CLI)
            // reads the mark as text before the first [profile] header.
            for file in profile_files(env) {
                if std::fs::read(&file).is_ok_and(|b| b.starts_with(&[0xEF, 0xBB, 0xBF])) {
                    detail = format!(
                        "{} starts with a byte-order mark (the editor saved it as \"UTF-8 with BOM\"); save it as plain UTF-8. ({detail})",
                        file.display()
                    );
                }
            }
            AwsError::ConfigInvalid(detail)
        })
}

/// The config and credentials files the SDK reads, as it finds them.
fn profile_files(env: &Env) -> Vec<std::path::PathBuf> {
    let home = env.get("HOME").ok().map(std::path::PathBuf::from);
    let pick = |var: &str, default: &str| {
        env.get(var)
            .ok()
            .map(std::path::PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(default)))
    };
    [
        pick("AWS_CONFIG_FILE", ".aws/config"),
        pick("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials"),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// How a profile gets credentials, judged from its settings.
pub fn kind_of(set: &ProfileSet, name: &str) -> ProfileKind {
    let Some(p) = set.get_profile(name) else {
        return ProfileKind::Other;
    };
    if p.get("sso_start_url").is_some() || p.get("sso_session").is_some() {
        ProfileKind::Sso
    } else if p.get("role_arn").is_some() || p.get("web_identity_token_file").is_some() {
        ProfileKind::AssumeRole
    } else if p.get("credential_process").is_some() {
        ProfileKind::Process
    } else if p.get("aws_access_key_id").is_some() {
        ProfileKind::StaticKeys
    } else {
        ProfileKind::Other
    }
}

/// Every profile the person can choose: the practice profile first, then the config's profiles
/// sorted by name, then `default` from environment variables when they hold keys.
pub async fn list_profiles(env: &Env) -> Result<Vec<ProfileSummary>, AwsError> {
    let set = load_profile_set(env).await?;
    let mut out = vec![ProfileSummary {
        name: PRACTICE_PROFILE.into(),
        kind: ProfileKind::Practice,
        region: Some(PRACTICE_REGION.into()),
    }];
    let mut names: Vec<&str> = set.profiles().filter(|n| *n != PRACTICE_PROFILE).collect();
    names.sort_unstable();
    for name in names {
        let region = set
            .get_profile(name)
            .and_then(|p| p.get("region"))
            .map(str::to_string);
        out.push(ProfileSummary {
            name: name.into(),
            kind: kind_of(&set, name),
            region,
        });
    }
    if env.get("AWS_ACCESS_KEY_ID").is_ok() && !out.iter().any(|p| p.name == "default") {
        out.push(ProfileSummary {
            name: "default".into(),
            kind: ProfileKind::Environment,
            region: env.get("AWS_REGION").ok(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_with(config: &str, credentials: &str) -> (tempfile::TempDir, Env) {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("config");
        let k = dir.path().join("credentials");
        std::fs::write(&c, config).unwrap();
        std::fs::write(&k, credentials).unwrap();
        let env = Env::from_slice(&[
            (
                "AWS_CONFIG_FILE",
                Box::leak(c.to_string_lossy().into_owned().into_boxed_str()),
            ),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                Box::leak(k.to_string_lossy().into_owned().into_boxed_str()),
            ),
            (
                "HOME",
                Box::leak(dir.path().to_string_lossy().into_owned().into_boxed_str()),
            ),
        ]);
        (dir, env)
    }

    #[tokio::test]
    async fn lists_practice_first_then_profiles_with_their_kind_and_region() {
        let (_d, env) = env_with(
            "[default]\nregion = ap-southeast-1\n\n[profile lab-sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n\n[profile deployer]\nrole_arn = arn:aws:iam::111122223333:role/deploy\nsource_profile = default\n",
            "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = wJalrXUtnFEMI\n",
        );
        let profiles = list_profiles(&env).await.unwrap();
        let names: Vec<_> = profiles.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["practice", "default", "deployer", "lab-sso"]);
        assert_eq!(profiles[0].kind, ProfileKind::Practice);
        assert_eq!(profiles[1].kind, ProfileKind::StaticKeys);
        assert_eq!(profiles[1].region.as_deref(), Some("ap-southeast-1"));
        assert_eq!(profiles[2].kind, ProfileKind::AssumeRole);
        assert_eq!(profiles[3].kind, ProfileKind::Sso);
    }

    #[tokio::test]
    async fn a_malformed_config_is_a_clear_error_not_a_panic() {
        let (_d, env) = env_with("region = us-east-1\n[default\n", "");
        let err = list_profiles(&env).await.unwrap_err();
        let body = slipway_core::ErrorBody::from(&err);
        assert_eq!(body.code, slipway_core::ErrorCode::AwsConfigInvalid);
        assert!(body.hint.contains("~/.aws/config"), "{}", body.hint);
        assert!(
            body.message.len() > 40,
            "message should say what is wrong: {}",
            body.message
        );
    }

    /// Issue 9's bad-input corpus, AWS profile files: each malformed file is either refused
    /// with a worded error that names the problem and never quotes a secret, or (where the SDK's
    /// parser is lenient, as AWS's tools are) read without the broken part; never a panic.
    #[tokio::test]
    async fn a_corpus_of_malformed_profile_files_never_panics_or_leaks_a_secret() {
        const SECRET: &str = "wJalrXUtnFEMIK7MDENGbPxRfiCYSECRETKEY";
        // (config, credentials, refused?)
        let cases: Vec<(String, String, bool)> = vec![
            ("[default\nregion = us-east-1\n".into(), String::new(), true),
            ("region = us-east-1\n".into(), String::new(), true),
            (
                String::new(),
                format!("aws_secret_access_key = {SECRET}\n"),
                true,
            ),
            (
                String::new(),
                format!("[default\naws_secret_access_key = {SECRET}\n"),
                true,
            ),
            (
                String::new(),
                format!("[default]\n  aws_secret_access_key = {SECRET}\n"),
                true,
            ),
            (
                "[profile a]\n  region = us-east-1\n".into(),
                String::new(),
                true,
            ),
            ("[profile a]\nregion\n".into(), String::new(), true),
            ("[profile a]\n= us-east-1\n".into(), String::new(), true),
            (String::new(), format!("[default]\n{SECRET}\n"), true),
            ("[]\nregion = us-east-1\n".into(), String::new(), false),
            (
                "[profile]\nregion = us-east-1\n".into(),
                String::new(),
                false,
            ),
            (
                "[profile a b]\nregion = us-east-1\n".into(),
                String::new(),
                false,
            ),
            ("[profile a]\nregion = \n".into(), String::new(), false),
            (
                "[profile a]\nregion = us-east-1\n[profile a]\nregion = eu-west-1\n".into(),
                String::new(),
                false,
            ),
            (
                "[profile a]\nsso_session = missing\n".into(),
                String::new(),
                false,
            ),
            (
                "[profile a]\nrole_arn = not-an-arn\nsource_profile = a\n".into(),
                String::new(),
                false,
            ),
            (
                "[profile \u{0}]\nregion = us-east-1\n".into(),
                String::new(),
                false,
            ),
            (
                "\u{feff}[default]\nregion = us-east-1\n".into(),
                String::new(),
                true,
            ),
            (
                "[default]\r\nregion = us-east-1\r\n".into(),
                String::new(),
                false,
            ),
            (
                "# only a comment\n; and another\n".into(),
                String::new(),
                false,
            ),
            (
                format!("[profile {}]\nregion = us-east-1\n", "x".repeat(10_000)),
                String::new(),
                false,
            ),
            (
                "[default]\nregion = us-east-1\n".repeat(2_000),
                String::new(),
                false,
            ),
            (
                "[profile a]\ns3 =\n  max_concurrent_requests = 20\n".into(),
                String::new(),
                false,
            ),
            (
                String::from_utf8_lossy(&[0xff, 0xfe, 0x00, 0x5b]).into_owned(),
                String::new(),
                true,
            ),
        ];
        let (mut refused, mut read) = (0, 0);
        let mut wrong = Vec::new();
        for (i, (config, credentials, want_refused)) in cases.iter().enumerate() {
            let (_d, env) = env_with(config, credentials);
            match list_profiles(&env).await {
                Err(e) => {
                    let body = slipway_core::ErrorBody::from(&e);
                    assert_eq!(
                        body.code,
                        slipway_core::ErrorCode::AwsConfigInvalid,
                        "case {i}"
                    );
                    assert!(body.message.len() > 30, "case {i}: {}", body.message);
                    assert!(
                        !body.message.contains(SECRET),
                        "case {i} quotes the secret: {}",
                        body.message
                    );
                    assert!(!body.hint.is_empty(), "case {i}");
                    if !want_refused {
                        wrong.push(format!("case {i} was refused: {}", body.message));
                    }
                    if config.starts_with('\u{feff}') {
                        assert!(
                            body.message.contains("byte-order mark"),
                            "case {i}: {}",
                            body.message
                        );
                    }
                    refused += 1;
                }
                Ok(profiles) => {
                    if *want_refused {
                        wrong.push(format!("case {i} was read: {profiles:?}"));
                    }
                    assert_eq!(profiles[0].name, "practice", "case {i}");
                    read += 1;
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        println!("profile files: {} malformed, {refused} refused with a worded error, {read} read leniently, no panic, no secret quoted", cases.len());
    }

    #[tokio::test]
    async fn missing_files_mean_only_the_practice_profile() {
        let env = Env::from_slice(&[
            ("AWS_CONFIG_FILE", "/nonexistent/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
            ("HOME", "/nonexistent"),
        ]);
        let profiles = list_profiles(&env).await.unwrap();
        assert_eq!(profiles.len(), 1);
        assert_eq!(profiles[0].name, "practice");
    }
}
