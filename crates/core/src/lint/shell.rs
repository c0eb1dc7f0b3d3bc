//! Just enough of POSIX shell to lint RUN lines: split a script into simple commands (on `;`,
//! `&&`, `||`, `|`, `&` and newlines) and each command into words, honouring quotes.

use std::ops::Range;

/// A simple command and whether a pipe connects it to the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    pub words: Vec<String>,
    /// Where each word is in the script (byte offsets, quotes included), for fixes that edit it.
    pub spans: Vec<Range<usize>>,
    pub piped: bool,
}

impl SimpleCommand {
    /// The program name, skipping `VAR=value` prefixes.
    pub fn name(&self) -> Option<&str> {
        self.words
            .iter()
            .map(String::as_str)
            .find(|w| !is_assignment(w))
    }

    /// How many `VAR=value` words come before the program name.
    pub fn assignments(&self) -> usize {
        self.words.iter().take_while(|w| is_assignment(w)).count()
    }

    /// The words after the program name.
    pub fn args(&self) -> &[String] {
        self.words.get(self.assignments() + 1..).unwrap_or(&[])
    }

    /// Whether this is `program` followed by `sub` as its first non-flag word (`apt-get install`).
    pub fn is(&self, program: &str, sub: &str) -> bool {
        self.name() == Some(program)
            && self
                .args()
                .iter()
                .find(|a| !a.starts_with('-'))
                .is_some_and(|a| a == sub)
    }
}

fn is_assignment(w: &str) -> bool {
    w.split_once('=').is_some_and(|(k, _)| {
        !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Splits a shell script into simple commands.
pub fn commands(script: &str) -> Vec<SimpleCommand> {
    Splitter::new(script).run()
}

/// The state of one pass over a script.
struct Splitter<'a> {
    script: &'a str,
    chars: Vec<(usize, char)>,
    out: Vec<SimpleCommand>,
    words: Vec<String>,
    spans: Vec<Range<usize>>,
    word: String,
    in_word: bool,
    word_start: usize,
    word_end: usize,
}

impl<'a> Splitter<'a> {
    fn new(script: &'a str) -> Self {
        Splitter {
            script,
            chars: script.char_indices().collect(),
            out: Vec::new(),
            words: Vec::new(),
            spans: Vec::new(),
            word: String::new(),
            in_word: false,
            word_start: 0,
            word_end: 0,
        }
    }

    /// The byte offset of the i-th char (the script's length past the end).
    fn at(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.script.len(), |(o, _)| *o)
    }

    fn ch(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|(_, c)| *c)
    }

    /// Marks the i-th char as part of the current word.
    fn take(&mut self, i: usize) {
        if !self.in_word {
            self.in_word = true;
            self.word_start = self.at(i);
        }
        self.word_end = self.at(i + 1);
    }

    fn finish_word(&mut self) {
        if self.in_word {
            self.words.push(std::mem::take(&mut self.word));
            self.spans.push(self.word_start..self.word_end);
            self.in_word = false;
        }
    }

    fn finish_cmd(&mut self, piped: bool) {
        if !self.words.is_empty() {
            self.out.push(SimpleCommand {
                words: std::mem::take(&mut self.words),
                spans: std::mem::take(&mut self.spans),
                piped,
            });
        }
    }

    fn run(mut self) -> Vec<SimpleCommand> {
        let mut i = 0;
        while let Some(c) = self.ch(i) {
            match c {
                '\\' if self.ch(i + 1) == Some('\n') => i += 1,
                '\\' if self.ch(i + 1) == Some('\r') && self.ch(i + 2) == Some('\n') => i += 2,
                '\\' => {
                    if let Some(n) = self.ch(i + 1) {
                        self.word.push(n);
                        i += 1;
                        self.take(i);
                    }
                }
                '\'' | '"' => {
                    self.take(i);
                    i += 1;
                    while let Some(q) = self.ch(i) {
                        if q == c {
                            break;
                        }
                        if c == '"' && q == '\\' && i + 1 < self.chars.len() {
                            i += 1;
                        }
                        if let Some(q) = self.ch(i) {
                            self.word.push(q);
                        }
                        i += 1;
                    }
                    self.take(i);
                }
                '#' if !self.in_word => {
                    while self.ch(i).is_some_and(|c| c != '\n') {
                        i += 1;
                    }
                    continue;
                }
                ' ' | '\t' | '\r' => self.finish_word(),
                '\n' | ';' | '&' | '|' | '(' | ')' | '{' | '}'
                    if !self.in_word || !matches!(c, '{' | '}') =>
                {
                    self.finish_word();
                    let piped = c == '|' && self.ch(i + 1) != Some('|');
                    if matches!(c, '&' | '|') && self.ch(i + 1) == Some(c) {
                        i += 1;
                    }
                    self.finish_cmd(piped);
                }
                other => {
                    self.word.push(other);
                    self.take(i);
                }
            }
            i += 1;
        }
        self.finish_word();
        self.finish_cmd(false);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<String> {
        commands(s)
            .iter()
            .filter_map(|c| c.name().map(str::to_string))
            .collect()
    }

    #[test]
    fn splits_on_operators_and_keeps_quoted_text_whole() {
        assert_eq!(
            names("cd /x && make || echo 'a && b'; ls | wc -l"),
            ["cd", "make", "echo", "ls", "wc"]
        );
        let c = commands("echo \"a b\" 'c d'");
        assert_eq!(c[0].words, ["echo", "a b", "c d"]);
    }

    #[test]
    fn pipes_are_marked_but_or_is_not() {
        let c = commands("curl x | sh && a || b");
        assert!(c[0].piped);
        assert!(!c[1].piped && !c[2].piped);
    }

    #[test]
    fn assignments_and_continuations() {
        let c = commands("DEBIAN_FRONTEND=noninteractive apt-get \\\n  install -y curl");
        assert_eq!(c[0].name(), Some("apt-get"));
        assert!(c[0].is("apt-get", "install"));
        assert_eq!(c[0].args(), ["install", "-y", "curl"]);
    }

    #[test]
    fn comments_are_skipped() {
        assert_eq!(names("# setup\nls # list\npwd"), ["ls", "pwd"]);
    }

    #[test]
    fn word_spans_point_at_the_words_in_the_script() {
        let script = "apt-get update \\\n && apt-get install -y \"a b\" c\\ d";
        let c = commands(script);
        let at = |cmd: usize, w: usize| &script[c[cmd].spans[w].clone()];
        assert_eq!(at(1, 1), "install");
        assert_eq!(at(1, 3), "\"a b\"");
        assert_eq!(at(1, 4), "c\\ d");
        assert_eq!(c[1].words[4], "c d");
    }

    #[test]
    fn crlf_continuations_join_like_lf_ones() {
        let c = commands("apt-get update \\\r\n && apt-get install -y curl\r");
        assert_eq!(c.len(), 2);
        assert_eq!(c[1].words, ["apt-get", "install", "-y", "curl"]);
    }
}
