//! Just enough of POSIX shell to lint RUN lines: split a script into simple commands (on `;`,
//! `&&`, `||`, `|`, `&` and newlines) and each command into words, honouring quotes.

/// A simple command and whether a pipe connects it to the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    pub words: Vec<String>,
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

    /// The words after the program name.
    pub fn args(&self) -> &[String] {
        let skip = self.words.iter().take_while(|w| is_assignment(w)).count();
        self.words.get(skip + 1..).unwrap_or(&[])
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
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;
    let finish_word = |word: &mut String, in_word: &mut bool, words: &mut Vec<String>| {
        if *in_word {
            words.push(std::mem::take(word));
            *in_word = false;
        }
    };
    let finish_cmd = |words: &mut Vec<String>, piped: bool, out: &mut Vec<SimpleCommand>| {
        if !words.is_empty() {
            out.push(SimpleCommand {
                words: std::mem::take(words),
                piped,
            });
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if chars.get(i + 1) == Some(&'\n') => i += 1,
            '\\' => {
                if let Some(n) = chars.get(i + 1) {
                    word.push(*n);
                    in_word = true;
                    i += 1;
                }
            }
            '\'' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    word.push(chars[i]);
                    i += 1;
                }
            }
            '"' => {
                in_word = true;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                    }
                    word.push(chars[i]);
                    i += 1;
                }
            }
            '#' if !in_word => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            ' ' | '\t' => finish_word(&mut word, &mut in_word, &mut words),
            '\n' | ';' | '&' | '|' | '(' | ')' | '{' | '}'
                if !in_word || !matches!(c, '{' | '}') =>
            {
                finish_word(&mut word, &mut in_word, &mut words);
                let piped = c == '|' && chars.get(i + 1) != Some(&'|');
                if matches!(c, '&' | '|') && chars.get(i + 1) == Some(&c) {
                    i += 1;
                }
                finish_cmd(&mut words, piped, &mut out);
            }
            other => {
                word.push(other);
                in_word = true;
            }
        }
        i += 1;
    }
    finish_word(&mut word, &mut in_word, &mut words);
    finish_cmd(&mut words, false, &mut out);
    out
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
}
