//! The man page's JSON OUTPUT entries for the commands whose JSON is ours, not npm's:
//! `status` and `audit` (one documented shape each; the README says the same).

use roff::{bold, roman, Roff};

/// The shape of `status --json`, then of `audit --json`.
pub(super) fn status_and_audit(page: &mut Roff) {
    entry(
        page,
        "status --json",
        "One object. credential is what this configuration signs in with: token (a listed \
         token, described in token), login-session (a token the list does not show, as npm \
         login makes), unknown (the registry would not list tokens to it; errors says why), \
         ambiguous (candidates listed tokens share its mask) or not-a-token (a username and \
         password, or a client certificate). source is where it is set (null when nothing \
         is): the layer, file and line, the key, the variable a ${VAR} in it reads (or the \
         npm_config_* variable that set it), and the settings of the same credential it \
         shadows. token uses the field names of list --json; its access is data. errors \
         lists the parts that could not be had (part: user or tokens), as the exit status \
         does.",
        &[
            "{\"registry\": \"https://registry.npmjs.org/\", \"user\": \"alice\",",
            " \"credential\": \"token\", \"candidates\": null,",
            " \"source\": {\"layer\": \"project\", \"file\": \"/src/app/.npmrc\", \"line\": 2,",
            "            \"key\": \"//registry.npmjs.org/:_authToken\",",
            "            \"variable\": \"NODE_AUTH_TOKEN\", \"shadows\": [...]},",
            " \"token\": {\"id\", \"key\", \"name\", \"token\", \"cidr\", \"created\", \"expiry\",",
            "           \"expires_in_days\", \"accessed\", \"revoked\",",
            "           \"status\": \"active|expired|revoked\",",
            "           \"access\": {\"summary\", \"bypass_2fa\", \"classic\",",
            "                      \"publishing\": \"none|stage-only|direct|unknown\",",
            "                      \"grants\": [{\"on\": \"packages\", \"level\": \"stage-only\"}]}},",
            " \"errors\": [{\"part\": \"tokens\", \"code\": \"E403\", \"message\": \"...\"}]}",
        ],
    );
    entry(
        page,
        "audit --json",
        "One object. tokens holds the listed tokens that have findings (null when the \
         account's tokens were not checked: --local, or errors says why); local holds this \
         machine's findings, with the file and line, or the variable, they are about. Each \
         finding has a code (direct-publish, bypass-2fa, write-without-cidr, unused, \
         expired, expires-soon, unknown-permission; token-in-project-npmrc, \
         npmrc-readable-by-others, placeholder-token, token-overrides-trusted-publishing), a \
         severity (critical, high, moderate, low), a message and the one-line fix.",
        &[
            "{\"registry\": \"...\", \"user\": \"alice\",",
            " \"tokens\": [{\"key\", \"id\", \"name\", \"in_use\",",
            "             \"findings\": [{\"code\", \"severity\", \"message\", \"fix\"}]}],",
            " \"local\": [{\"code\", \"severity\", \"message\", \"fix\",",
            "            \"file\"?, \"line\"?, \"variable\"?}],",
            " \"errors\": [{\"part\", \"code\", \"message\"}],",
            " \"summary\": {\"findings\", \"critical\", \"high\", \"moderate\", \"low\",",
            "             \"tokens_checked\"}}",
        ],
    );
}

fn entry(page: &mut Roff, command: &str, text: &str, shape: &[&str]) {
    page.control("TP", []);
    page.text([bold(format!("npm-token {command}"))]);
    page.text([roman(text)]);
    page.control("RS", ["4"]);
    page.control("EX", []);
    for line in shape {
        page.text([roman(*line)]);
    }
    page.control("EE", []);
    page.control("RE", []);
}
