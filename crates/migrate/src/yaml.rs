//! The original's YAML as a small ordered tree. The original reads its file with
//! ruamel.yaml; a file it cannot read is refused here with the line and column.

use yaml_rust2::{Yaml, YamlLoader};

/// A YAML value, keys in file order.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Int(i64),
    /// As written ("3.0", "0.1"): a version number must not become 3.
    Float(String),
    Str(String),
    List(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    /// `map.key` (a missing key reads as null, as the original's getter does).
    pub fn get(&self, key: &str) -> &Node {
        static NULL: Node = Node::Null;
        match self {
            Node::Map(entries) => entries
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .unwrap_or(&NULL),
            _ => &NULL,
        }
    }

    /// A dotted path: `repo_opts.retention_policy.last`.
    pub fn path(&self, dotted: &str) -> &Node {
        dotted.split('.').fold(self, |n, k| n.get(k))
    }

    /// Null, or the empty string: "not set" to the original's inheritance.
    pub fn is_unset(&self) -> bool {
        matches!(self, Node::Null) || matches!(self, Node::Str(s) if s.is_empty())
    }

    pub fn entries(&self) -> &[(String, Node)] {
        match self {
            Node::Map(e) => e,
            _ => &[],
        }
    }

    /// The value as text, for scalars.
    pub fn scalar(&self) -> Option<String> {
        match self {
            Node::Bool(b) => Some(b.to_string()),
            Node::Int(i) => Some(i.to_string()),
            Node::Float(f) => Some(f.clone()),
            Node::Str(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// Python's truthiness, which the original's code relies on.
    pub fn truthy(&self) -> bool {
        match self {
            Node::Null => false,
            Node::Bool(b) => *b,
            Node::Int(i) => *i != 0,
            Node::Float(f) => f.parse::<f64>().map(|v| v != 0.0).unwrap_or(true),
            Node::Str(s) => !s.is_empty(),
            Node::List(l) => !l.is_empty(),
            Node::Map(m) => !m.is_empty(),
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Int(_) => "an integer",
            Node::Float(_) => "a number",
            Node::Str(_) => "text",
            Node::List(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }
}

/// Where the YAML could not be read: 1-based line and column, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Reads a YAML document, with what the original would have refused but whose
/// meaning is plain (tabs after a value at the end of a line: the original's own
/// Linux example has them, and neither PyYAML nor ruamel.yaml loads it).
pub fn parse(text: &str) -> Result<(Node, Vec<YamlError>), YamlError> {
    let lenient = trailing_tabs(text);
    let docs = YamlLoader::load_from_str(text).map_err(|e| YamlError {
        line: e.marker().line(),
        column: e.marker().col() + 1,
        message: e.info().to_string(),
    })?;
    let node = match docs.into_iter().next() {
        None => Node::Null,
        Some(doc) => convert(doc)?,
    };
    Ok((node, lenient))
}

/// PyYAML and ruamel.yaml refuse a tab where a token may start outside a quoted or
/// block scalar ("found character '\t' that cannot start any token"); YAML 1.2 and
/// yaml-rust2 take a tab after the last token as white space.
fn trailing_tabs(text: &str) -> Vec<YamlError> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_end_matches([' ', '\t']);
        if trimmed.is_empty() || trimmed.trim_start().starts_with('#') {
            continue;
        }
        let tail = &line[trimmed.len()..];
        // a tab after the last token: where the original's scanner stops
        if let Some(pos) = tail.find('\t') {
            // inside a quoted scalar that continues on the next line, a tab is text
            let quotes = trimmed.matches('"').count() + trimmed.matches('\'').count();
            if quotes % 2 == 1 {
                continue;
            }
            found.push(YamlError {
                line: n + 1,
                column: trimmed.chars().count() + tail[..pos].chars().count() + 1,
                message: "tabs after the value, which the original's YAML reader refuses (\"found character '\\t' that cannot start any token\"); read as white space".into(),
            });
        }
    }
    found
}

fn convert(y: Yaml) -> Result<Node, YamlError> {
    Ok(match y {
        Yaml::Null | Yaml::BadValue => Node::Null,
        Yaml::Boolean(b) => Node::Bool(b),
        Yaml::Integer(i) => Node::Int(i),
        Yaml::Real(r) => Node::Float(r),
        Yaml::String(s) => Node::Str(s),
        Yaml::Array(items) => Node::List(items.into_iter().map(convert).collect::<Result<_, _>>()?),
        Yaml::Hash(h) => {
            let mut entries = Vec::with_capacity(h.len());
            for (k, v) in h {
                let key = match k {
                    Yaml::String(s) | Yaml::Real(s) => s,
                    Yaml::Integer(i) => i.to_string(),
                    Yaml::Boolean(b) => b.to_string(),
                    Yaml::Null => "null".into(),
                    other => {
                        return Err(YamlError {
                            line: 0,
                            column: 0,
                            message: format!("a mapping key that is not text: {other:?}"),
                        });
                    }
                };
                entries.push((key, convert(v)?));
            }
            Node::Map(entries)
        }
        Yaml::Alias(_) => {
            return Err(YamlError {
                line: 0,
                column: 0,
                message: "YAML aliases are not supported".into(),
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_stay_as_written_and_missing_keys_are_null() {
        let (n, _) = parse("conf_version: 3.0\nrepos:\n  default:\n    repo_uri: ''\n").unwrap();
        assert_eq!(n.get("conf_version"), &Node::Float("3.0".into()));
        assert!(n.path("repos.default.repo_uri").is_unset());
        assert_eq!(n.path("repos.default.nothing.below"), &Node::Null);
    }

    #[test]
    fn trailing_tabs_are_read_and_said_where_pyyaml_refuses_them() {
        let (n, said) = parse("a: 1\nb: 0\t\t  \nc: 2\n").unwrap();
        assert_eq!(n.get("b"), &Node::Int(0));
        assert_eq!(said.len(), 1);
        assert_eq!((said[0].line, said[0].column), (2, 5), "{said:?}");
        // a tab inside a quoted value, or in a comment line, is not worth a word
        assert!(parse("a: \"x\ty\"\n# c\t\nb: 1\n").unwrap().1.is_empty());
    }

    #[test]
    fn a_broken_file_says_where() {
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.line >= 1 && !e.message.is_empty(), "{e:?}");
    }
}
