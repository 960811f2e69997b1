//! A small, strict command-line parser: `--flag value` and `--flag=value`,
//! every flag known per subcommand, no repeats, no stray words. `--help` (or
//! `-h`) where a flag may stand stops the parse with [`HELP`].

use std::collections::BTreeMap;
use std::ffi::OsString;

/// The error [`Args::parse`] returns for `--help` / `-h`: `main` prints the
/// subcommand's usage on stdout and exits 0. Never shown as an error.
pub const HELP: &str = "\u{0}help requested";

/// What a subcommand accepts: flags that take a value, and switches.
pub struct Spec {
    pub values: &'static [&'static str],
    pub switches: &'static [&'static str],
}

/// Parsed flags.
#[derive(Debug, Default)]
pub struct Args {
    values: BTreeMap<&'static str, String>,
    switches: Vec<&'static str>,
}

impl Args {
    pub fn parse(spec: &Spec, argv: impl IntoIterator<Item = OsString>) -> Result<Args, String> {
        let mut args = Args::default();
        let mut it = argv.into_iter();
        while let Some(raw) = it.next() {
            let raw = raw
                .into_string()
                .map_err(|_| "arguments must be valid UTF-8".to_string())?;
            if raw == "--help" || raw == "-h" {
                return Err(HELP.to_string());
            }
            let Some(flag) = raw.strip_prefix("--") else {
                return Err(format!("unexpected argument '{raw}'"));
            };
            let (name, inline) = match flag.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (flag, None),
            };
            if let Some(known) = spec.switches.iter().find(|s| **s == name) {
                if inline.is_some() {
                    return Err(format!("--{name} takes no value"));
                }
                if args.switches.contains(known) {
                    return Err(format!("--{name} given twice"));
                }
                args.switches.push(known);
            } else if let Some(known) = spec.values.iter().find(|s| **s == name) {
                let value = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .ok_or_else(|| format!("--{name} needs a value"))?
                        .into_string()
                        .map_err(|_| format!("--{name}: value must be valid UTF-8"))?,
                };
                if args.values.insert(known, value).is_some() {
                    return Err(format!("--{name} given twice"));
                }
            } else {
                return Err(format!("unknown option --{name}"));
            }
        }
        Ok(args)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub fn has(&self, name: &str) -> bool {
        self.switches.contains(&name)
    }

    /// A value parsed as a number.
    pub fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, String> {
        self.get(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("--{name}: '{v}' is not a valid number"))
            })
            .transpose()
    }

    /// A value parsed as a count of at least 1 (0 is an error).
    pub fn count<T: std::str::FromStr + Default + PartialEq>(
        &self,
        name: &str,
    ) -> Result<Option<T>, String> {
        match self.number::<T>(name)? {
            Some(n) if n == T::default() => Err(format!("--{name}: must be at least 1")),
            n => Ok(n),
        }
    }

    /// A value that must be one of `choices`.
    pub fn choice(
        &self,
        name: &str,
        choices: &[&'static str],
    ) -> Result<Option<&'static str>, String> {
        self.get(name)
            .map(|v| {
                choices
                    .iter()
                    .find(|c| **c == v)
                    .copied()
                    .ok_or_else(|| format!("--{name}: '{v}' is not one of {}", choices.join(", ")))
            })
            .transpose()
    }
}
