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
        .map_err(|e| AwsError::ConfigInvalid(crate::error::error_chain(&e)))
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
