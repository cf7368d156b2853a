//! E-mail addresses as a brief writes them (`us.email`, `them.email`): one bare
//! address, checked when the brief loads so that a mistake is reported at its
//! line, long before a message is built or sent.

use lettre::Address;
use lettre::address::AddressError;

/// A person as they appear in a From or To header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    /// Display name; any text (it is encoded, and flattened to one line).
    pub name: Option<String>,
    /// A bare address such as `lee.park@acme.example` (see [`check_address`]).
    pub address: String,
}

/// Checks that `s` is one bare mailbox address, as a brief's `email:` must be.
///
/// Stricter than RFC 5322 on purpose: no display name (that is the `name:` field),
/// no whitespace and no non-ASCII characters, because the address is written into
/// the headers as is, and an address that needs SMTPUTF8 would fail at send time on
/// most servers. The error is plain words for a located diagnostic, e.g.
/// "`lee@` is not a valid email address: the domain after @ is missing".
pub fn check_address(s: &str) -> Result<(), String> {
    if s.trim().is_empty() {
        return Err("the email address is empty".to_owned());
    }
    // escape_debug keeps a CR/LF in the message visible instead of breaking the line.
    let bad = |why: &str| {
        Err(format!(
            "`{}` is not a valid email address: {why}",
            s.escape_debug()
        ))
    };

    if s.contains(['\r', '\n']) {
        return bad("it contains a line break");
    }
    if s.chars().any(char::is_control) {
        return bad("it contains a control character");
    }
    if s.contains(['<', '>']) {
        let hint = match (s.find('<'), s.rfind('>')) {
            (Some(open), Some(close)) if open < close => {
                format!(" (write `{}`)", s[open + 1..close].trim().escape_debug())
            }
            _ => String::new(),
        };
        return bad(&format!(
            "write the bare address without a name or angle brackets{hint}; \
             the name has its own field"
        ));
    }
    if s.contains([',', ';']) {
        return bad("give a single address");
    }
    if s.chars().any(char::is_whitespace) {
        return bad("it contains a space");
    }
    if !s.is_ascii() {
        return bad(
            "it contains non-ASCII characters (write an international domain in its \
             `xn--` form)",
        );
    }
    let Some(at) = s.rfind('@') else {
        return bad("it has no @");
    };
    if at == 0 {
        return bad("the part before @ is missing");
    }
    let domain = &s[at + 1..];
    if domain.is_empty() {
        return bad("the domain after @ is missing");
    }
    match s.parse::<Address>() {
        Ok(_) => Ok(()),
        Err(AddressError::InvalidDomain) => bad(&format!(
            "`{}` is not a valid domain",
            domain.escape_debug()
        )),
        Err(AddressError::InvalidUser) => bad("the part before @ is not valid"),
        Err(e) => bad(&e.to_string().to_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked() {
        assert_eq!(check_address("lee.park@acme.example"), Ok(()));
        assert_eq!(check_address("dana+deals@northwind.example"), Ok(()));
        let cases = [
            ("a@b.c\r\nBcc: evil@x.y", "line break"),
            ("lee@", "domain after @ is missing"),
            ("not an address", "space"),
            ("Lee <lee@x.y>", "write `lee@x.y`"),
            ("lee", "no @"),
            ("@acme.example", "before @ is missing"),
            ("lee@acme..example", "not a valid domain"),
            ("lee@x.y, sam@x.y", "single address"),
            ("zoë@acme.example", "non-ASCII"),
            ("", "empty"),
        ];
        for (input, expected) in cases {
            let err = check_address(input).expect_err(input);
            assert!(err.contains(expected), "{input:?}: {err}");
            assert!(!err.contains('\n') && !err.contains('\r'), "{err:?}");
        }
        assert_eq!(
            check_address("lee@").unwrap_err(),
            "`lee@` is not a valid email address: the domain after @ is missing"
        );
    }
}
