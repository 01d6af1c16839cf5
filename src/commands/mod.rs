//! One function per subcommand: take resolved settings and a client, do one thing, print.

pub mod create;
pub mod list;
pub mod revoke;

use crate::error::AuthContext;
use crate::registry::display_url;
use crate::settings::Settings;

/// Where the credential in use came from, for error advice.
pub struct Context {
    registry: String,
    credential_key: String,
}

impl Context {
    pub fn new(settings: &Settings) -> Self {
        Context {
            registry: display_url(&settings.registry),
            credential_key: settings.credential_key.clone(),
        }
    }

    pub fn auth(&self) -> AuthContext<'_> {
        AuthContext {
            registry: &self.registry,
            credential_key: &self.credential_key,
        }
    }
}
