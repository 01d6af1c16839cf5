//! The CIDR allow-list of `create --cidr`, validated the way npm validates it.

use std::net::Ipv4Addr;
use std::str::FromStr;

use ipnet::{Ipv4Net, Ipv6Net};

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CidrError {
    #[error("CIDR whitelist can only contain IPv4 addresses, {0} is IPv6")]
    Ipv6(String),
    #[error(
        "CIDR whitelist contains invalid CIDR entry: {0} (each entry is an IPv4 network, like \
         192.0.2.0/24, or 192.0.2.1/32 for one address)"
    )]
    Invalid(String),
}

/// npm's `validateCIDRList`: empty values are dropped; a single value is split on `,\s*`
/// (so `--cidr a,b` works), several values are taken one by one; every entry must be an
/// IPv4 network in CIDR notation. Returns the entries as given, in order.
pub fn parse_cidr_list(values: &[String]) -> Result<Vec<String>, CidrError> {
    let given: Vec<&String> = values.iter().filter(|v| !v.is_empty()).collect();
    let entries: Vec<String> = match given.as_slice() {
        [single] => split_comma_space(single),
        many => many.iter().map(|v| v.to_string()).collect(),
    };
    for entry in &entries {
        if Ipv6Net::from_str(entry).is_ok() {
            return Err(CidrError::Ipv6(entry.clone()));
        }
        if !is_ipv4_cidr(entry) {
            return Err(CidrError::Invalid(entry.clone()));
        }
    }
    Ok(entries)
}

/// JavaScript's `s.split(/,\s*/)`.
fn split_comma_space(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find(',') {
        parts.push(rest[..i].to_owned());
        rest = rest[i + 1..].trim_start_matches(|c: char| c.is_whitespace());
    }
    parts.push(rest.to_owned());
    parts
}

/// An IPv4 address with a prefix length 0–32 (a bare address is not a CIDR). The address part
/// must be dotted-quad decimal without leading zeros, which is what `Ipv4Addr` accepts.
fn is_ipv4_cidr(entry: &str) -> bool {
    let Some((addr, prefix)) = entry.split_once('/') else {
        return false;
    };
    let prefix_ok = !prefix.is_empty()
        && prefix.len() <= 2
        && prefix.bytes().all(|b| b.is_ascii_digit())
        && (prefix.len() == 1 || !prefix.starts_with('0'));
    prefix_ok && Ipv4Addr::from_str(addr).is_ok() && Ipv4Net::from_str(entry).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(values: &[&str]) -> Result<Vec<String>, CidrError> {
        parse_cidr_list(&values.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn accepts_ipv4_networks() {
        assert_eq!(list(&["192.0.2.0/24"]).unwrap(), ["192.0.2.0/24"]);
        assert_eq!(
            list(&["0.0.0.0/0", "10.1.2.3/32"]).unwrap(),
            ["0.0.0.0/0", "10.1.2.3/32"]
        );
        assert_eq!(list(&[]).unwrap(), Vec::<String>::new());
        assert_eq!(list(&["", ""]).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_single_value_is_split_on_commas() {
        assert_eq!(
            list(&["192.0.2.0/24,  10.0.0.0/8,172.16.0.0/12"]).unwrap(),
            ["192.0.2.0/24", "10.0.0.0/8", "172.16.0.0/12"]
        );
        // Several values are not split: a comma inside one is an invalid entry, as in npm.
        assert_eq!(
            list(&["192.0.2.0/24", "10.0.0.0/8,1.0.0.0/8"]),
            Err(CidrError::Invalid("10.0.0.0/8,1.0.0.0/8".into()))
        );
    }

    #[test]
    fn rejects_with_npm_messages() {
        assert_eq!(
            list(&["::1/128"]).unwrap_err().to_string(),
            "CIDR whitelist can only contain IPv4 addresses, ::1/128 is IPv6"
        );
        for bad in [
            "1.2.3.4",
            "::1",
            "1.2.3.4/33",
            "1.2.3/24",
            "1.2.3.4/",
            "/24",
            "a.b.c.d/8",
            "1.2.3.4/24/1",
            " 1.2.3.4/24",
            "1.2.3.4/024",
            "1.2.3.4/+8",
            "256.0.0.0/8",
            "01.2.3.4/8",
            "1.2.3.4 /8",
        ] {
            assert_eq!(
                list(&[bad, "10.0.0.0/8"]).unwrap_err(),
                CidrError::Invalid(bad.to_owned()),
                "{bad:?}"
            );
        }
        assert_eq!(
            list(&["10.0.0.0/8,"]).unwrap_err().to_string(),
            "CIDR whitelist contains invalid CIDR entry:  (each entry is an IPv4 network, like \
             192.0.2.0/24, or 192.0.2.1/32 for one address)"
        );
    }
}
