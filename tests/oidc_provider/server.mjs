// A real OpenID Connect provider for the fan site's sign-in tests (issue 39), built on the npm package
// oidc-provider (pinned in package.json, installed by `make oidc` with `npm ci`). Never used in production.
//
// Configuration comes from the environment the test fixture sets:
//   OIDC_PORT            the port to listen on (127.0.0.1)
//   OIDC_KEYS_FILE       a JSON Web Key Set of private RSA keys; the first one signs (rotate: restart with another)
//   OIDC_CLIENT_ID       the fan site's client id
//   OIDC_CLIENT_SECRET   its secret (client_secret_basic)
//   OIDC_REDIRECT_URIS   the fan site's callback URLs, comma-separated
//
// A fan signs in on the provider's own development pages with any login (an email address is used as the
// account: `sub` is derived from it, `email` is it) and any password; "[ Cancel ]" aborts (access_denied).
// The fan site is a first-party client: consent is granted without asking.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";

import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT || 4444);
const issuer = `http://127.0.0.1:${port}`;
const keys = JSON.parse(readFileSync(process.env.OIDC_KEYS_FILE, "utf8"));
const clientId = process.env.OIDC_CLIENT_ID || "monoql-fan-site";

function subjectOf(login) {
  return "oidc-" + createHash("sha256").update(login.trim().toLowerCase()).digest("hex").slice(0, 24);
}

const configuration = {
  clients: [
    {
      client_id: clientId,
      client_secret: process.env.OIDC_CLIENT_SECRET || "test-only-client-secret",
      redirect_uris: (process.env.OIDC_REDIRECT_URIS || "").split(",").filter(Boolean),
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  jwks: keys,
  cookies: { keys: ["test-only-cookie-key"] },
  pkce: { required: () => true },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["given_name", "family_name"],
    phone: ["phone_number"],
  },
  // The identity token carries the claims of the granted scopes (the fan site reads only the ID token).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const login = id.trim().toLowerCase();
    return {
      accountId: id,
      async claims() {
        const claims = { sub: id.startsWith("oidc-") ? id : subjectOf(login) };
        if (login.includes("@")) Object.assign(claims, { email: login, email_verified: true });
        return claims;
      },
    };
  },
  async loadExistingGrant(ctx) {
    // First-party client: every requested scope and claim is granted without a consent page.
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid email profile phone");
    grant.addOIDCClaims(["email", "email_verified", "given_name", "family_name", "phone_number"]);
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);
provider.listen(port, "127.0.0.1", () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
