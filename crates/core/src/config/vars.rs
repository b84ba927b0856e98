//! `${NAME}` variables in config strings: `HOSTNAME`, `MACHINE_ID`, `MACHINE_GROUP`,
//! `TENANT`, `REPO_NAME`, `REPO_GROUP`, `AUDIENCE` (`[upgrade] audience`, default
//! "public"), else an environment variable of that name.
//! `$${` writes a literal `${`.

use std::collections::BTreeMap;

/// The values known when a repository's settings are expanded.
#[derive(Debug, Clone, Default)]
pub struct Variables(pub BTreeMap<&'static str, String>);

impl Variables {
    /// Expands every `${NAME}` in `input`; an unknown name is an error naming it.
    pub fn expand(&self, input: &str) -> Result<String, String> {
        let mut out = String::with_capacity(input.len());
        let mut rest = input;
        while let Some(pos) = rest.find('$') {
            out.push_str(&rest[..pos]);
            let after = &rest[pos..];
            if let Some(stripped) = after.strip_prefix("$${") {
                out.push_str("${");
                rest = stripped;
            } else if let Some(body) = after.strip_prefix("${") {
                let end = body
                    .find('}')
                    .ok_or_else(|| crate::t!("config-var-unclosed", input = input))?;
                let name = &body[..end];
                out.push_str(&self.lookup(name)?);
                rest = &body[end + 1..];
            } else {
                out.push('$');
                rest = &after[1..];
            }
        }
        out.push_str(rest);
        Ok(out)
    }

    fn lookup(&self, name: &str) -> Result<String, String> {
        if let Some(v) = self.0.get(name) {
            return Ok(v.clone());
        }
        match std::env::var(name) {
            Ok(v) => Ok(v),
            Err(_) => Err(crate::t!("config-var-unknown", name = name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Variables {
        let mut m = BTreeMap::new();
        m.insert("HOSTNAME", "box".to_string());
        m.insert("REPO_NAME", "docs".to_string());
        Variables(m)
    }

    #[test]
    fn expands_known_and_env() {
        let v = vars();
        assert_eq!(
            v.expand("/b/${HOSTNAME}/${REPO_NAME}").unwrap(),
            "/b/box/docs"
        );
        assert_eq!(
            v.expand("cost $5 and $${HOSTNAME}").unwrap(),
            "cost $5 and ${HOSTNAME}"
        );
        // SAFETY: tests in this module are the only ones touching this variable.
        unsafe { std::env::set_var("NPB_TEST_VAR_X", "x1") };
        assert_eq!(v.expand("${NPB_TEST_VAR_X}").unwrap(), "x1");
    }

    #[test]
    fn unknown_and_unclosed_are_errors() {
        let v = vars();
        assert!(
            v.expand("${NOPE_NOT_SET_1234}")
                .unwrap_err()
                .contains("NOPE_NOT_SET_1234")
        );
        assert!(v.expand("${HOSTNAME").is_err());
    }
}
