//! The image build as a person follows it: each Dockerfile instruction a row with its status,
//! the log lines under the row that made them, cache hits, and a failure tied to its line.
//! The engine's classic builder speaks in text ("Step 3/7 : RUN ..."); `BuildLogParser`
//! turns that text into `BuildEvent`s. Pure, so every rule is unit-tested.

use crate::dockerfile::InstructionLine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a build reports as it goes, in order. Sent to the UI over a channel and printed by the
/// CLI (`--json` prints one per line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BuildEvent {
    /// The build is about to start: the instructions it will run, and the tags it will get.
    Plan {
        steps: Vec<InstructionLine>,
        tags: Vec<String>,
        platform: Option<String>,
    },
    /// The context is being sent: files and bytes so far.
    Context {
        #[ts(type = "number")]
        files: u64,
        #[ts(type = "number")]
        bytes: u64,
        done: bool,
    },
    /// Step `index` (1-based) of `total` started.
    StepStarted {
        index: u32,
        total: u32,
        instruction: String,
        /// The Dockerfile line of the instruction, when the Dockerfile could be read.
        line: Option<u32>,
        #[ts(type = "number")]
        at_ms: i64,
    },
    /// The step's result came from the build cache.
    StepCached { index: u32 },
    /// The step finished and produced `layer` (a short image id).
    StepDone {
        index: u32,
        layer: String,
        #[ts(type = "number")]
        at_ms: i64,
    },
    /// A line the build printed (a command's output), under the step that printed it.
    Log { step: Option<u32>, text: String },
    /// A warning worth showing above the log (large context, platform mismatch, ...).
    Warning { message: String },
    /// The build failed.
    Failed {
        step: Option<u32>,
        line: Option<u32>,
        message: String,
    },
    /// The image was built.
    Built {
        image_id: String,
        tags: Vec<String>,
        cached_steps: u32,
        total_steps: u32,
        #[ts(type = "number")]
        duration_ms: i64,
    },
}

/// Turns the classic builder's output into events, one line at a time.
#[derive(Debug, Default)]
pub struct BuildLogParser {
    steps: Vec<InstructionLine>,
    current: Option<u32>,
    cached: u32,
    total: u32,
}

impl BuildLogParser {
    /// A parser that maps step numbers to the lines of `steps` (the Dockerfile's instructions).
    pub fn new(steps: Vec<InstructionLine>) -> Self {
        Self {
            steps,
            ..Self::default()
        }
    }

    /// The step running now, if any.
    pub fn current_step(&self) -> Option<u32> {
        self.current
    }

    /// The Dockerfile line of the step running now, if known.
    pub fn current_line(&self) -> Option<u32> {
        self.line_of(self.current?)
    }

    fn line_of(&self, step: u32) -> Option<u32> {
        self.steps
            .get(step.checked_sub(1)? as usize)
            .map(|s| s.line)
    }

    /// Steps that came from the cache so far.
    pub fn cached_steps(&self) -> u32 {
        self.cached
    }

    /// The number of steps, once the first step line has been seen.
    pub fn total_steps(&self) -> u32 {
        self.total
    }

    /// Feeds one chunk of the `stream` field (it may hold several lines); `now_ms` stamps steps.
    pub fn feed(&mut self, chunk: &str, now_ms: i64) -> Vec<BuildEvent> {
        let mut out = Vec::new();
        for raw in chunk.split('\n') {
            let line = raw.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            self.feed_line(line, now_ms, &mut out);
        }
        out
    }

    fn feed_line(&mut self, line: &str, now_ms: i64, out: &mut Vec<BuildEvent>) {
        let cleaned = strip_ansi(line);
        let line = cleaned.as_str();
        if line.trim().is_empty() {
            return;
        }
        if let Some((index, total, instruction)) = parse_step(line) {
            self.finish_current(None, now_ms, out);
            self.current = Some(index);
            self.total = total;
            out.push(BuildEvent::StepStarted {
                index,
                total,
                instruction,
                line: self.line_of(index),
                at_ms: now_ms,
            });
            return;
        }
        if let Some(rest) = line.strip_prefix(" ---> ") {
            let rest = rest.trim();
            if rest == "Using cache" {
                if let Some(index) = self.current {
                    self.cached += 1;
                    out.push(BuildEvent::StepCached { index });
                }
                return;
            }
            if rest.starts_with("Running in ") {
                return;
            }
            if is_short_id(rest) {
                self.finish_current(Some(rest.to_string()), now_ms, out);
                return;
            }
            // "[Warning] ..." and the like: keep them as log lines.
        }
        if line.starts_with("Removing intermediate container ")
            || line.starts_with("Successfully built ")
            || line.starts_with("Successfully tagged ")
        {
            return;
        }
        out.push(BuildEvent::Log {
            step: self.current,
            text: line.to_string(),
        });
    }

    fn finish_current(&mut self, layer: Option<String>, now_ms: i64, out: &mut Vec<BuildEvent>) {
        if let (Some(index), Some(layer)) = (self.current, layer) {
            out.push(BuildEvent::StepDone {
                index,
                layer,
                at_ms: now_ms,
            });
            self.current = None;
        }
    }

    /// The event for a failure the engine reported, tied to the step that was running.
    pub fn failure(&self, message: &str) -> BuildEvent {
        BuildEvent::Failed {
            step: self.current,
            line: self.current_line(),
            message: message.trim().to_string(),
        }
    }
}

/// Removes terminal colour codes (`ESC[91m`) that programs print into build logs.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                // Parameters and intermediates, then one final byte in @..~.
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// `Step 3/7 : RUN echo hi` → (3, 7, "RUN echo hi").
fn parse_step(line: &str) -> Option<(u32, u32, String)> {
    let rest = line.strip_prefix("Step ")?;
    let (nums, instruction) = rest.split_once(" : ")?;
    let (index, total) = nums.split_once('/')?;
    Some((
        index.trim().parse().ok()?,
        total.trim().parse().ok()?,
        instruction.trim().to_string(),
    ))
}

fn is_short_id(s: &str) -> bool {
    (12..=64).contains(&s.len()) && s.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps() -> Vec<InstructionLine> {
        [
            ("ARG", 1),
            ("FROM", 2),
            ("WORKDIR", 4),
            ("RUN", 5),
            ("RUN", 7),
        ]
        .into_iter()
        .map(|(k, l)| InstructionLine {
            keyword: k.into(),
            line: l,
        })
        .collect()
    }

    // What Docker 20.10's classic builder printed for a real build (see the docker tests).
    const LOG: &str = "Step 1/5 : ARG BASE=slipway/base:practice\nStep 2/5 : FROM $BASE\n ---> 4778a814b12b\nStep 3/5 : WORKDIR /app\n ---> Using cache\n ---> 3ffaa071e589\nStep 4/5 : RUN echo hi &&   echo there\n ---> Running in 9cc4a213d2f8\nhi\nthere\nRemoving intermediate container 9cc4a213d2f8\n ---> 1846aa28ed74\nStep 5/5 : RUN false\n ---> Running in 0e337d63532e\n";

    #[test]
    fn steps_cache_hits_and_output_become_events_on_their_rows() {
        let mut p = BuildLogParser::new(steps());
        let events = p.feed(LOG, 100);
        let started: Vec<(u32, Option<u32>)> = events
            .iter()
            .filter_map(|e| match e {
                BuildEvent::StepStarted { index, line, .. } => Some((*index, *line)),
                _ => None,
            })
            .collect();
        assert_eq!(
            started,
            vec![
                (1, Some(1)),
                (2, Some(2)),
                (3, Some(4)),
                (4, Some(5)),
                (5, Some(7))
            ]
        );
        assert!(events.contains(&BuildEvent::StepCached { index: 3 }));
        assert!(events.contains(&BuildEvent::Log {
            step: Some(4),
            text: "hi".into()
        }));
        assert!(events.contains(&BuildEvent::StepDone {
            index: 4,
            layer: "1846aa28ed74".into(),
            at_ms: 100
        }));
        assert!(!events.iter().any(
            |e| matches!(e, BuildEvent::Log { text, .. } if text.contains("intermediate") || text.contains("Running in"))
        ));
        assert_eq!(p.cached_steps(), 1);
        assert_eq!(p.total_steps(), 5);
    }

    #[test]
    fn a_failure_points_at_the_running_steps_line() {
        let mut p = BuildLogParser::new(steps());
        p.feed(LOG, 0);
        assert_eq!(
            p.failure("The command '/bin/sh -c false' returned a non-zero code: 1\n"),
            BuildEvent::Failed {
                step: Some(5),
                line: Some(7),
                message: "The command '/bin/sh -c false' returned a non-zero code: 1".into()
            }
        );
    }

    #[test]
    fn chunks_may_split_anywhere_between_lines() {
        let mut whole = BuildLogParser::new(steps());
        let expected = whole.feed(LOG, 0);
        let mut parts = BuildLogParser::new(steps());
        let mut got = Vec::new();
        for line in LOG.split_inclusive('\n') {
            got.extend(parts.feed(line, 0));
        }
        assert_eq!(got, expected);
    }

    #[test]
    fn without_the_dockerfile_steps_still_parse_with_no_line() {
        let mut p = BuildLogParser::default();
        let events = p.feed("Step 1/1 : FROM x\n ---> 0123456789ab\n", 0);
        assert!(matches!(
            events[0],
            BuildEvent::StepStarted {
                index: 1,
                line: None,
                ..
            }
        ));
    }

    #[test]
    fn colour_codes_are_stripped_from_log_lines() {
        let mut p = BuildLogParser::default();
        let events = p.feed("\u{1b}[91mWARNING: Running pip as root\n\u{1b}[0m\n", 0);
        assert_eq!(
            events,
            vec![BuildEvent::Log {
                step: None,
                text: "WARNING: Running pip as root".into()
            }]
        );
    }

    #[test]
    fn events_serialize_with_a_kind_tag() {
        let v = serde_json::to_value(BuildEvent::StepCached { index: 2 }).unwrap();
        assert_eq!(v, serde_json::json!({"kind": "step_cached", "index": 2}));
    }
}
