//! The man page's JSON OUTPUT section: the rule, then one entry per command, npm's shapes
//! first, then those that are ours (one documented shape each; the README says the same).

use roff::{bold, roman, Roff};

/// The whole section.
pub(super) fn section(page: &mut Roff) {
    page.control("SH", ["JSON OUTPUT"]);
    page.text([roman(
        "With --json, a command prints one JSON document on stdout; a failure prints npm's \
         error object, {\"error\": {\"code\", \"summary\", \"detail\"}}, instead. Where npm \
         has the command, the bytes are npm's: the same fields in the same order, laid out as \
         JSON.stringify(value, null, 2) and a newline. Where the command or mode is \
         npm-token's own, it prints one shape, described here, with the field names of list \
         --json wherever they mean the same thing.",
    )]);
    npm_shapes(page);
    revoke_and_rotate(page);
    status_and_audit(page);
}

/// `list`, `create` and `revoke` with ids: npm's shapes.
fn npm_shapes(page: &mut Roff) {
    described(
        page,
        "list --json",
        "npm's shape: an array with one object per token, in the registry's order across all \
         its pages; each object is the token exactly as the registry sent it, every field \
         kept, then id, the shortest prefix of its key (at least 6 characters) that no other \
         key starts with, as revoke and rotate take it. On npmjs.org the fields are a granular \
         token's: name, description, key, token (the mask), expiry, cidr, bypass_2fa, revoked, \
         created, updated, accessed, permissions ([{name, action}]) and scopes ([{name, \
         type}]); classic tokens have token, key, cidr_whitelist, readonly, automation, created \
         and updated. No tokens: []. Keys are printed in full (npm 11 prints each UUID as ***).",
    );
    described(
        page,
        "list --json with filters",
        "The same shape, holding only the tokens every filter matches, in the same order; each \
         id is the one the whole list gives. Nothing matches: [].",
    );
    described(
        page,
        "create --json",
        "npm's shape: the registry's answer as one object, without key and updated, which npm \
         leaves out; on npmjs.org, the new granular token with token in full (npm 11 prints it \
         redacted).",
    );
    described(
        page,
        "revoke ID... --json",
        "npm's shape: an array of the keys of the tokens revoked, as strings (with --dry-run, \
         of those it would revoke). When some could not be revoked, it holds those that were, \
         and each failure is on stderr (exit status 1).",
    );
}

/// `revoke` with filters, and `rotate`: ours.
fn revoke_and_rotate(page: &mut Roff) {
    described(
        page,
        "revoke --json with filters, --dry-run or not",
        "One object {\"dry_run\", \"planned\", \"revoked\", \"failed\", \"skipped\"}, each a \
         list of {\"key\", \"id\", \"name\", \"why\"}; a failure adds \"error\" {\"code\", \
         \"summary\"} and \"state\" (\"not revoked\" or \"may be revoked\"). A dry run revokes \
         nothing: \"revoked\" and \"failed\" are empty.",
    );
    described(
        page,
        "rotate --json",
        "One JSON object per line, printed as each step is done: {\"step\": \"created\", \
         \"id\", \"created\": the registry's answer, token and key included, \
         \"changes\": how the new token differs from the old, each {\"what\", \"old\", \"new\", \
         \"from\"}}, then \"saved\" \
         {\"file\", \"keys\"}, \"tested\" {\"user\"}, and \"revoked\" {\"key\", \"id\"} or \
         \"kept\" {\"key\", \"id\", \"why\"}; a step that fails prints {\"step\": \"failed\", \
         \"at\" (hand-over, test or revoke), \"error\" {\"code\", \"summary\"}, \"old\": \
         {\"key\", \"id\", \"state\"}} and nothing after it. A failure before created prints \
         npm's error object instead: nothing was made.",
    );
}

/// An entry whose shape is said in words.
fn described(page: &mut Roff, command: &str, text: &str) {
    page.control("TP", []);
    page.text([bold(format!("npm-token {command}"))]);
    page.text([roman(text)]);
}

/// The shape of `status --json`, then of `audit --json`.
fn status_and_audit(page: &mut Roff) {
    entry(
        page,
        "status --json",
        "One object. credential is what this configuration signs in with: token (a listed \
         token, described in token), login-session (a token the list does not show, as npm \
         login makes), unknown (the registry would not list tokens to it, or the list \
         failed; errors says which), ambiguous (candidates listed tokens may be it: they \
         share its mask, or show too little of theirs to tell) or not-a-token (a username \
         and password, or a client certificate). source is where it is set (null when nothing \
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
