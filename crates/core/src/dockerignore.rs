//! `.dockerignore` with Docker's own semantics (moby's pattern matcher, as the Docker CLI uses
//! it for the classic builder's context): patterns are cleaned paths relative to the context
//! root (a leading `/` is dropped), `*` and `?` never cross a `/`, `**` crosses any number of
//! folders, `!` re-includes, the last matching pattern wins, and a pattern that matches a parent
//! folder matches everything below it. The Dockerfile and `.dockerignore` are always sent.

use crate::{ErrorBody, ErrorCode};
use regex::Regex;

/// One compiled pattern.
#[derive(Debug, Clone)]
struct Pattern {
    /// The cleaned pattern text, without `!`.
    text: String,
    exclusion: bool,
    kind: MatchKind,
}

#[derive(Debug, Clone)]
enum MatchKind {
    /// No wildcard: the path must equal the pattern.
    Exact,
    /// `prefix**`: the path starts with the prefix.
    Prefix(String),
    /// `**suffix`: the path ends with the suffix (or equals it without its leading `/`).
    Suffix(String),
    Regex(Regex),
}

/// A parsed `.dockerignore`.
#[derive(Debug, Clone, Default)]
pub struct DockerIgnore {
    patterns: Vec<Pattern>,
}

/// Lexically cleans a slash path the way Go's `path.Clean` does.
pub fn clean_path(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

fn bad_pattern(line: usize, pattern: &str, why: &str) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::InvalidInput,
        format!(".dockerignore line {line}: '{pattern}' {why}"),
        "Fix or remove that line; patterns use * ? [abc] and ** as in Docker's documentation.",
    )
}

impl DockerIgnore {
    /// Parses the text of a `.dockerignore` (comments start with `#`; blank lines are skipped).
    pub fn parse(text: &str) -> Result<Self, ErrorBody> {
        let mut patterns = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            if raw.starts_with('#') {
                continue;
            }
            let mut p = raw.trim();
            if p.is_empty() {
                continue;
            }
            let mut exclusion = false;
            if let Some(rest) = p.strip_prefix('!') {
                exclusion = true;
                p = rest.trim();
            }
            let mut cleaned = clean_path(p);
            if cleaned.len() > 1 && cleaned.starts_with('/') {
                cleaned.remove(0);
            }
            if exclusion && cleaned == "." {
                return Err(bad_pattern(i + 1, raw.trim(), "is an exclusion of nothing"));
            }
            patterns.push(
                Pattern::compile(cleaned, exclusion)
                    .map_err(|why| bad_pattern(i + 1, raw.trim(), &why))?,
            );
        }
        Ok(Self { patterns })
    }

    /// The rules as the builder applies them: the Dockerfile and `.dockerignore` are always sent,
    /// whatever the file says (the Docker CLI appends `!Dockerfile` and `!.dockerignore`).
    pub fn for_build(text: &str, dockerfile: &str) -> Result<Self, ErrorBody> {
        let mut rules = Self::parse(text)?;
        for keep in [clean_path(dockerfile), ".dockerignore".to_string()] {
            let keep = keep.trim_start_matches('/').to_string();
            rules
                .patterns
                .push(Pattern::compile(keep, true).expect("a plain path always compiles"));
        }
        Ok(rules)
    }

    /// Whether any `!` pattern exists (then an excluded folder may still hold included files).
    pub fn has_exclusions(&self) -> bool {
        self.patterns.iter().any(|p| p.exclusion)
    }

    /// Whether `path` (slash-separated, relative to the context root) is left out of the context.
    pub fn is_excluded(&self, path: &str) -> bool {
        let path = clean_path(path);
        if path == "." {
            return false;
        }
        let parents: Vec<&str> = match path.rfind('/') {
            Some(i) => path[..i].split('/').collect(),
            None => Vec::new(),
        };
        let mut matched = false;
        for p in &self.patterns {
            if p.exclusion != matched {
                continue;
            }
            let mut hit = p.matches(&path);
            if !hit {
                hit = (1..=parents.len()).any(|n| p.matches(&parents[..n].join("/")));
            }
            if hit {
                matched = !p.exclusion;
            }
        }
        matched
    }
}

impl Pattern {
    /// Compiles a cleaned pattern, following moby's translation to a regular expression step
    /// by step (so that odd patterns behave as they do in Docker, not as a glob library would).
    fn compile(text: String, exclusion: bool) -> Result<Self, String> {
        #[derive(PartialEq)]
        enum Detected {
            Exact,
            Prefix,
            Suffix,
            Regex,
        }
        let chars: Vec<char> = text.chars().collect();
        let mut re = String::from("^");
        let mut detected = Detected::Exact;
        let mut i = 0;
        let mut n = 0;
        while i < chars.len() {
            let ch = chars[i];
            i += 1;
            match ch {
                '*' if chars.get(i) == Some(&'*') => {
                    i += 1;
                    if chars.get(i) == Some(&'/') {
                        i += 1;
                    }
                    if i >= chars.len() {
                        if detected == Detected::Exact {
                            detected = Detected::Prefix;
                        } else {
                            re.push_str(".*");
                            detected = Detected::Regex;
                        }
                    } else {
                        re.push_str("(.*/)?");
                        detected = Detected::Regex;
                    }
                    if n == 0 {
                        detected = Detected::Suffix;
                    }
                }
                '*' => {
                    re.push_str("[^/]*");
                    detected = Detected::Regex;
                }
                '?' => {
                    re.push_str("[^/]");
                    detected = Detected::Regex;
                }
                '.' | '+' | '(' | ')' | '|' | '{' | '}' | '$' => {
                    re.push('\\');
                    re.push(ch);
                }
                '\\' => match chars.get(i) {
                    Some(next) => {
                        re.push('\\');
                        re.push(*next);
                        i += 1;
                        detected = Detected::Regex;
                    }
                    None => return Err("ends with a lone backslash".into()),
                },
                '[' | ']' => {
                    re.push(ch);
                    detected = Detected::Regex;
                }
                other => re.push(other),
            }
            n += 1;
        }
        let kind =
            match detected {
                Detected::Exact => MatchKind::Exact,
                Detected::Prefix => MatchKind::Prefix(text[..text.len() - 2].to_string()),
                Detected::Suffix => MatchKind::Suffix(text.get(2..).unwrap_or("").to_string()),
                Detected::Regex => {
                    re.push('$');
                    MatchKind::Regex(Regex::new(&re).map_err(|_| {
                        "is not a valid pattern (check its [ ] brackets)".to_string()
                    })?)
                }
            };
        Ok(Self {
            text,
            exclusion,
            kind,
        })
    }

    fn matches(&self, path: &str) -> bool {
        match &self.kind {
            MatchKind::Exact => path == self.text,
            MatchKind::Prefix(prefix) => path.starts_with(prefix.as_str()),
            MatchKind::Suffix(suffix) => {
                path.ends_with(suffix.as_str())
                    || suffix.strip_prefix('/').is_some_and(|s| path == s)
            }
            MatchKind::Regex(re) => re.is_match(path),
        }
    }
}

#[cfg(test)]
mod tests;
