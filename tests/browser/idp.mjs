// A real OpenID Connect provider (npm oidc-provider) on loopback, imitating ESIA for the tests:
// one static client, users with names, birth date, SNILS and a `trusted` claim.
//
//   OP_PORT       port to listen on (127.0.0.1 only)
//   RP_REDIRECT   the relying party's redirect URI(s), comma-separated
//   IDP_USERS     optional JSON file {"<login>": {claims}}; read on every sign-in, so a test may
//                 add users while the provider runs
//
// Sign-in goes through oidc-provider's development pages: the login form takes any password
// (POST /interaction/<uid> prompt=login&login=<id>&password=…), then the consent form
// (prompt=consent). Prints "OP listening on <issuer>" when ready.

import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const PORT = Number(process.env.OP_PORT || 9400);
const ISSUER = `http://127.0.0.1:${PORT}`;
const REDIRECTS = (process.env.RP_REDIRECT || 'http://127.0.0.1:8080/esia/callback')
  .split(',').map((s) => s.trim()).filter(Boolean);

// Built-in users; the tests add their own (matched to demo people) through IDP_USERS.
const BUILTIN = {
  'confirmed-adult': {
    family_name: 'Тестова', given_name: 'Анна', middle_name: 'Петровна',
    birthdate: '1985-04-12', snils: '112-233-445 95', trusted: true,
  },
  'standard-adult': {
    family_name: 'Проверкин', given_name: 'Олег', middle_name: 'Ильич',
    birthdate: '1979-10-01', snils: '123-456-789 64', trusted: false,
  },
};

function users() {
  let extra = {};
  if (process.env.IDP_USERS) {
    try {
      extra = JSON.parse(readFileSync(process.env.IDP_USERS, 'utf8'));
    } catch (e) {
      console.error(`IDP_USERS unreadable: ${e}`);
    }
  }
  return { ...BUILTIN, ...extra };
}

const provider = new Provider(ISSUER, {
  clients: [{
    client_id: 'sgo-test',
    client_secret: 'sgo-test-secret',
    redirect_uris: REDIRECTS,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  pkce: { required: () => true },
  // ESIA-like scopes; the trust level comes with `openid` so that every sign-in carries it.
  claims: {
    openid: ['sub', 'trusted'],
    fullname: ['family_name', 'given_name', 'middle_name'],
    birthdate: ['birthdate'],
    snils: ['snils'],
  },
  scopes: ['openid', 'fullname', 'birthdate', 'snils'],
  async findAccount(ctx, id) {
    const u = users()[id];
    if (!u) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...u }; } };
  },
  features: { devInteractions: { enabled: true } },
});
provider.proxy = false;

const server = provider.listen(PORT, '127.0.0.1', () => console.log(`OP listening on ${ISSUER}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
