//! `.gitignore` with git's semantics, for what the S3 source uploads: a pattern without a slash
//! (other than a trailing one) matches a name at any depth, one with a slash is anchored to the
//! folder of its `.gitignore`, a trailing `/` matches folders only, `**` spans folders, `!`
//! re-includes, the last matching pattern wins, and a file inside an ignored folder stays
//! ignored (the walk never enters it). Differs from `.dockerignore`, whose patterns are always
//! anchored at the context root.

use regex::Regex;

#[derive(Debug, Clone)]
struct Rule {
    regex: Regex,
    negated: bool,
    dir_only: bool,
}

/// One `.gitignore` file, with the folder it sits in.
#[derive(Debug, Clone, Default)]
pub struct GitIgnore {
    /// Slash path of its folder relative to the walk's root (`""` at the root).
    base: String,
    rules: Vec<Rule>,
}

fn glob_to_regex(glob: &str) -> String {
    let chars: Vec<char> = glob.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' if chars.get(i + 1) == Some(&'*') => {
                let at_start = i == 0 || chars[i - 1] == '/';
                let next = chars.get(i + 2);
                if at_start && next == Some(&'/') {
                    // `**/`: zero or more folders.
                    out.push_str("(?:.*/)?");
                    i += 3;
                    continue;
                }
                if at_start && next.is_none() {
                    // `/**`: everything inside.
                    out.push_str(".*");
                    i += 2;
                    continue;
                }
                out.push_str("[^/]*");
                i += 2;
                continue;
            }
            '*' => out.push_str("[^/]*"),
            '?' => out.push_str("[^/]"),
            '[' => {
                if let Some(end) = chars[i + 1..]
                    .iter()
                    .position(|&x| x == ']')
                    .map(|p| p + i + 1)
                {
                    let mut class: String = chars[i + 1..end].iter().collect();
                    if let Some(rest) = class.strip_prefix('!') {
                        class = format!("^{rest}");
                    }
                    out.push('[');
                    out.push_str(&class.replace('\\', "\\\\").replace('[', "\\["));
                    out.push(']');
                    i = end + 1;
                    continue;
                }
                out.push_str("\\[");
            }
            '\\' if i + 1 < chars.len() => {
                out.push_str(&regex::escape(&chars[i + 1].to_string()));
                i += 2;
                continue;
            }
            other => out.push_str(&regex::escape(&other.to_string())),
        }
        i += 1;
    }
    out
}

impl GitIgnore {
    /// Parses the text of a `.gitignore` found in folder `base` (a slash path relative to the
    /// walk's root, `""` for the root). Lines that do not compile are skipped, as git does.
    pub fn parse(base: &str, text: &str) -> Self {
        let mut rules = Vec::new();
        for raw in text.lines() {
            let mut line = raw.trim_end_matches('\r');
            // Trailing spaces are dropped unless escaped.
            while line.ends_with(' ') && !line.ends_with("\\ ") {
                line = &line[..line.len() - 1];
            }
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (negated, mut pat) = match line.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (
                    false,
                    line.strip_prefix('\\')
                        .filter(|r| r.starts_with(['#', '!']))
                        .unwrap_or(line),
                ),
            };
            let dir_only = pat.ends_with('/');
            pat = pat.trim_end_matches('/');
            if pat.is_empty() {
                continue;
            }
            let anchored = pat.contains('/');
            let pat = pat.trim_start_matches('/');
            let body = glob_to_regex(pat);
            let full = if anchored {
                format!("^{body}$")
            } else {
                format!("^(?:.*/)?{body}$")
            };
            if let Ok(regex) = Regex::new(&full) {
                rules.push(Rule {
                    regex,
                    negated,
                    dir_only,
                });
            }
        }
        Self {
            base: base.trim_matches('/').to_string(),
            rules,
        }
    }

    /// Whether this file decides about `path` (a slash path relative to the walk's root):
    /// `Some(true)` ignored, `Some(false)` re-included, `None` no pattern matches.
    pub fn decides(&self, path: &str, is_dir: bool) -> Option<bool> {
        let rel = if self.base.is_empty() {
            path
        } else {
            path.strip_prefix(&self.base)?.strip_prefix('/')?
        };
        self.rules
            .iter()
            .rev()
            .find(|r| (!r.dir_only || is_dir) && r.regex.is_match(rel))
            .map(|r| !r.negated)
    }
}

/// The `.gitignore` files in force at a point of a walk, root first.
#[derive(Debug, Clone, Default)]
pub struct GitIgnoreStack {
    files: Vec<GitIgnore>,
}

impl GitIgnoreStack {
    /// Adds the `.gitignore` of a folder the walk entered.
    pub fn push(&mut self, file: GitIgnore) {
        self.files.push(file);
    }

    /// Whether `path` is ignored: the deepest file with a matching pattern decides.
    pub fn is_ignored(&self, path: &str, is_dir: bool) -> bool {
        self.files
            .iter()
            .rev()
            .find_map(|f| f.decides(path, is_dir))
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> GitIgnoreStack {
        let mut s = GitIgnoreStack::default();
        s.push(GitIgnore::parse("", text));
        s
    }

    #[test]
    fn a_name_matches_at_any_depth_and_a_slash_anchors() {
        let g = root("node_modules/\n*.log\n/build\ndocs/*.md\n");
        assert!(g.is_ignored("node_modules", true));
        assert!(g.is_ignored("web/node_modules", true));
        assert!(
            !g.is_ignored("node_modules", false),
            "a trailing slash matches folders only"
        );
        assert!(g.is_ignored("a/b/c.log", false));
        assert!(g.is_ignored("build", true));
        assert!(!g.is_ignored("src/build", true), "/build is anchored");
        assert!(g.is_ignored("docs/a.md", false));
        assert!(
            !g.is_ignored("docs/deep/a.md", false),
            "* does not cross a slash"
        );
        assert!(
            !g.is_ignored("x/docs/a.md", false),
            "a middle slash anchors too"
        );
    }

    #[test]
    fn double_stars_negation_and_the_last_match_wins() {
        let g = root("**/tmp\nlogs/**\n*.env\n!example.env\na/**/z\n# comment\n\\#literal\n");
        assert!(g.is_ignored("tmp", true));
        assert!(g.is_ignored("x/y/tmp", false));
        assert!(g.is_ignored("logs/a/b", false));
        assert!(
            !g.is_ignored("logs", true),
            "logs/** matches what is inside"
        );
        assert!(g.is_ignored("prod.env", false));
        assert!(!g.is_ignored("example.env", false));
        assert!(g.is_ignored("a/z", false));
        assert!(g.is_ignored("a/b/c/z", false));
        assert!(g.is_ignored("#literal", false));
        assert!(!g.is_ignored("comment", false));
    }

    #[test]
    fn a_nested_file_speaks_for_its_folder_and_wins_over_the_root() {
        let mut g = root("*.txt\n");
        g.push(GitIgnore::parse("sub", "!keep.txt\n/local\n"));
        assert!(g.is_ignored("a.txt", false));
        assert!(g.is_ignored("sub/a.txt", false));
        assert!(!g.is_ignored("sub/keep.txt", false));
        assert!(g.is_ignored("sub/local", true));
        assert!(!g.is_ignored("local", true), "anchored to sub/");
    }

    #[test]
    fn character_classes_and_question_marks() {
        let g = root("file[0-9].c\n?.o\n[!a]*.tmp\n");
        assert!(g.is_ignored("file3.c", false));
        assert!(!g.is_ignored("filex.c", false));
        assert!(g.is_ignored("x.o", false));
        assert!(!g.is_ignored("xy.o", false));
        assert!(g.is_ignored("b1.tmp", false));
        assert!(!g.is_ignored("a1.tmp", false));
    }
}
