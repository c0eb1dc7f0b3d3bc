//! Lab mode: the study group's weekly labs as data. One TOML file per lab in `crates/core/labs/`
//! (built into the binary), each step with its text in Vietnamese and English, the wizard screen
//! that does it, and the check that reads the learner's real state (the engine runs it, see
//! `slipway_engine::labs`). A step is never ticked by hand: it passes when its check does.
//!
//! The format, by example:
//!
//! ```toml
//! id = "week7"
//! kind = "lab"                      # lab | workshop | lecture
//! source = "000_b62bbfb59216762f.txt" # the seed document it follows
//! title = { vi = "…", en = "…" }
//! summary = { vi = "…", en = "…" }
//!
//! [[steps]]
//! id = "day3-ecr-push"
//! screen = "registry"               # the wizard step that does it (optional)
//! title = { vi = "…", en = "…" }
//! body = { vi = "…", en = "…" }     # a few paragraphs; blank lines separate them
//! check = { kind = "image_pushed" }
//! concepts = ["ecr", "tag"]         # ids of `[concepts.*]` explained beside the step
//!
//! [concepts.ecr]
//! title = { vi = "…", en = "…" }
//! body = { vi = "…", en = "…" }
//! ```

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// A text in both languages of the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub vi: String,
    pub en: String,
}

impl Text {
    /// The text in `lang` (`vi` or anything else for English).
    pub fn get(&self, lang: &str) -> &str {
        if lang == "vi" {
            &self.vi
        } else {
            &self.en
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LabKind {
    /// A weekly lab: steps that build something in the account, ending with a clean-up.
    Lab,
    /// A workshop: like a lab, around one topic (the pipeline).
    Workshop,
    /// A lecture companion: concepts with questions, nothing created.
    Lecture,
}

/// One answer of a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub text: Text,
    /// Why this answer is right or wrong, shown after answering.
    pub why: Text,
}

/// What a step's check reads. Each kind is one question about the learner's real state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// The Docker engine answers.
    DockerEngine,
    /// The project has a Dockerfile and the linter finds no error in it.
    DockerfileClean,
    /// An image of the project was built by the local engine.
    ImageBuilt,
    /// A container of the project's image runs and answers HTTP on its port.
    ContainerAnswers,
    /// The project's ECR repository exists (and scans on push, encrypts at rest).
    EcrRepository,
    /// The newest local image's tag is in the repository with the same digest.
    ImagePushed,
    /// The project's ECS cluster is ACTIVE.
    ClusterActive,
    /// The service's task definition is registered for FARGATE with awsvpc networking.
    TaskDefinitionFargate,
    /// The service runs as many tasks as it wants, with its rollout completed.
    ServiceSteady,
    /// The load balancer is active and its targets are healthy in at least `min_zones` zones.
    TargetsHealthy { min_zones: u32 },
    /// The service has a target-tracking scaling policy.
    ScalingPolicy,
    /// The service's rolling-update bounds are set (minimumHealthyPercent ≥ `min_healthy`) and
    /// the deployment circuit breaker rolls back.
    RollingUpdate { min_healthy: u32 },
    /// The pipeline exists with Source, Build and Deploy stages (and an approval when `approval`).
    PipelineStages { approval: bool },
    /// The pipeline's latest run succeeded.
    PipelineRunSucceeded,
    /// Nothing tagged with the project is left in the account (the clean-up).
    NothingLeft,
    /// A question: passes when the learner picks `answer` (an index into `choices`).
    Question {
        question: Text,
        choices: Vec<Choice>,
        answer: u32,
    },
}

impl Check {
    /// The kind's wire name (`image_pushed`…).
    pub fn name(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_string))
            .unwrap_or_default()
    }

    /// Whether running the check reads the account (and so needs a connection).
    pub fn reads_aws(&self) -> bool {
        !matches!(
            self,
            Check::DockerEngine
                | Check::DockerfileClean
                | Check::ImageBuilt
                | Check::ContainerAnswers
                | Check::Question { .. }
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct LabStep {
    pub id: String,
    /// The wizard screen that does the step: dockerfile, build, registry, service, pipeline, monitor.
    #[serde(default)]
    pub screen: Option<String>,
    pub title: Text,
    pub body: Text,
    pub check: Check,
    #[serde(default)]
    pub concepts: Vec<String>,
    /// What to look at on the health map while doing it (the experiments).
    #[serde(default)]
    pub watch: Option<Text>,
    /// The experiment the step offers to run (Slipway does it on the learner's service).
    #[serde(default)]
    pub experiment: Option<Experiment>,
}

/// The experiments the labs ask for, each one click on the step that teaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Experiment {
    /// Stop one of the service's tasks and watch the service replace it (high availability).
    StopTask,
    /// A bounded load test against the service's URL (auto scaling adds tasks).
    LoadTest,
    /// Deploy a revision whose image cannot be pulled and watch the circuit breaker roll back.
    BadDeploy,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Concept {
    pub title: Text,
    pub body: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Lab {
    pub id: String,
    pub kind: LabKind,
    /// The seed document the lab follows.
    pub source: String,
    pub title: Text,
    pub summary: Text,
    pub steps: Vec<LabStep>,
    #[serde(default)]
    pub concepts: BTreeMap<String, Concept>,
}

impl Lab {
    /// Whether the lab has created something to clean up: a step that reads the account (not
    /// the clean-up itself) has passed. Until then the clean-up step has nothing to prove.
    pub fn created_something(&self, passed: impl Fn(&str) -> bool) -> bool {
        self.steps
            .iter()
            .any(|s| s.check.reads_aws() && s.check != Check::NothingLeft && passed(&s.id))
    }
}

/// A lab file that is not right, with where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct LabError {
    pub file: String,
    pub message: String,
}

/// The lab files built into Slipway, by file name.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("week7.toml", include_str!("../labs/week7.toml")),
    (
        "ecs-workshop.toml",
        include_str!("../labs/ecs-workshop.toml"),
    ),
    (
        "containers-lecture.toml",
        include_str!("../labs/containers-lecture.toml"),
    ),
];

const SCREENS: &[&str] = &[
    "dockerfile",
    "build",
    "registry",
    "service",
    "pipeline",
    "monitor",
];

fn blank(t: &Text) -> bool {
    t.vi.trim().is_empty() || t.en.trim().is_empty()
}

/// Parses and validates one lab file: both languages everywhere, unique step ids, known
/// screens and concepts, questions with a valid answer, a lab or workshop ending in the clean-up.
pub fn parse(file: &str, text: &str) -> Result<Lab, LabError> {
    let err = |message: String| LabError {
        file: file.to_string(),
        message,
    };
    let lab: Lab = toml::from_str(text).map_err(|e| err(e.to_string()))?;
    if lab.id.is_empty()
        || !lab
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(err(format!(
            "the lab id {:?} must be lower-case letters, digits and -",
            lab.id
        )));
    }
    if blank(&lab.title) || blank(&lab.summary) {
        return Err(err("the title and summary need both vi and en text".into()));
    }
    if lab.steps.is_empty() {
        return Err(err("a lab needs at least one step".into()));
    }
    let mut seen = std::collections::BTreeSet::new();
    for s in &lab.steps {
        let at = |m: &str| err(format!("step {}: {m}", s.id));
        if !seen.insert(s.id.as_str()) {
            return Err(at("the id is used twice"));
        }
        if blank(&s.title) || blank(&s.body) {
            return Err(at("the title and body need both vi and en text"));
        }
        if s.watch.as_ref().is_some_and(blank) {
            return Err(at("`watch` needs both vi and en text"));
        }
        if s.experiment.is_some() {
            if s.watch.is_none() {
                return Err(at(
                    "an experiment needs a `watch` text: what to look for while it runs",
                ));
            }
            if lab.kind == LabKind::Lecture {
                return Err(at(
                    "a lecture creates nothing, so it has no service to experiment on",
                ));
            }
        }
        if let Some(screen) = &s.screen {
            if !SCREENS.contains(&screen.as_str()) {
                return Err(at(&format!(
                    "unknown screen {screen:?} (one of {SCREENS:?})"
                )));
            }
        }
        for c in &s.concepts {
            if !lab.concepts.contains_key(c) {
                return Err(at(&format!(
                    "the concept {c:?} is not defined in [concepts]"
                )));
            }
        }
        if let Check::Question {
            question,
            choices,
            answer,
        } = &s.check
        {
            if blank(question)
                || choices.len() < 2
                || choices.iter().any(|c| blank(&c.text) || blank(&c.why))
            {
                return Err(at(
                    "a question needs vi and en text, at least two choices, each with why",
                ));
            }
            if *answer as usize >= choices.len() {
                return Err(at(&format!(
                    "the answer {answer} is not one of the {} choices",
                    choices.len()
                )));
            }
        }
    }
    for (id, c) in &lab.concepts {
        if blank(&c.title) || blank(&c.body) {
            return Err(err(format!(
                "concept {id}: the title and body need both vi and en text"
            )));
        }
    }
    if lab.kind != LabKind::Lecture
        && lab.steps.last().map(|s| &s.check) != Some(&Check::NothingLeft)
    {
        return Err(err("a lab that creates resources must end with the clean-up step (check = { kind = \"nothing_left\" })".into()));
    }
    Ok(lab)
}

/// Every built-in lab, in the order they are taught.
pub fn built_in() -> Result<Vec<Lab>, LabError> {
    BUILT_IN.iter().map(|(f, t)| parse(f, t)).collect()
}

/// One built-in lab by id.
pub fn find(id: &str) -> Option<Lab> {
    built_in().ok()?.into_iter().find(|l| l.id == id)
}

/// A check's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LabStatus {
    Pass,
    Fail,
    /// Not done yet (the thing does not exist); not an error.
    NotYet,
}

/// What a check saw: the verdict, one line on it, and the facts it read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CheckResult {
    pub status: LabStatus,
    /// One line in English (the UI words it from `status` and `evidence`).
    pub summary: String,
    /// (what, value) pairs: "Repository" → "shop", "Tasks running" → "2 of 2".
    pub evidence: Vec<(String, String)>,
    #[ts(type = "number")]
    pub at_ms: i64,
}

impl CheckResult {
    pub fn new(status: LabStatus, summary: impl Into<String>, at_ms: i64) -> Self {
        CheckResult {
            status,
            summary: summary.into(),
            evidence: Vec::new(),
            at_ms,
        }
    }

    pub fn with(mut self, what: &str, value: impl Into<String>) -> Self {
        self.evidence.push((what.to_string(), value.into()));
        self
    }
}

/// A lab report in Markdown for the study group's weekly worklog: each step with its latest
/// check (status, when, what it saw), in the learner's language. `checks` are by step id;
/// `day` formats a check's time (the caller knows the time zone).
pub fn report_markdown(
    lab: &Lab,
    checks: &[(String, CheckResult)],
    lang: &str,
    project: &str,
    day: impl Fn(i64) -> String,
) -> String {
    let vi = lang == "vi";
    let mut out = String::new();
    let passed = lab
        .steps
        .iter()
        .filter(|s| {
            checks
                .iter()
                .any(|(id, r)| *id == s.id && r.status == LabStatus::Pass)
        })
        .count();
    out.push_str(&format!("# {}\n\n", lab.title.get(lang)));
    out.push_str(&format!(
        "{} `{}` · {} {passed}/{}\n\n",
        if vi { "Dự án" } else { "Project" },
        project,
        if vi { "Đạt" } else { "Passed" },
        lab.steps.len()
    ));
    out.push_str(&format!("{}\n\n", lab.summary.get(lang)));
    for s in &lab.steps {
        let check = checks.iter().find(|(id, _)| *id == s.id).map(|(_, r)| r);
        let (mark, word) = match check.map(|r| r.status) {
            Some(LabStatus::Pass) => ("✅", if vi { "Đạt" } else { "Passed" }),
            Some(LabStatus::Fail) => ("❌", if vi { "Chưa đạt" } else { "Failed" }),
            Some(LabStatus::NotYet) => ("⏳", if vi { "Chưa làm" } else { "Not yet" }),
            None => (
                "·",
                if vi {
                    "Chưa kiểm tra"
                } else {
                    "Not checked"
                },
            ),
        };
        out.push_str(&format!("## {mark} {}\n\n", s.title.get(lang)));
        match check {
            Some(r) => {
                out.push_str(&format!("**{word}** · {}\n\n", day(r.at_ms)));
                out.push_str(&format!("> {}\n\n", r.summary.replace('\n', " ")));
                for (k, v) in &r.evidence {
                    out.push_str(&format!("- {k}: `{}`\n", v.replace('`', "'")));
                }
                if !r.evidence.is_empty() {
                    out.push('\n');
                }
            }
            None => out.push_str(&format!("**{word}**\n\n")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_lab_parses_with_both_languages_and_a_check_per_step() {
        let labs = built_in().expect("the built-in labs parse");
        assert_eq!(labs.len(), BUILT_IN.len());
        let ids: Vec<_> = labs.iter().map(|l| l.id.as_str()).collect();
        assert!(ids.contains(&"week7"), "{ids:?}");
        for lab in &labs {
            for s in &lab.steps {
                assert!(
                    !s.title.vi.trim().is_empty() && !s.title.en.trim().is_empty(),
                    "{}/{}",
                    lab.id,
                    s.id
                );
                assert!(
                    !s.body.vi.trim().is_empty() && !s.body.en.trim().is_empty(),
                    "{}/{}",
                    lab.id,
                    s.id
                );
                assert!(
                    !s.check.name().is_empty(),
                    "{}/{} has a check",
                    lab.id,
                    s.id
                );
                // Vietnamese text is Vietnamese, not a copy of the English.
                assert_ne!(s.body.vi, s.body.en, "{}/{}", lab.id, s.id);
            }
        }
        let week7 = find("week7").unwrap();
        assert_eq!(week7.steps.last().unwrap().check, Check::NothingLeft);
        assert!(week7
            .steps
            .iter()
            .any(|s| s.check == Check::ImagePushed && s.screen.as_deref() == Some("registry")));
    }

    const MINIMAL: &str = r#"
id = "t"
kind = "lab"
source = "x.txt"
title = { vi = "Thử", en = "Try" }
summary = { vi = "Tóm tắt", en = "Summary" }
[[steps]]
id = "a"
screen = "registry"
title = { vi = "Đẩy", en = "Push" }
body = { vi = "Nội dung", en = "Body" }
check = { kind = "image_pushed" }
[[steps]]
id = "clean"
title = { vi = "Dọn dẹp", en = "Clean up" }
body = { vi = "Xoá", en = "Delete" }
check = { kind = "nothing_left" }
"#;

    #[test]
    fn the_report_lists_each_step_with_its_check_in_the_learner_s_language() {
        let lab = parse("t.toml", MINIMAL).unwrap();
        let checks = vec![(
            "a".to_string(),
            CheckResult::new(
                LabStatus::Pass,
                "Your newest build's tag is in the repository.",
                0,
            )
            .with("Tag", "v1")
            .with("Digest", "sha256:0e1a"),
        )];
        let md = report_markdown(&lab, &checks, "vi", "/home/an/shop", |_| {
            "2026-11-23 10:00".into()
        });
        assert!(md.starts_with("# Thử\n"), "{md}");
        assert!(md.contains("Dự án `/home/an/shop` · Đạt 1/2"), "{md}");
        assert!(
            md.contains("## ✅ Đẩy\n\n**Đạt** · 2026-11-23 10:00"),
            "{md}"
        );
        assert!(md.contains("- Tag: `v1`\n- Digest: `sha256:0e1a`"), "{md}");
        assert!(md.contains("## · Dọn dẹp\n\n**Chưa kiểm tra**"), "{md}");
        let en = report_markdown(&lab, &[], "en", "p", |_| String::new());
        assert!(
            en.contains("Passed 0/2") && en.contains("**Not checked**"),
            "{en}"
        );
    }

    #[test]
    fn experiments_need_what_to_watch_and_the_labs_offer_all_three() {
        let with = |extra: &str| {
            MINIMAL.replace(
                "check = { kind = \"image_pushed\" }",
                &format!("check = {{ kind = \"image_pushed\" }}\n{extra}"),
            )
        };
        let e = parse("t.toml", &with("experiment = \"stop_task\"")).unwrap_err();
        assert!(e.message.contains("needs a `watch` text"), "{e}");
        let lab = parse(
            "t.toml",
            &with("experiment = \"bad_deploy\"\nwatch = { vi = \"Xem\", en = \"Look\" }"),
        )
        .unwrap();
        assert_eq!(lab.steps[0].experiment, Some(Experiment::BadDeploy));
        let e = parse("t.toml", &with("experiment = \"reboot\"")).unwrap_err();
        assert!(e.message.contains("unknown variant"), "{e}");
        let lecture = with("experiment = \"load_test\"\nwatch = { vi = \"Xem\", en = \"Look\" }")
            .replace("kind = \"lab\"", "kind = \"lecture\"");
        assert!(parse("t.toml", &lecture)
            .unwrap_err()
            .message
            .contains("a lecture creates nothing"));
        let mut offered: Vec<Experiment> = built_in()
            .unwrap()
            .iter()
            .flat_map(|l| l.steps.iter().filter_map(|s| s.experiment))
            .collect();
        offered.sort_by_key(|e| format!("{e:?}"));
        assert_eq!(
            offered,
            vec![
                Experiment::BadDeploy,
                Experiment::LoadTest,
                Experiment::StopTask
            ]
        );
    }

    #[test]
    fn the_clean_up_has_something_to_prove_only_after_an_aws_step_passed() {
        let lab = parse("t.toml", MINIMAL).unwrap();
        assert!(!lab.created_something(|_| false));
        // The clean-up's own pass does not count, nor would a local step.
        assert!(!lab.created_something(|id| id == "clean"));
        assert!(lab.created_something(|id| id == "a"));
    }

    #[test]
    fn a_minimal_lab_parses() {
        let lab = parse("t.toml", MINIMAL).unwrap();
        assert_eq!(lab.steps[0].check, Check::ImagePushed);
        assert_eq!(lab.steps[0].check.name(), "image_pushed");
        assert!(lab.steps[0].check.reads_aws());
        assert_eq!(lab.title.get("vi"), "Thử");
        assert_eq!(lab.title.get("en"), "Try");
    }

    #[test]
    fn bad_lab_files_say_what_is_wrong() {
        let cases = [
            (MINIMAL.replace("en = \"Body\"", "en = \"\""), "both vi and en"),
            (MINIMAL.replace("screen = \"registry\"", "screen = \"ecr\""), "unknown screen"),
            (MINIMAL.replace("kind = \"image_pushed\"", "kind = \"image_teleported\""), "unknown variant"),
            (MINIMAL.replace("id = \"clean\"", "id = \"a\""), "used twice"),
            (MINIMAL.replace("kind = \"nothing_left\"", "kind = \"image_built\""), "clean-up"),
            (MINIMAL.replace("[[steps]]\nid = \"a\"", "[[steps]]\nid = \"a\"\nconcepts = [\"nope\"]"), "not defined"),
            (MINIMAL.replace("check = { kind = \"image_pushed\" }", "check = { kind = \"question\", question = { vi = \"?\", en = \"?\" }, answer = 3, choices = [{ text = { vi = \"a\", en = \"a\" }, why = { vi = \"b\", en = \"b\" } }, { text = { vi = \"c\", en = \"c\" }, why = { vi = \"d\", en = \"d\" } }] }"), "not one of"),
            ("id = ".to_string(), "t.toml"),
        ];
        for (text, want) in cases {
            let e = parse("t.toml", &text).expect_err(want);
            assert!(e.to_string().contains(want), "{want}: {e}");
        }
    }
}
