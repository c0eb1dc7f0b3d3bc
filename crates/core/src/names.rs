//! AWS naming rules, checked before any call so a person hears the rule, not an API error.
//! Each function returns the rule in words when the name breaks it.

/// What a name is for, to say which rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    EcrRepository,
    EcsCluster,
    EcsService,
    TaskFamily,
    LoadBalancer,
    TargetGroup,
    IamRole,
    LogGroup,
    S3Bucket,
    CodeBuildProject,
    Pipeline,
    SecurityGroup,
}

impl NameKind {
    /// The resource in words.
    pub fn label(self) -> &'static str {
        match self {
            NameKind::EcrRepository => "ECR repository name",
            NameKind::EcsCluster => "ECS cluster name",
            NameKind::EcsService => "ECS service name",
            NameKind::TaskFamily => "task definition family",
            NameKind::LoadBalancer => "load balancer name",
            NameKind::TargetGroup => "target group name",
            NameKind::IamRole => "IAM role name",
            NameKind::LogGroup => "log group name",
            NameKind::S3Bucket => "S3 bucket name",
            NameKind::CodeBuildProject => "CodeBuild project name",
            NameKind::Pipeline => "pipeline name",
            NameKind::SecurityGroup => "security group name",
        }
    }
}

fn len_between(name: &str, min: usize, max: usize) -> Result<(), String> {
    let n = name.chars().count();
    if n < min || n > max {
        return Err(format!(
            "must be {min} to {max} characters long (it has {n})"
        ));
    }
    Ok(())
}

fn only(name: &str, allowed: impl Fn(char) -> bool, what: &str) -> Result<(), String> {
    match name.chars().find(|c| !allowed(*c)) {
        Some(c) => Err(format!("may contain only {what} ('{c}' is not allowed)")),
        None => Ok(()),
    }
}

/// Checks `name` against the rules of `kind`; the error states the rule that is broken.
pub fn check(kind: NameKind, name: &str) -> Result<(), String> {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    match kind {
        NameKind::EcrRepository => {
            len_between(name, 2, 256)?;
            only(
                name,
                |c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-/".contains(c),
                "lowercase letters, digits, and . _ - / as separators",
            )?;
            static PART: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
                regex::Regex::new(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$").expect("valid regex")
            });
            for part in name.split('/') {
                if !part.starts_with(|c: char| c.is_ascii_alphanumeric())
                    || !part.ends_with(|c: char| c.is_ascii_alphanumeric())
                {
                    return Err("each part between slashes must start and end with a lowercase letter or digit".into());
                }
                if !PART.is_match(part) {
                    return Err(
                        "separators (. _ -) must sit between letters or digits, one at a time"
                            .into(),
                    );
                }
            }
            Ok(())
        }
        NameKind::EcsCluster | NameKind::EcsService | NameKind::TaskFamily => {
            len_between(name, 1, 255)?;
            only(
                name,
                |c| alnum(c) || c == '-' || c == '_',
                "letters, digits, hyphens and underscores",
            )
        }
        NameKind::LoadBalancer | NameKind::TargetGroup => {
            len_between(name, 1, 32)?;
            only(
                name,
                |c| alnum(c) || c == '-',
                "letters, digits and hyphens",
            )?;
            if name.starts_with('-') || name.ends_with('-') {
                return Err("cannot start or end with a hyphen".into());
            }
            if kind == NameKind::LoadBalancer && name.to_ascii_lowercase().starts_with("internal-")
            {
                return Err("cannot start with \"internal-\"".into());
            }
            Ok(())
        }
        NameKind::IamRole => {
            len_between(name, 1, 64)?;
            only(
                name,
                |c| alnum(c) || "+=,.@-_".contains(c),
                "letters, digits and + = , . @ - _",
            )
        }
        NameKind::LogGroup => {
            len_between(name, 1, 512)?;
            only(
                name,
                |c| alnum(c) || "._-/#".contains(c),
                "letters, digits and . _ - / #",
            )
        }
        NameKind::S3Bucket => {
            len_between(name, 3, 63)?;
            only(
                name,
                |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-',
                "lowercase letters, digits, dots and hyphens",
            )?;
            if !name.starts_with(|c: char| c.is_ascii_alphanumeric())
                || !name.ends_with(|c: char| c.is_ascii_alphanumeric())
            {
                return Err("must start and end with a lowercase letter or digit".into());
            }
            if name.contains("..") {
                return Err("cannot contain two dots in a row".into());
            }
            if name.split('.').count() == 4 && name.split('.').all(|p| p.parse::<u8>().is_ok()) {
                return Err("cannot look like an IP address".into());
            }
            if name.starts_with("xn--")
                || name.starts_with("sthree-")
                || name.ends_with("-s3alias")
                || name.ends_with("--ol-s3")
            {
                return Err(
                    "cannot use the reserved prefixes xn--/sthree- or suffixes -s3alias/--ol-s3"
                        .into(),
                );
            }
            Ok(())
        }
        NameKind::CodeBuildProject => {
            len_between(name, 2, 255)?;
            if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
                return Err("must start with a letter or digit".into());
            }
            only(
                name,
                |c| alnum(c) || c == '-' || c == '_',
                "letters, digits, hyphens and underscores",
            )
        }
        NameKind::Pipeline => {
            len_between(name, 1, 100)?;
            only(
                name,
                |c| alnum(c) || ".@-_".contains(c),
                "letters, digits and . @ - _",
            )
        }
        NameKind::SecurityGroup => {
            len_between(name, 1, 255)?;
            if name.to_ascii_lowercase().starts_with("sg-") {
                return Err("cannot start with sg-".into());
            }
            only(
                name,
                |c| c.is_ascii_graphic() || c == ' ',
                "ASCII letters, digits, spaces and punctuation",
            )
        }
    }
}

/// `check` as an error a person can act on.
pub fn require(kind: NameKind, name: &str) -> Result<(), crate::ErrorBody> {
    check(kind, name).map_err(|rule| {
        crate::ErrorBody::new(
            crate::ErrorCode::InvalidInput,
            format!("'{name}' is not a valid {}: it {rule}.", kind.label()),
            format!("Choose another {}.", kind.label()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use NameKind::*;

    #[test]
    fn ecr_repository_names_follow_ecrs_pattern() {
        for ok in ["shop-api", "team/shop-api", "a1", "my_app", "x/y/z", "v1.2"] {
            assert!(check(EcrRepository, ok).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("Shop", "lowercase"),
            ("a", "2 to 256"),
            ("-shop", "start and end"),
            ("shop/", "start and end"),
            ("a..b", "one at a time"),
            ("a__b", "one at a time"),
            ("shop api", "lowercase letters"),
        ] {
            let err = check(EcrRepository, bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn load_balancer_and_target_group_names_are_short_and_plain() {
        assert!(check(LoadBalancer, "shop-api-alb").is_ok());
        assert!(check(LoadBalancer, &"a".repeat(33))
            .unwrap_err()
            .contains("1 to 32"));
        assert!(check(LoadBalancer, "internal-shop")
            .unwrap_err()
            .contains("internal-"));
        assert!(check(TargetGroup, "shop-").unwrap_err().contains("hyphen"));
        assert!(check(TargetGroup, "shop_tg").unwrap_err().contains("'_'"));
    }

    #[test]
    fn bucket_names_follow_s3s_rules() {
        assert!(check(S3Bucket, "slipway-shop-artifacts-123456789012").is_ok());
        for (bad, why) in [
            ("Ab", "3 to 63"),
            ("UPPER-case", "lowercase"),
            ("192.168.1.1", "IP address"),
            ("a..b", "two dots"),
            ("xn--abc", "reserved"),
            ("-abc", "start and end"),
        ] {
            let err = check(S3Bucket, bad).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn iam_ecs_logs_codebuild_and_pipeline_rules() {
        assert!(check(IamRole, "shop-api-exec@2026").is_ok());
        assert!(check(IamRole, "shop api").is_err());
        assert!(check(IamRole, &"r".repeat(65)).is_err());
        assert!(check(EcsService, "shop_api-1").is_ok());
        assert!(check(EcsCluster, "shop.api").is_err());
        assert!(check(LogGroup, "/ecs/shop-api").is_ok());
        assert!(check(LogGroup, "/ecs/shop api").is_err());
        assert!(check(CodeBuildProject, "_x").is_err());
        assert!(check(Pipeline, "shop-api@main").is_ok());
        assert!(check(SecurityGroup, "sg-shop").is_err());
    }

    #[test]
    fn the_error_names_the_resource_and_the_rule() {
        let e = require(TargetGroup, "Shop_TG").unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::InvalidInput);
        assert!(e.message.contains("target group name"), "{}", e.message);
        assert!(
            e.message.contains("letters, digits and hyphens"),
            "{}",
            e.message
        );
    }
}
